// Running a child under the watchdog (child/spawn): exit status, signal,
// timeout, a missing program, the environment.
#include <gtest/gtest.h>

#include "child/spawn.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

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
