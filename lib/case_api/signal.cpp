#include "case_api/signal.hpp"

namespace lockedges {
namespace {

struct Words {
  Signal signal;
  std::string_view id;
  std::string_view text;
};

// One row per Signal, in declaration order.
constexpr Words kWords[] = {
    {Signal::kMapWriteUnderSharedLock, "map-write-under-shared-lock",
     "a write inside unordered_map's insert, erase or rehash (operator[], _M_insert, _M_rehash) "
     "while only a shared (read) lock is held"},
    {Signal::kMapWriteUnderOtherLock, "map-write-under-other-lock",
     "a write inside the map's insert, erase or rehash under a lock the other access does not hold"},
    {Signal::kIterationRace, "iteration-race",
     "the other access walks the map (begin, ++it, size, an iterator)"},
    {Signal::kScopeExitWrite, "scope-exit-write",
     "a write with no lock held from a lambda run by a destructor (a scope guard, defer), against an "
     "access under a shared lock"},
    {Signal::kElementFieldWrite, "element-field-write",
     "a write with no lock held to a field of an object in a map node or behind a shared_ptr"},
    {Signal::kDoubleCheckedPointer, "double-checked-pointer",
     "an unlocked read and a locked write of one pointer in the same function: double-checked locking"},
    {Signal::kUnpublishedObject, "unpublished-object",
     "another thread uses an object built under a lock (its allocation is the other side) without that "
     "lock: a pointer published with a plain store"},
    {Signal::kTimerCallback, "timer-callback",
     "an access made by a callback on a timer, scheduler or event-loop thread"},
    {Signal::kLockOrderCycle, "lock-order-cycle", "a lock-order cycle (potential deadlock)"},
    {Signal::kLockOrderSameMember, "lock-order-same-member",
     "a lock-order cycle between the same mutex member of two objects: a container's lock and its "
     "elements' locks"},
    {Signal::kUseAfterFreeInCallback, "use-after-free-in-callback",
     "a heap-use-after-free in a callback (lambda, std::function) of an object a destructor freed"},
};

const Words& words(Signal signal) {
  for (const Words& w : kWords)
    if (w.signal == signal) return w;
  return kWords[0];  // unreachable: every Signal has a row
}

}  // namespace

std::string_view signal_id(Signal signal) { return words(signal).id; }
std::string_view signal_text(Signal signal) { return words(signal).text; }

const std::vector<Signal>& every_signal() {
  static const std::vector<Signal> all = [] {
    std::vector<Signal> v;
    for (const Words& w : kWords) v.push_back(w.signal);
    return v;
  }();
  return all;
}

}  // namespace lockedges
