// lockedges — ThreadSanitizer warnings grouped into findings: the many
// warnings one bug produces folded into one per place in the case's own
// code, each with a one-sentence diagnosis. See tsan_log.hpp.
#include <map>
#include <unordered_set>
#include <utility>

#include "detection/fingerprint.hpp"
#include "detection/frames.hpp"
#include "detection/lessons.hpp"
#include "detection/source_names.hpp"
#include "detection/tsan_log.hpp"
#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

constexpr string_view kLockOrderKind = "lock-order-inversion";

bool is_free_frame(const Frame& f) {
  string_view fn = f.function;
  return fn.starts_with("operator delete") || fn == "free";  // as libtsan names them
}

std::string access_label(const Access& a) {
  if (a.write && !a.stack.empty() && is_free_frame(a.stack.front())) return "free";
  std::string s = a.atomic ? "atomic " : "";
  return s + (a.write ? "write" : "read");
}

void place(Location& loc, const std::vector<Frame>& stack, const UserCode& user) {
  loc.stack = stack;
  if (const Frame* f = first_user_frame(stack, user)) {
    loc.file = f->file;
    loc.line = f->line;
    loc.function = f->function;
  }
}

// What the runtime frame on top of a stack did to a mutex: "lock", "read
// lock", "unlock", "destroy"; "" when the top frame is no mutex call.
std::string mutex_call(const std::vector<Frame>& stack) {
  if (stack.empty()) return "";
  const string_view fn = stack.front().function;
  if (fn.find("rdlock") != string_view::npos || fn.find("lock_shared") != string_view::npos) return "read lock";
  if (fn.find("unlock") != string_view::npos) return "unlock";
  if (fn.find("destroy") != string_view::npos) return "destroy";
  if (fn.find("lock") != string_view::npos) return "lock";
  return "";
}

// A mutex's name: the lock expression on the line it was created at (the
// first user frame of "Mutex M10 (0x...) created at"), else file:line.
class MutexNames {
 public:
  MutexNames(const Warning& w, const Program& program, const UserCode& user) : program_(program), user_(user) {
    for (const Section& s : w.sections) {
      string_view h = s.header;
      if (!h.starts_with("Mutex ") || !h.ends_with(" created at")) continue;
      h.remove_prefix(6);
      learn(std::string(h.substr(0, h.find(' '))), s.stack, Where::kCreated);
    }
  }

  enum class Where { kCreated, kTaken };

  // Names mutex `id` by the source of the line where `stack` created or
  // took it, unless it has a name already. Where that source cannot be read,
  // a creation line still names the mutex ("cache.cpp:12"); the line that
  // took it does not, as a reader would take it for where the mutex lives.
  //
  // Of the program's frames, the one whose line names the mutex most
  // tellingly (lock_line's idioms), the top-most of those: the frames
  // above a guard may be the program's own lock wrapper (a class around
  // std::shared_mutex), whose lines name its member, not the caller's mutex.
  void learn(const std::string& id, const std::vector<Frame>& stack, Where where) {
    if (names_.count(id)) return;
    const Frame* first = nullptr;
    std::string best;
    LockIdiom best_idiom = LockIdiom::kNone;
    for (const Frame& f : stack) {
      if (!user_(f)) continue;
      if (!first) first = &f;
      const auto [name, idiom] = named(program_, f);
      if (idiom < best_idiom) {
        best = name;
        best_idiom = idiom;
      }
    }
    if (!best.empty()) names_.emplace(id, std::move(best));
    else if (first && where == Where::kCreated)
      names_.emplace(id, std::string(file_name(first->file)) + ":" + std::to_string(first->line));
  }

  void fill(std::vector<HeldMutex>& mutexes) const {
    for (HeldMutex& m : mutexes)
      if (const auto it = names_.find(m.id); it != names_.end()) m.name = it->second;
  }

 private:
  // The mutex `f`'s line names, and how; a wrapper's member declared with
  // a literal name (`SharedMutex mu_{"index.mu_"}`) is called by it.
  static LockLine named(const Program& program, const Frame& f) {
    if (!program.source || f.line <= 0) return {};
    std::string text;
    try {
      text = program.source(f.file);
    } catch (...) {
      return {};
    }
    LockLine line = lock_line(line_at(text, f.line));
    if (std::string label = declared_label(text, last_member(line.expression)); !label.empty())
      line.expression = std::move(label);
    return line;
  }

