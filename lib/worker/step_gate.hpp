// lockedges — the child side of step-through mode: one recorded event at a
// time, released by the parent.
//
// In step mode every event a forced run records (Run::record) passes a gate:
// the recording thread publishes the event and stops until the parent says
// "go". The parent (`lockedges run --step`) shows the event and waits for
// Enter or a delay.
//
// The gate must not synchronise the case's threads in ThreadSanitizer's
// eyes, or TSan would stop reporting the very race being shown. TSan turns
// a write and a later read on a file descriptor into a release/acquire
// pair, and models mutexes, condition variables and acquire/release atomics
// too. So:
//   - only the gate's own thread touches the pipes to the parent;
//   - a case thread hands its event to the gate thread through relaxed
//     atomics in a per-thread mailbox, and waits for its release by spinning
//     on a relaxed atomic with a short sleep;
//   - the mailbox's text is ordered before its "pending" flag by a thread
//     fence, which orders the hardware but which TSan does not model.
// Nothing therefore links one case thread to another through the gate; the
// step tests check that a stepped run reports exactly the findings of a
// normal forced run.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "case_api/event_gate.hpp"
#include "case_api/run.hpp"
#include "child/protocol.hpp"

namespace lockedges {

class StepGate final : public EventGate {
 public:
  // `events_fd` gets one JSON line per event; `go_fd` gives one byte per
  // event let through. The gate owns both and closes them.
  StepGate(int events_fd, int go_fd);
  ~StepGate();
  StepGate(const StepGate&) = delete;
  StepGate& operator=(const StepGate&) = delete;

  // StepGate::start / stop — the gate thread. Stop once every thread of the
  // run has joined: events still waiting are let through first.
  void start();
  void stop();

  // EventGate: called by the thread that recorded event `seq`; returns when
  // the parent has said go (at once when the parent is gone). Events are let
  // through in `seq` order.
  void pass(int thread, std::uint64_t seq, std::string_view name, std::string_view kind, std::string_view what,
            int peer) override;

 private:
  static constexpr std::size_t kMaxText = 480;  // longer events are cut: a line on a projector

  // One per run thread. Written by that thread, read by the gate thread;
  // atomics only (relaxed), see the file comment.
  struct Mailbox {
    std::atomic<std::uint64_t> pending{0};   // seq + 1 of the event waiting here, 0 for none
    std::atomic<std::uint64_t> released{0};  // seq + 1 of the last event let through
    std::atomic<int> peer{-1};
    std::atomic<std::size_t> length{0};
    std::array<std::atomic<char>, kMaxText> text{};  // "name\x1fkind\x1fwhat"
  };

  void serve();
  bool forward(const StepEvent& event);  // gate thread: send, then wait for go; false when the parent is gone
  StepEvent take(const Mailbox& box, int thread, std::uint64_t seq) const;

  std::array<Mailbox, Run::kMaxThreads> boxes_;
  std::atomic<bool> stopping_{false};
  int events_fd_;
  int go_fd_;
  bool parent_gone_ = false;  // gate thread only
  std::thread thread_;
};

}  // namespace lockedges
