// The run and its schedule points (case_api/run): await orders threads,
// gives way to a thread blocked on a lock, times out, and the deadlock
// watchdog names who waits for which lock.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "case_api/run.hpp"
#include "case_api/shared_mutex.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

std::vector<std::string> texts(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.what);
  return out;
}

// 1. thread "second" waits for step 1; 2. thread "first" posts it.
// The recorded interleaving shows first's step before second's.
TEST(Schedule, AwaitOrdersTwoThreads) {
  lockedges::Run run(Mode::kForced, Limits{});
  run.threads({{"second", [&] {
                  EXPECT_TRUE(run.await(1));
                  run.post(2, "second goes");
                }},
               {"first", [&] { run.post(1, "first goes"); }}});
  EXPECT_TRUE(run.schedule_completed());
  EXPECT_EQ(texts(run.events()), (std::vector<std::string>{"first goes", "second goes"}));
  EXPECT_EQ(run.thread_names(), (std::vector<std::string>{"main", "second", "first"}));
}

// Steps are a set, not a high-water mark: posting 3 then 2 leaves both posted.
TEST(Schedule, StepsPostedOutOfOrderAreAllSeen) {
  lockedges::Run run(Mode::kForced, Limits{.await_timeout_seconds = 0.5});
  run.post(3, "three");
  run.post(2, "two");
  EXPECT_TRUE(run.await(3));
  EXPECT_TRUE(run.await(2));
  EXPECT_TRUE(run.schedule_completed());
}

// A fixed variant's lock keeps the other thread from reaching its step:
// 1. "holder" takes the exclusive lock and awaits step 1;
// 2. "blocked" tries the shared lock and blocks before it can post step 1;
// 3. holder's await sees a thread blocked on the lock and goes on.
TEST(Schedule, AwaitGivesWayToAThreadBlockedOnALock) {
  lockedges::Run run(Mode::kForced, Limits{.await_timeout_seconds = 30});
  {
    SharedMutex mu("test.mu_");
    run.threads({{"holder", [&] {
                    std::unique_lock lock(mu);
                    run.post(2, "holder has the lock");
                    EXPECT_FALSE(run.await(1));
                  }},
                 {"blocked", [&] {
                    EXPECT_TRUE(run.await(2));
                    std::shared_lock lock(mu);
                    run.post(1, "blocked got the lock");
                  }}});
  }
  EXPECT_TRUE(run.schedule_completed()) << "giving way is not a timeout";
  const auto all = texts(run.events());
  ASSERT_FALSE(all.empty());
  EXPECT_NE(std::find(all.begin(), all.end(), "waits for shared lock test.mu_"), all.end());
  EXPECT_EQ(all.back(), "releases shared lock test.mu_");
  ASSERT_EQ(run.locks().size(), 1u);
  EXPECT_EQ(run.locks()[0].name, "test.mu_");
  EXPECT_EQ(run.locks()[0].contended, 1u);
  EXPECT_EQ(run.locks()[0].exclusive_acquisitions, 1u);
  EXPECT_EQ(run.locks()[0].shared_acquisitions, 1u);
  EXPECT_GT(run.locks()[0].max_wait_ns, 0);
}