  const Program& program_;
  const UserCode& user_;
  std::map<std::string, std::string> names_;
};

// ---- diagnosis sentences ----------------------------------------------------

std::string who(const std::string& thread) {
  if (thread == "main thread") return "the main thread";
  if (thread == "main goroutine") return "the main goroutine";
  if (thread.starts_with("goroutine ")) return thread;
  if (thread.empty()) return "a thread";
  return "thread " + thread;
}

std::string whose(const Access& a) { return who(a.thread) + "'s " + access_label(a); }

// "idx.mu_ (M9)", or "M9" when the mutex has no name.
std::string shown(const HeldMutex& m) { return m.name.empty() ? m.id : m.name + " (" + m.id + ")"; }

// "a shared (read) lock on M9 and an exclusive (write) lock on M10"
std::string locks_held(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes)
    parts.push_back((m.shared ? "a shared (read) lock on " : "an exclusive (write) lock on ") + shown(m));
  return joined(parts, " and ");
}

std::string ids(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes) parts.push_back(shown(m));
  return joined(parts, ", ");
}

bool only_shared(const Access& a) {
  if (a.mutexes.empty()) return false;
  for (const HeldMutex& m : a.mutexes)
    if (!m.shared) return false;
  return true;
}

// A set rather than a pair of loops: a made-up header may list a hundred
// thousand mutexes on each side.
bool share_a_mutex(const Access& x, const Access& y) {
  std::unordered_set<string_view> held;
  for (const HeldMutex& a : x.mutexes) held.insert(a.id);
  for (const HeldMutex& b : y.mutexes)
    if (held.count(b.id)) return true;
  return false;
}

std::string race_diagnosis(const Warning& w) {
  if (w.accesses.size() < 2)
    return "data race: two threads access the same memory without synchronisation and at least one "
           "of them writes.";
  const Access& a = w.accesses[0];
  const Access& b = w.accesses[1];
  if (a.atomic != b.atomic)
    return "atomic and plain accesses mixed: " + whose(a) + " races with " + whose(b) +
           "; an atomic operation only synchronises with other atomic operations on the same "
           "variable.";
  if (!a.mutexes_known || !b.mutexes_known)
    return "data race: " + whose(a) + " and " + whose(b) +
           " are not ordered; the report does not say which locks were held (for Go's, --src-root lets "
           "diagnose read them from the source).";
  const Access& wr = a.write ? a : b;  // a race always has at least one write
  const Access& other = &wr == &a ? b : a;
  if (wr.mutexes.empty())
    return "write with no lock held: " + who(wr.thread) + "'s " + access_label(wr) +
           " takes no lock, so " +
           (other.mutexes.empty() ? who(other.thread) + "'s " + access_label(other) +
                                        " is not ordered against it at all."
                                  : locks_held(other) + " held by " + whose(other) +
                                        " cannot exclude it.");
  if (only_shared(wr)) {
    std::string s = "write under a shared (read) lock: a shared lock does not exclude other readers, so " +
                    whose(wr) + " races with " + whose(other);
    if (only_shared(other) && share_a_mutex(wr, other))
      s += "; both hold " + ids(wr) + " only in shared mode";
    return s + ".";
  }
  if (other.mutexes.empty())
    return other.write ? "write with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it."
                       : "read with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it.";
  if (!share_a_mutex(wr, other))
    return "the two accesses hold different locks: " + whose(wr) + " holds " + ids(wr) + ", " +
           whose(other) + " holds " + ids(other) + ", so neither excludes the other.";
  return "data race: " + whose(a) + " and " + whose(b) +
         " are not ordered by the locks they hold (" + ids(a) + " / " + ids(b) + ").";
}

// One step of a lock-order cycle as group() reads it.
struct LockStep {
  LockAcquisition names;  // ids, thread
  std::string acquired;   // "idx.mu_ (M10)"
  std::string held;       // "M9", with " (held shared)" when the report says so
};

