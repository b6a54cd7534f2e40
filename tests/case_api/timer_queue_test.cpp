// The timer queue a case may use (case_api/timer_queue).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "case_api/run.hpp"
#include "case_api/timer_queue.hpp"

namespace lockedges {
namespace {

TEST(TimerQueue, ACallbackRunsOnceItsDelayHasPassed) {
  std::atomic<bool> ran{false};
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point when;
  {
    lockedges::TimerQueue timers;
    timers.schedule(std::chrono::milliseconds(20), [&] {
      when = std::chrono::steady_clock::now();
      ran = true;
    });
    // fired() counts callbacks that have returned, which is a moment after
    // `ran` is set: wait for the count, not the flag.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (timers.fired() == 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    EXPECT_TRUE(ran);
    EXPECT_EQ(timers.fired(), 1u);
  }
  EXPECT_GE(when - start, std::chrono::milliseconds(20));
}

TEST(TimerQueue, ACancelledCallbackNeverRuns) {
  bool ran = false;
  {
    lockedges::TimerQueue timers;
    const auto id = timers.schedule(std::chrono::seconds(30), [&] { ran = true; });
    EXPECT_TRUE(timers.cancel(id));
    EXPECT_FALSE(timers.cancel(id)) << "already cancelled";
  }  // the destructor returns at once: nothing pending, nothing running
  EXPECT_FALSE(ran);
}

TEST(TimerQueue, CancelAndWaitWaitsForTheCallbackInFlight) {
  lockedges::TimerQueue timers;
  std::atomic<bool> started{false};
  bool finished = false;  // written by the callback, read after cancel_and_wait
  const auto id = timers.schedule(std::chrono::nanoseconds(0), [&] {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finished = true;
  });
  while (!started) std::this_thread::yield();
  EXPECT_FALSE(timers.cancel_and_wait(id)) << "it was running, not pending";
  EXPECT_TRUE(finished);
}

// An empty slot in a table of ids holds kNoTimer; cancelling it must not
// wait for "the callback kNoTimer" to stop running, which is what the idle
// timer thread's running_ says. (A stress run too short to arm every slot
// hung here.) Waited for on another thread, so a regression fails (the
// thread still joinable ends the test binary) rather than hangs.
TEST(TimerQueue, CancellingNoTimerReturnsAtOnce) {
  lockedges::TimerQueue timers;
  std::atomic<bool> returned{false};
  std::thread canceller([&] {
    EXPECT_FALSE(timers.cancel(TimerQueue::kNoTimer));
    EXPECT_FALSE(timers.cancel_and_wait(TimerQueue::kNoTimer));
    returned = true;
  });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!returned && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  ASSERT_TRUE(returned) << "cancel_and_wait(kNoTimer) waits for ever";
  canceller.join();
}

TEST(TimerQueue, TheTimerThreadTakesASlotInTheRun) {
  lockedges::Run run(Mode::kForced, Limits{});
  {
    lockedges::TimerQueue timers("timer");
    std::atomic<bool> ran{false};
    timers.schedule(std::chrono::nanoseconds(0), [&] {
      run.post(1, "timer fires");
      ran = true;
    });
    EXPECT_TRUE(run.await(1));
  }
  EXPECT_EQ(run.thread_names(), (std::vector<std::string>{"main", "timer"}));
  const auto events = run.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].what, "timer fires");
  EXPECT_EQ(events[0].thread, 1);
}

}  // namespace
}  // namespace lockedges
