// The harness in lib/, piece by piece: schedule points, the instrumented
// lock, tags, suggestions and the child runner.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>
#include <mutex>
#include <shared_mutex>

#include "child/spawn.hpp"
#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"
#include "sources/source.hpp"
#include "util/suggest.hpp"
#include "test_util.hpp"
#include "profiles/cpu_profile.hpp"
#include "profiles/profile.hpp"
#include "case_api/timer_queue.hpp"

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
    while (!ran) std::this_thread::yield();
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

TEST(Tags, FoundByIdLineAndNote) {
  const std::string text =
      "int a;\nx = 1;  // RACE(A): write here\n// RACE(B) read\nnot // RACE without id\n"
      "use(local);  // LIFETIME(C): dead local\nlock();  // DEADLOCK(D): inner lock\n";
  const auto tags = find_tags(text);
  ASSERT_EQ(tags.size(), 4u);
  EXPECT_EQ(tags[0].kind, "RACE");
  EXPECT_EQ(tags[2].kind, "LIFETIME");
  EXPECT_EQ(tags[2].id, "C");
  EXPECT_EQ(tags[2].line, 5);
  EXPECT_EQ(tags[3].kind, "DEADLOCK");
  EXPECT_EQ(tags[0].id, "A");
  EXPECT_EQ(tags[0].line, 2);
  EXPECT_EQ(tags[0].note, "write here");
  EXPECT_EQ(tags[1].id, "B");
  EXPECT_EQ(tags[1].line, 3);
}

// Every registered scenario's source is embedded, and a scenario whose bug a
// detector sees carries the tags its findings are checked against.
TEST(Tags, EveryScenarioSourceIsEmbeddedAndTagged) {
  ASSERT_FALSE(Registry::instance().all().empty());
  for (const auto& s : Registry::instance().all()) {
    const auto text = embedded_source(s.source_path());
    ASSERT_TRUE(text.has_value()) << s.source_path();
    const bool detectable = std::any_of(s.variants.begin(), s.variants.end(), [](const Variant& v) {
      return v.broken && v.evidence == Evidence::kDetector;
    });
    EXPECT_EQ(!find_tags(*text).empty(), detectable) << s.name;
    EXPECT_NE(s.find_variant("broken"), nullptr) << s.name;
    EXPECT_GE(s.variants.size(), 2u) << s.name;
  }
}

TEST(Suggest, ClosestChoiceForATypo) {
  const std::vector<std::string> names{"deferred-lambda-write", "iteration-during-grow", "all"};
  EXPECT_EQ(closest("deferred-lamda-write", names), "deferred-lambda-write");
  EXPECT_EQ(closest("iteration", names), "iteration-during-grow");
  EXPECT_EQ(closest("zzzzzzzz", names), std::nullopt);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Child, ExitCodeAndOutputComeBack) {
  const auto ran = testing::run("/bin/sh", {"-c", "echo out; echo err >&2; exit 7"});
  EXPECT_TRUE(ran.outcome.exited);
  EXPECT_EQ(ran.outcome.exit_code, 7);
  EXPECT_EQ(ran.out, "out\n");
  EXPECT_EQ(ran.err, "err\n");
  EXPECT_EQ(describe(ran.outcome), "exit 7");
}

TEST(Child, ASignalIsReportedAsThatSignal) {
  const auto ran = testing::run("/bin/sh", {"-c", "kill -SEGV $$"});
  EXPECT_FALSE(ran.outcome.exited);
  EXPECT_EQ(ran.outcome.signal, SIGSEGV);
  EXPECT_NE(describe(ran.outcome).find("SIGSEGV"), std::string::npos);
}

TEST(Child, TheWatchdogEndsAHangingChild) {
  const auto ran = testing::run("/bin/sleep", {"30"}, {}, /*timeout=*/0.3);
  EXPECT_TRUE(ran.outcome.timed_out);
  EXPECT_LT(ran.outcome.wall_seconds, 5.0);
  EXPECT_NE(describe(ran.outcome).find("timed out"), std::string::npos);
}

TEST(Child, AMissingProgramDoesNotStart) {
  const auto ran = testing::run("/nonexistent/lockedges", {});
  EXPECT_FALSE(ran.outcome.started);
  EXPECT_NE(ran.outcome.start_error.find("/nonexistent/lockedges"), std::string::npos);
}

TEST(Child, EnvironmentIsSetForTheChild) {
  const auto ran = testing::run("/bin/sh", {"-c", "echo \"$LOCKEDGES_TEST_VALUE\""},
                                {{"LOCKEDGES_TEST_VALUE", "forty two"}});
  EXPECT_EQ(ran.out, "forty two\n");
}

}  // namespace
}  // namespace lockedges

