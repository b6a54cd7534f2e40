// The harness in lib/, piece by piece: schedule points, the instrumented
// lock, tags, suggestions and the child runner.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <mutex>
#include <shared_mutex>

#include "child.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "shared_mutex.hpp"
#include "source.hpp"
#include "suggest.hpp"
#include "test_util.hpp"

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

TEST(Tags, FoundByIdLineAndNote) {
  const std::string text = "int a;\nx = 1;  // RACE(A): write here\n// RACE(B) read\nnot // RACE without id\n";
  const auto tags = find_tags(text);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].id, "A");
  EXPECT_EQ(tags[0].line, 2);
  EXPECT_EQ(tags[0].note, "write here");
  EXPECT_EQ(tags[1].id, "B");
  EXPECT_EQ(tags[1].line, 3);
}

// Every registered scenario's source is embedded and carries RACE tags.
TEST(Tags, EveryScenarioSourceIsEmbeddedAndTagged) {
  ASSERT_FALSE(Registry::instance().all().empty());
  for (const auto& s : Registry::instance().all()) {
    const auto text = embedded_source(s.source_path());
    ASSERT_TRUE(text.has_value()) << s.source_path();
    EXPECT_FALSE(find_tags(*text).empty()) << s.name;
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
