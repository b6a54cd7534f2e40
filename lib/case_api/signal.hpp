// lockedges — signals: what a sanitizer report shows that a lesson can be
// recognised by.
//
// `lockedges diagnose` reads an engineer's own report and names the lesson
// it most resembles. lib/ never names a case, so the matching runs the
// other way round: lib/detection finds these signals in a finding, and each
// case says which of them its lesson has and how much each one counts
// (Scenario::signatures). A signal is a shape of the report, never a name
// from the suite's own code, so it fits code the suite has never seen.
#pragma once

#include <string_view>
#include <vector>

namespace lockedges {

enum class Signal {
  // A write inside unordered_map's insert, erase or rehash (operator[],
  // emplace, _M_rehash ...) by a thread that holds only shared locks.
  kMapWriteUnderSharedLock,
  // A write inside the map's insert, erase or rehash by a thread holding a
  // lock, none of which the other access holds.
  kMapWriteUnderOtherLock,
  // The other access walks the map: begin(), ++it, size(), an iterator.
  kIterationRace,
  // A write with no lock held, made by a lambda that a destructor runs (a
  // scope guard), racing an access under a shared lock.
  kScopeExitWrite,
  // A write with no lock held to a field of a heap object that lives in a
  // map's node or behind a shared_ptr, from the program's own code.
  kElementFieldWrite,
  // An unlocked read and a locked write of the same pointer-sized word in
  // one function: the check and the store of double-checked locking.
  kDoubleCheckedPointer,
  // A race whose earlier "write" is the object's allocation (operator new)
  // by a thread holding a lock, and whose other access holds none of that
  // thread's locks: the pointer reached the other thread by a plain store,
  // so nothing published what was built behind it.
  kUnpublishedObject,
  // An access made by a callback that a timer thread runs (a thread whose
  // frames say timer, scheduler, event loop, heartbeat).
  kTimerCallback,
  // A lock-order cycle.
  kLockOrderCycle,
  // A lock-order cycle between two mutexes that are the same member of
  // different objects: a container's lock and its elements' locks.
  kLockOrderSameMember,
  // A heap-use-after-free whose use is in a callback (a lambda or a
  // std::function) and whose memory a destructor freed.
  kUseAfterFreeInCallback,
};

// Signature — one signal of a lesson and how much it counts towards
// naming that lesson (0 to 1; the weights of the signals present add up to
// the confidence, and a lesson is named at 0.5 or more).
struct Signature {
  Signal signal;
  double weight = 0;
};

// signal_id — "map-write-under-shared-lock": the signal in JSON and SARIF.
std::string_view signal_id(Signal signal);
// signal_text — the signal in words, for "why" and `list --search`.
std::string_view signal_text(Signal signal);
// every_signal — all of them, in declaration order.
const std::vector<Signal>& every_signal();

}  // namespace lockedges