// The statistics that are no longer counted with a locked instruction on
// every acquisition are still exact: shared acquisitions from more threads
// than there are reader slots (some alive at once, some after others have
// exited and given their slot back), and the exclusive holds timed, 1 in
// kHoldSampleEvery in a stress run, every one in a forced run.
TEST(SharedMutexStats, CountsStayExactAndHoldsAreSampled) {
  constexpr int kThreads = 40;
  constexpr std::uint64_t kEach = 5000;
  constexpr std::uint64_t kExclusive = 1000;
  lockedges::Run run(Mode::kStress, Limits{});
  {
    SharedMutex mu("stats.mu_");
    for (int round = 0; round < 2; ++round) {  // the second round reuses the slots the first gave back
      std::vector<std::thread> readers;
      for (int t = 0; t < kThreads / 2; ++t)
        readers.emplace_back([&] {
          for (std::uint64_t i = 0; i < kEach; ++i) std::shared_lock lock(mu);
        });
      for (auto& r : readers) r.join();
    }
    for (std::uint64_t i = 0; i < kExclusive; ++i) std::unique_lock lock(mu);
  }
  ASSERT_EQ(run.locks().size(), 1u);
  EXPECT_EQ(run.locks()[0].shared_acquisitions, kThreads * kEach);
  EXPECT_EQ(run.locks()[0].exclusive_acquisitions, kExclusive);
  EXPECT_EQ(run.locks()[0].hold_samples, (kExclusive + SharedMutex::kHoldSampleEvery - 1) / SharedMutex::kHoldSampleEvery);

  lockedges::Run forced(Mode::kForced, Limits{});
  {
    SharedMutex mu("forced.mu_");
    for (int i = 0; i < 10; ++i) std::unique_lock lock(mu);
  }
  ASSERT_EQ(forced.locks().size(), 1u);
  EXPECT_EQ(forced.locks()[0].hold_samples, 10u);
}

// A lock nobody took is left out of the run's locks (a striped store's
// untouched shards); one taken once, in either mode, is kept.
TEST(SharedMutexStats, ALockNobodyTookIsNotReported) {
  lockedges::Run run(Mode::kStress, Limits{});
  {
    SharedMutex idle("idle.mu_"), shared("shared.mu_"), exclusive("exclusive.mu_");
    { std::shared_lock lock(shared); }
    { std::unique_lock lock(exclusive); }
  }
  ASSERT_EQ(run.locks().size(), 2u);
  EXPECT_EQ(run.locks()[0].name, "exclusive.mu_");  // destroyed in reverse order
  EXPECT_EQ(run.locks()[1].name, "shared.mu_");
}

// Waits are counted exactly and timed on a sample: each thread's first wait
// and every kWaitSampleEvery-th after it. However many of the rounds below
// the scheduler lets the reader through without waiting, the timed ones are
// that share of the waits it had, and the total is scaled up to all of them.
TEST(SharedMutexStats, WaitsAreCountedExactlyAndTimedOnASample) {
  constexpr int kRounds = 40;
  lockedges::Run run(Mode::kStress, Limits{.stress_seconds = 30});
  {
    SharedMutex mu("waits.mu_");
    std::atomic<int> held{-1}, done{-1};
    run.threads({{"writer", [&] {
                    for (int round = 0; round < kRounds; ++round) {
                      std::unique_lock lock(mu);
                      held.store(round);
                      std::this_thread::sleep_for(std::chrono::milliseconds(1));
                      lock.unlock();
                      while (done.load() != round) std::this_thread::yield();
                    }
                  }},
                 {"reader", [&] {
                    for (int round = 0; round < kRounds; ++round) {
                      while (held.load() != round) std::this_thread::yield();
                      { std::shared_lock lock(mu); }
                      done.store(round);
                    }
                  }}});
  }
  ASSERT_EQ(run.locks().size(), 1u);
  const lockedges::LockStats& s = run.locks()[0];
  ASSERT_GT(s.contended, SharedMutex::kWaitSampleEvery) << "the reader meets a held lock in most rounds";
  EXPECT_EQ(s.timed_waits, (s.contended + SharedMutex::kWaitSampleEvery - 1) / SharedMutex::kWaitSampleEvery);
  EXPECT_GT(s.max_wait_ns, 0);
  EXPECT_GE(s.total_wait_ns, s.max_wait_ns);
  EXPECT_GE(s.max_wait_ns, s.p99_wait_ns);
}

// keep_going reads no clock: the run's timer ends the loop at the deadline,
// not before it.
TEST(Schedule, TheStressDeadlineEndsALoopThatGivesNoIterationCount) {
  lockedges::Run run(Mode::kStress, Limits{.stress_seconds = 0.05});
  while (run.keep_going()) std::this_thread::yield();
  EXPECT_GE(run.elapsed_seconds(), 0.05);
}