namespace lockedges::profile {
namespace {

// google-pprof --collapsed lines: frames root first, then a count.
TEST(Profile, CollapsedStacksGiveFlatAndCumulativeShares) {
  const auto stacks = parse_collapsed(
      "main<0000000000001000>;work<0000000000001100>;futex_wait<0000000000001200> 30\n"
      "main<0000000000001000>;work<0000000000001100> 50\n"
      "main<0000000000001000>;idle 20\n"
      "garbage line without a count\n");
  ASSERT_EQ(stacks.size(), 3u);
  EXPECT_EQ(stacks[0].frames, (std::vector<std::string>{"main", "work", "futex_wait"}));
  const Text t = summarize(stacks);
  EXPECT_EQ(t.total, 100);
  ASSERT_GE(t.functions.size(), 4u);
  EXPECT_EQ(t.functions[0].name, "work");
  EXPECT_EQ(t.functions[0].flat, 50);
  EXPECT_EQ(t.functions[0].cum, 80);
  EXPECT_DOUBLE_EQ(t.functions[0].cum_share, 0.8);
  const auto futex = std::find_if(t.functions.begin(), t.functions.end(),
                                  [](const Function& f) { return f.name == "futex_wait"; });
  ASSERT_NE(futex, t.functions.end());
  EXPECT_TRUE(futex->lock) << "futex functions are marked as lock time";
  const auto main_fn = std::find_if(t.functions.begin(), t.functions.end(),
                                    [](const Function& f) { return f.name == "main"; });
  EXPECT_EQ(main_fn->flat, 0);
  EXPECT_EQ(main_fn->cum, 100);
}

TEST(Profile, DiffPutsTheLargestMoveFirst) {
  Text before, after;
  before.functions = {{.name = "futex_wait", .flat_share = 0.6, .lock = true}, {.name = "work", .flat_share = 0.3}};
  after.functions = {{.name = "work", .flat_share = 1.0}};
  const auto changes = diff(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].name, "work");  // moved 0.7
  EXPECT_DOUBLE_EQ(changes[0].after, 1.0);
  EXPECT_EQ(changes[1].name, "futex_wait");  // moved 0.6
  EXPECT_TRUE(changes[1].lock);
  EXPECT_DOUBLE_EQ(changes[1].after, 0.0);
}

TEST(Profile, FlameGraphIsSelfContainedSvgWithEveryFrameNamed) {
  const auto svg = flame_graph_svg(parse_collapsed("main;work;futex_wait 30\nmain;work 70\n"), "a <title>");
  EXPECT_TRUE(svg.starts_with("<svg"));
  EXPECT_NE(svg.find("a &lt;title&gt;"), std::string::npos) << "titles are escaped";
  for (const char* frame : {"main", "work", "futex_wait"}) EXPECT_NE(svg.find(frame), std::string::npos) << frame;
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("http://www.w3.org/2000/svg\" width"), svg.find("http://"));  // the namespace is the only URL
}


// A gperftools profile as documented (64-bit slots): header, samples,
// trailer, then the mapped objects as text.
std::string profile_bytes(const std::vector<std::uint64_t>& slots, const std::string& maps) {
  std::string bytes(slots.size() * 8, '\0');
  std::memcpy(bytes.data(), slots.data(), bytes.size());
  return bytes + maps;
}

TEST(CpuProfile, ReadsHeaderSamplesTrailerAndExecutableMappings) {
  const std::string maps =
      "55d000000000-55d000001000 r--p 00000000 08:01 1 /opt/app\n"
      "55d000001000-55d000005000 r-xp 00001000 08:01 1 /opt/app\n";
  std::string error;
  const auto p = read_cpu_profile(
      profile_bytes({0, 3, 0, 1000, 0, 2, 2, 0x55d000001234, 0x55d000002000, 5, 1, 0x55d000001300, 0, 1, 0}, maps),
      error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->period_us, 1000u);
  ASSERT_EQ(p->samples.size(), 2u);
  EXPECT_EQ(p->samples[0].count, 2u);
  EXPECT_EQ(p->samples[0].pcs, (std::vector<std::uint64_t>{0x55d000001234, 0x55d000002000}));
  EXPECT_EQ(p->samples[1].count, 5u);
  ASSERT_EQ(p->mappings.size(), 1u) << "only executable regions";
  EXPECT_EQ(p->mappings[0].path, "/opt/app");
  EXPECT_EQ(p->mappings[0].offset, 0x1000u);
}

TEST(CpuProfile, RejectsABadHeaderAndATruncatedFile) {
  std::string error;
  EXPECT_FALSE(read_cpu_profile(profile_bytes({1, 3, 0, 1000, 0, 0, 1, 0}, ""), error));
  EXPECT_NE(error.find("header"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 2, 5, 1, 2}, ""), error));
  EXPECT_NE(error.find("past the end"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 2, 1, 1}, ""), error));
  EXPECT_NE(error.find("trailer"), std::string::npos) << error;
}

TEST(CpuProfile, NamesWhatItCanAndKeepsTheRestAsAddressesRootFirst) {
  // No file behind the mapping: nm finds nothing, so every frame stays an
  // address; the stack is root first, and a return address is named by the
  // call before it.
  const std::string maps = "7f0000000000-7f0000010000 r-xp 00000000 08:01 1 /nonexistent/libx.so\n";
  std::string error;
  const auto p =
      read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 3, 2, 0x7f0000000100, 0x7f0000000200, 0, 1, 0}, maps), error);
  ASSERT_TRUE(p) << error;
  const auto stacks = symbolize(*p, "/nonexistent/app", error);
  ASSERT_EQ(stacks.size(), 1u) << error;
  EXPECT_EQ(stacks[0].count, 3);
  EXPECT_EQ(stacks[0].frames, (std::vector<std::string>{"0x1ff", "0x100"}));
  EXPECT_EQ(collapsed_text(stacks), "0x1ff;0x100 3\n");
}

}  // namespace
}  // namespace lockedges::profile
