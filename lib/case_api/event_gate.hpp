// lockedges — EventGate, where a stepped forced run holds each event.
//
// In step mode (`lockedges run --step`) every event a forced run records
// passes a gate before its thread goes on. The case API knows only this
// interface; the gate that talks to the parent over pipes is the worker's
// (lib/worker/step_gate.hpp), so a case never sees the process boundary.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace lockedges {

class EventGate {
 public:
  virtual ~EventGate() = default;

  // EventGate::pass — called by the thread that recorded event `seq`, right
  // after recording it; returns when the event may go on.
  virtual void pass(int thread, std::uint64_t seq, std::string_view name, std::string_view kind,
                    std::string_view what, int peer) = 0;

  // EventGate::holding — true while an event waits: the time a person spends
  // reading it must not count towards a schedule point's timeout. Not
  // virtual, and inline: a waiting thread asks on every look, and an
  // out-of-line call there is two more events in the thread's finite
  // ThreadSanitizer history each time (see nap below).
  bool holding() const { return holding_.load(std::memory_order_relaxed); }

  // EventGate::nap — how a case thread waits on the gate: usleep(us), where
  // `us` grows from 50 us to 50 ms (call with 0 first, pass the result back).
  // Not a busy spin: every look is an event in the thread's ThreadSanitizer
  // history, which is finite, and a long spin while a person reads would
  // push out the stack of the thread's racing access ("[failed to restore
  // the stack]"). usleep with a value, and no local whose address is taken:
  // a waiting thread must not write its stack from instrumented code, since
  // a case may hold a dangling reference into a dead frame just there
  // (timer-callback's LIFETIME bug), and such a write would be a race TSan
  // reports on an untagged line.
  static unsigned nap(unsigned us);

 protected:
  std::atomic<bool> holding_{false};  // set by the gate while an event waits
};

}  // namespace lockedges