// A case's domain code (a store's method, a timer callback) takes no Run&:
// the free schedule points act on the run in progress, and with none they
// do nothing and let the caller go on.
TEST(Schedule, FreeSchedulePointsActOnTheRunInProgress) {
  ASSERT_EQ(Run::current(), nullptr);
  EXPECT_TRUE(lockedges::await(9));
  lockedges::post(1, "no run records this");
  lockedges::note("nor this");
  {
    lockedges::Run run(Mode::kForced, Limits{});
    EXPECT_EQ(Run::current(), &run);
    run.threads({{"second", [] {
                    EXPECT_TRUE(lockedges::await(1));
                    lockedges::note("second goes");
                  }},
                 {"first", [] { lockedges::post(1, "first goes"); }}});
    EXPECT_TRUE(run.schedule_completed());
    EXPECT_EQ(texts(run.events()), (std::vector<std::string>{"first goes", "second goes"}));
  }
  EXPECT_EQ(Run::current(), nullptr) << "a finished run is no longer in progress";
}

TEST(Schedule, AStepNobodyPostsTimesOutAndMarksTheRun) {
  lockedges::Run run(Mode::kForced, Limits{.await_timeout_seconds = 0.05});
  EXPECT_FALSE(run.await(7));
  EXPECT_FALSE(run.schedule_completed());
}

TEST(Schedule, StressModeIgnoresSchedulePointsAndRecordsNothing) {
  lockedges::Run run(Mode::kStress, Limits{.stress_seconds = 10, .stress_iterations = 5});
  EXPECT_TRUE(run.await(9));
  run.post(1, "not recorded");
  EXPECT_TRUE(run.events().empty());
  std::uint64_t i = 0;
  while (run.keep_going(i)) ++i;
  EXPECT_EQ(i, 5u);
}

// Two threads take two locks in opposite orders and really deadlock; the
// watchdog sees both stuck in the same wait and names who waits for what.
// Runs in a forked child, since deadlocked threads can never be joined.
TEST(Deadlock, TheWatchdogNamesWhoWaitsForWhichLockHeldByWhom) {
  const std::string path = "/tmp/lockedges-deadlock-" + std::to_string(::getpid());
  std::filesystem::remove(path);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    lockedges::Run run(Mode::kStress, Limits{.stress_seconds = 30});
    SharedMutex a("a.mu_"), b("b.mu_");
    run.on_deadlock([&](const std::string& description) {
      std::ofstream(path) << description;
      std::_Exit(0);
    });
    std::atomic<int> holding{0};
    auto take = [&](SharedMutex& first, SharedMutex& second) {
      std::unique_lock one(first);
      holding.fetch_add(1);
      while (holding.load() < 2) std::this_thread::yield();
      std::unique_lock two(second);
    };
    run.threads({{"first", [&] { take(a, b); }}, {"second", [&] { take(b, a); }}});
    std::_Exit(3);  // the threads finished: no deadlock happened
  }
  int status = 0;
  for (int i = 0; i < 1000 && ::waitpid(pid, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "the watchdog did not end the deadlocked child in 10 s";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string description = testing::slurp(path);
  std::filesystem::remove(path);
  EXPECT_NE(description.find("first waits for b.mu_ held by second"), std::string::npos) << description;
  EXPECT_NE(description.find("second waits for a.mu_ held by first"), std::string::npos) << description;
}

// Contended but never stuck: one thread holds the lock a while, the other
// waits, then both finish. The watchdog must stay quiet.
TEST(Deadlock, ALongWaitThatEndsIsNoDeadlock) {
  lockedges::Run run(Mode::kStress, Limits{.stress_seconds = 30});
  bool fired = false;
  run.on_deadlock([&](const std::string&) { fired = true; });
  SharedMutex mu("mu_");
  std::atomic<bool> held{false};
  run.threads({{"holder", [&] {
                  std::unique_lock lock(mu);
                  held = true;
                  std::this_thread::sleep_for(std::chrono::milliseconds(500));
                }},
               {"waiter", [&] {
                  while (!held) std::this_thread::yield();
                  std::shared_lock lock(mu);
                }}});
  EXPECT_FALSE(fired);
  EXPECT_EQ(this_thread_lock_waits().waits, 0u) << "the variant's own thread never waited";
}

}  // namespace
}  // namespace lockedges
