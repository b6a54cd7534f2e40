// lockedges — a mutex named the way its source names it.
//
// TSan calls a mutex "M114" and prints where it was created: for a
// std::mutex or std::shared_mutex that is where it was first locked, since
// neither calls an init function. The line there names the mutex as the
// reader knows it: `std::shared_lock lock(idx.mu_);` is "idx.mu_". Read
// with a few patterns rather than a C++ parser: a lock line is one of a
// handful of idioms, and a line that is none of them gives "" (the caller
// falls back on file:line).
#pragma once

#include <string>
#include <string_view>

namespace lockedges::tsan {

// lock_expression — the mutex a line of source locks, creates or declares:
//   std::shared_lock lock(idx.mu_);        -> "idx.mu_"
//   std::scoped_lock both(a.mu_, b.mu_);   -> "a.mu_" (the first)
//   child->mu_.lock_shared();              -> "child->mu_"
//   pthread_rwlock_rdlock(&table_lock);    -> "table_lock"
//   std::shared_mutex mu_;                 -> "mu_"
// and "" for any other line.
std::string lock_expression(std::string_view line);

// How a line names its mutex, most telling first: a guard or pthread call
// is where code says which mutex it takes; `mu_.lock()` may be a lock
// wrapper's own body, which names its member, not its caller's mutex.
enum class LockIdiom { kGuard, kMemberCall, kDeclaration, kNone };

struct LockLine {
  std::string expression;  // as lock_expression
  LockIdiom idiom = LockIdiom::kNone;
};
LockLine lock_line(std::string_view line);

// declared_label — the name a lock wrapper is given where `member` is
// declared with a string literal in `source` (`SharedMutex mu_{"index.mu_"};`
// gives "index.mu_" for member "mu_"), when exactly one literal is given
// for it; "" otherwise. This is the name the suite's own events and
// diagrams use, so `run`'s findings read the same.
std::string declared_label(std::string_view source, std::string_view member);

// last_member — "child->mu_" -> "mu_", "idx.mu_" -> "mu_", "mu_" -> "mu_".
std::string_view last_member(std::string_view expression);

}  // namespace lockedges::tsan
