// lockedges — TimerQueue, a thread that runs callbacks after a delay.
//
// The C++ stand-in for Go's time.AfterFunc: one timer thread, callbacks run
// on it one at a time. Not POSIX SIGEV_THREAD timers, which start a thread
// per expiry behind ThreadSanitizer's back. Like AfterFunc, scheduling a
// callback happens-before it runs, and a callback's end happens-before
// cancel_and_wait() returns; nothing else is ordered, so a callback that
// touches shared state without a lock races with every other thread.
//
// Construct it on the variant's own thread before Run::threads(), so the
// timer thread gets its slot in the run (its events are recorded, and a
// schedule point sees it blocked on a lock).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace lockedges {

class TimerQueue {
 public:
  using Id = std::uint64_t;
  // No timer: what an empty slot in a caller's table of ids holds.
  // Cancelling it does nothing and returns at once.
  static constexpr Id kNoTimer = 0;

  explicit TimerQueue(std::string name = "timer");
  // TimerQueue::~TimerQueue — drops every pending callback, waits for the
  // one in flight (if any), and joins the timer thread.
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // TimerQueue::schedule — runs `callback` on the timer thread once `delay`
  // has passed. Returns an id for cancel(), never kNoTimer.
  Id schedule(std::chrono::nanoseconds delay, std::function<void()> callback);

  // TimerQueue::cancel — true when the callback was still pending and now
  // never runs; false when it has run or is running (it does not wait).
  bool cancel(Id id);

  // TimerQueue::cancel_and_wait — cancel(), and if the callback is running
  // right now, wait until it returns. Never call it from a callback. An id
  // that is not running (kNoTimer included) returns at once.
  bool cancel_and_wait(Id id);

  // Callbacks that have run to the end.
  std::uint64_t fired() const;

 private:
  void loop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, Id> due_;  // under mu_
  std::map<Id, std::function<void()>> callbacks_;                  // under mu_
  Id next_id_ = kNoTimer + 1;                                      // under mu_
  Id running_ = kNoTimer;                                          // under mu_
  std::uint64_t fired_ = 0;                                        // under mu_
  bool stop_ = false;                                              // under mu_
  int slot_ = -1;  // the timer thread's slot in the current run, or -1
  std::thread thread_;
};

}  // namespace lockedges