std::string lock_order_diagnosis(const Warning& w, const std::vector<LockStep>& steps) {
  std::vector<std::string> parts;
  for (const LockStep& s : steps) parts.push_back(who(s.names.thread) + " takes " + s.acquired + " while holding " + s.held);
  std::string what = parts.empty() ? std::string() : ": " + joined(parts, ", ");
  if (steps.size() > 2)
    return "threads take locks in a cyclic order (" + joined(w.cycle, " => ") + ")" + what +
           "; run at the same time they can deadlock.";
  return "two threads take the same two locks in opposite orders" + what +
         "; run at the same time they can deadlock.";
}

std::string use_after_free_diagnosis(const Warning& w) {
  const Access* freed = nullptr;
  const Access* use = nullptr;
  for (const Access& a : w.accesses) {
    if (access_label(a) == "free") freed = freed ? freed : &a;
    else use = use ? use : &a;
  }
  if (!freed || !use) return "use after free: memory is accessed after it was freed.";
  return "use after free: " + who(use->thread) + "'s " + access_label(*use) +
         " touches memory that " + who(freed->thread) +
         " freed; no synchronisation makes the use finish before the free.";
}

std::string kind_diagnosis(const std::string& kind, const Location* where) {
  const std::string at = where && !where->function.empty() ? " (in " + where->function + ")" : "";
  if (kind == "thread leak") return "a thread was neither joined nor detached before the program ended" + at + ".";
  if (kind == "double lock of a mutex") return "a thread locked a mutex it already holds" + at + ".";
  if (kind.starts_with("unlock of an unlocked mutex"))
    return "a mutex was unlocked by a thread that does not hold it" + at + ".";
  if (kind == "destroy of a locked mutex") return "a mutex was destroyed while still locked" + at + ".";
  if (kind.starts_with("read lock of a write locked mutex"))
    return "a read lock was taken on a mutex the same thread holds for writing" + at + ".";
  if (kind.starts_with("read unlock of a write locked mutex"))
    return "a write-locked mutex was released with a read unlock" + at + ".";
  if (kind.starts_with("signal-unsafe call"))
    return "a signal handler called a function that is not async-signal-safe" + at +
           "; if the signal lands while the thread is inside that function, it deadlocks or corrupts state.";
  if (kind.starts_with("signal handler spoils errno"))
    return "a signal handler changed errno without restoring it" + at + ", so the code it interrupted reads a wrong errno.";
  return "ThreadSanitizer reports a " + kind + at + ".";
}

// "Thread T1 (tid=..., finished) created by main thread at" -> "T1".
std::string created_thread(string_view header) {
  if (!header.starts_with("Thread ") || header.find(" created by ") == string_view::npos) return "";
  header.remove_prefix(7);
  return std::string(header.substr(0, header.find(' ')));
}

// "Mutex M9 previously acquired by the same thread here" -> "M9".
std::string previously_acquired(string_view header) {
  if (!header.starts_with("Mutex ") || !header.ends_with(" previously acquired by the same thread here")) return "";
  header.remove_prefix(6);
  return std::string(header.substr(0, header.find(' ')));
}

void add_lock_order(const Warning& w, MutexNames& names, const UserCode& user, Finding& f) {
  // Lock-order reports print no "created at": each mutex is named by the
  // line that took it.
  for (const Section& s : w.sections) {
    if (const auto step = parse_lock_section(s.header)) names.learn(step->acquired, s.stack, MutexNames::Where::kTaken);
    else if (std::string held = previously_acquired(s.header); !held.empty())
      names.learn(held, s.stack, MutexNames::Where::kTaken);
  }
  std::vector<LockStep> steps;
  for (std::size_t i = 0; i < w.sections.size(); ++i) {
    const Section& s = w.sections[i];
    const auto parsed = parse_lock_section(s.header);
    if (!parsed) continue;
    Location loc;
    loc.access = mutex_call(s.stack) == "read lock" ? "read lock" : "lock";
    loc.thread = parsed->thread;
    HeldMutex held{parsed->held, false, false, ""};
    // With second_deadlock_stack=1 the next block shows how the held mutex
    // was taken; without it the report does not say.
    if (i + 1 < w.sections.size() && previously_acquired(w.sections[i + 1].header) == parsed->held) {
      held.mode_known = true;
      held.shared = mutex_call(w.sections[i + 1].stack) == "read lock";
    }
    loc.mutexes.push_back(held);
    names.fill(loc.mutexes);
    place(loc, s.stack, user);
    HeldMutex acquired{parsed->acquired, loc.access == "read lock", true, ""};
    std::vector<HeldMutex> one{acquired};
    names.fill(one);
    LockStep step{*parsed, shown(one.front()), shown(loc.mutexes.front())};
    if (held.mode_known) step.held += held.shared ? " shared" : " exclusively";
    if (loc.access == "read lock") step.acquired += " shared";
    steps.push_back(std::move(step));
    f.locations.push_back(std::move(loc));
  }
  f.diagnosis = lock_order_diagnosis(w, steps);
}

