// deferred-lambda-write — a deferred write runs after its lock is gone.
//
// Pitfall:      A scope-exit action (C++'s stand-in for Go's defer) is declared
//               before the std::shared_lock. Locals are destroyed in reverse
//               order, so the lock is released first and the deferred write
//               then runs with no lock held. The function also took a shared
//               lock for code that writes.
// Race pair:    RACE(A) counters.map["visits"] written by the deferred action,
//               no lock held  vs  read by a reader holding the shared lock.
// Symptom:      lost updates: two bumps read the same value and both write +1.
// Interleaving: 1. writer takes the shared lock and reads visits = 0
//               2. writer's scope ends: the shared_lock destructor releases the
//                  lock first
//               3. reader takes the shared lock and reads visits
//               4. writer's deferred action writes visits = 1 with no lock,
//                  while the reader still holds its shared lock: a data race
//               5. with two writers both read 0 and both write 1: one update is
//                  lost
// Fix:          Take the exclusive lock in code that writes, and declare the
//               deferred action after the guard, so it runs while the lock is
//               still held (guards and actions die in reverse order of
//               declaration).
// Guideline:    CP.20: use RAII, never plain lock()/unlock() - and mind the
//               order in which guards are destroyed; CP.2: avoid data races.
// Go origin:    The study's §1.1 and §4.1 register a deferred closure inside an
//               RLock'd region; it runs at function return, after RUnlock, and
//               writes the map unguarded.
// Not in C++:   C++ has no defer: destructors run at the closing brace in
//               reverse declaration order, so the bug needs an explicit scope
//               guard declared too early. The study's loop-variable capture
//               does not carry over as a shared variable: each C++ loop
//               iteration's variable is a new object, so a by-reference capture
//               that outlives the iteration dangles (AddressSanitizer's
//               stack-use-after-scope) rather than seeing the last value as Go
//               before 1.22 did.
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/scope_exit.hpp"
#include "case_api/shared_mutex.hpp"

namespace {

using lockedges::await;
using lockedges::post;
using lockedges::Run;
using lockedges::ScopeExit;

const std::string kKey = "visits";

// The shared state: a map of counters and the lock that guards it.
struct Counters {
  lockedges::SharedMutex mu_{"counters.mu_"};
  std::unordered_map<std::string, long> map;  // guarded by mu_
};

// The forced schedule, in the order it happens.
enum Step {
  kDeferredStarts = 1,  // writer: its scope has ended, the deferred action begins
  kReaderHasRead,       // reader: has read visits under its shared lock
  kWriterWrote,         // writer: the deferred action has written visits
};

long read_visits(Counters& c) {
  await(kDeferredStarts);
  std::shared_lock lock(c.mu_);
  const long seen = c.map.at(kKey);  // RACE(A): read under the shared lock
  post(kReaderHasRead, "reads visits = {} under the shared lock", seen);
  await(kWriterWrote);
  return seen;
}

// ---------------------------------------------------------------------------
// Broken: the deferred write is declared before the lock, so it runs after it.
// ---------------------------------------------------------------------------
void bump_broken(Counters& c) {
  long seen = 0;
  ScopeExit write_back([&] {  // declared first, destroyed last: after the unlock
    post(kDeferredStarts, "scope ends: shared lock already released, deferred write begins");
    await(kReaderHasRead);
    c.map[kKey] = seen + 1;  // RACE(A): deferred write, no lock held
    post(kWriterWrote, "deferred action writes visits = {}", seen + 1);
  });
  std::shared_lock lock(c.mu_);  // a *shared* lock for code that writes: wrong twice
  seen = c.map.at(kKey);
}

// ---------------------------------------------------------------------------
// Fixed: the writer takes the exclusive lock, and the deferred action is
// declared after it, so it runs while the lock is still held.
// ---------------------------------------------------------------------------
void bump_fixed(Counters& c) {
  std::unique_lock lock(c.mu_);  // FIX(A): exclusive, for code that writes
  const long seen = c.map.at(kKey);
  ScopeExit write_back([&] {  // FIX(A): declared after the lock, so it runs before the unlock
    post(kDeferredStarts, "scope ends: deferred write begins, exclusive lock still held");
    await(kReaderHasRead);
    c.map[kKey] = seen + 1;
    post(kWriterWrote, "deferred action writes visits = {}", seen + 1);
  });
}

// ---------------------------------------------------------------------------
// Driving either variant
// ---------------------------------------------------------------------------
template <void (*Bump)(Counters&)>
void forced(Run& run) {
  Counters c;
  c.map[kKey] = 0;
  run.threads({{"writer", [&] { Bump(c); }}, {"reader", [&] { read_visits(c); }}});
}

// Two writers bump the same counter while a reader reads it; every bump
// that does not show in the final value is a lost update.
template <void (*Bump)(Counters&)>
void stress(Run& run) {
  Counters c;
  c.map[kKey] = 0;
  long bumps[2] = {0, 0};
  long reads = 0;
  auto bumper = [&](long& count) {
    for (std::uint64_t i = 0; run.keep_going(i); ++i) {
      Bump(c);
      ++count;
    }
  };
  run.threads({{"writer 1", [&] { bumper(bumps[0]); }},
               {"writer 2", [&] { bumper(bumps[1]); }},
               {"reader", [&] {
                  for (std::uint64_t i = 0; run.keep_going(i); ++i, ++reads) read_visits(c);
                }}});
  const long expected = bumps[0] + bumps[1];
  run.ops(static_cast<std::uint64_t>(expected + reads));
  run.symptom("lost updates", expected - c.map.at(kKey));
}

const lockedges::Registration kRegistration{{
    .order = 10,
    .name = "deferred-lambda-write",
    .title = "a scope-exit lambda declared before the lock writes the map after unlock",
    .seed = "1.1, 4.1",
    .source = __FILE__,
    .symptom = "lost updates",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "scope-exit write declared before a shared_lock: runs after unlock",
             .forced = forced<bump_broken>,
             .stress = stress<bump_broken>},
            {.name = "fixed",
             .broken = false,
             .summary = "exclusive lock, deferred write declared after it: runs under the lock",
             .forced = forced<bump_fixed>,
             .stress = stress<bump_fixed>},
        },
    // A report of this bug: a write with no lock from a lambda a destructor
    // runs, against a read under the shared lock.
    .signatures = {{lockedges::Signal::kScopeExitWrite, 0.8}},
}};

}  // namespace