Finding make_finding(const Warning& raw, const Program& program, const UserCode& user) {
  MutexNames names(raw, program, user);
  Warning w = raw;  // with each held mutex named
  for (Access& a : w.accesses) names.fill(a.mutexes);
  Finding f;
  f.kind = w.kind;
  f.summary = w.summary;
  f.incomplete = !w.complete;
  f.count = 1 + std::max(0, w.similar);
  if (w.kind.starts_with(kLockOrderKind)) {
    add_lock_order(w, names, user, f);
  } else {
    for (const Access& a : w.accesses) {
      Location loc;
      loc.access = access_label(a);
      loc.thread = a.thread;
      loc.mutexes = a.mutexes;
      loc.mutexes_known = a.mutexes_known;
      place(loc, a.stack, user);
      f.locations.push_back(std::move(loc));
    }
    // A report whose stack is right under its WARNING line (a misuse of a
    // mutex, a signal handler's fault), and the second stack some of them
    // print after "  and:" (destroy of a locked mutex: where it was locked).
    std::vector<const std::vector<Frame>*> misuse_stacks;
    if (!w.stack.empty()) misuse_stacks.push_back(&w.stack);
    for (const Section& s : w.sections)
      if (s.header == "and" && !s.stack.empty() && !w.stack.empty()) misuse_stacks.push_back(&s.stack);
    for (const std::vector<Frame>* stack : misuse_stacks) {
      Location loc;
      const std::string call = mutex_call(*stack);
      loc.access = call.empty() ? "call" : call;
      for (const Section& s : w.sections)
        if (s.header.starts_with("Mutex ") && s.header.ends_with(" created at")) {
          const string_view h = string_view(s.header).substr(6);
          loc.mutexes.push_back(HeldMutex{std::string(h.substr(0, h.find(' '))), false, false, ""});
        }
      names.fill(loc.mutexes);
      place(loc, *stack, user);
      f.locations.push_back(std::move(loc));
    }
    if (w.kind == "thread leak")
      for (const Section& s : w.sections)
        if (std::string t = created_thread(s.header); !t.empty()) {
          Location loc;
          loc.access = "create";
          loc.thread = t;
          place(loc, s.stack, user);
          f.locations.push_back(std::move(loc));
        }
    if (w.kind.starts_with("data race")) f.diagnosis = race_diagnosis(w);
    else if (w.kind.starts_with("heap-use-after-free")) f.diagnosis = use_after_free_diagnosis(w);
    else f.diagnosis = kind_diagnosis(w.kind, f.locations.empty() ? nullptr : &f.locations.front());
  }
  f.signals = signals_of(w, f, user);
  f.fingerprint = fingerprint(f);
  return f;
}

}  // namespace

std::vector<Finding> group(const Log& log, const Program& program) {
  std::vector<Finding> out;
  const UserCode user{program.is_user_file};
  try {
    FindingGroups groups(out);
    for (const Warning& w : log.warnings) groups.add(make_finding(w, program, user));
  } catch (...) {  // bad_alloc: return what was grouped so far
  }
  return out;
}

std::vector<Finding> group(const Log& log, const std::function<bool(std::string_view file)>& is_case_file) {
  // A null is_case_file kept its old meaning: no frame is case code.
  Program program;
  program.is_user_file = is_case_file ? is_case_file : [](std::string_view) { return false; };
  return group(log, program);
}

}  // namespace lockedges::tsan
