// Detection speed: one ThreadSanitizer child per measurement, timed from the
// variant's start to its first report. These tests check that the timing
// and its "not found" answer work, never how fast anything is.
#include <gtest/gtest.h>

#include <fstream>

#include "driving/detection_speed.hpp"
#include "case_api/scenario.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

const std::string kTsan = std::string(LOCKEDGES_BIN_DIR) + "/lockedges-tsan";

const Variant& variant_of(const std::string& scenario, const std::string& variant) {
  const Scenario* s = Registry::instance().find(scenario);
  EXPECT_NE(s, nullptr);
  const Variant* v = s->find_variant(variant);
  EXPECT_NE(v, nullptr);
  return *v;
}

TEST(Detection, TheForcedScheduleReportsAndTheTimeStartsAtTheVariant) {
  ScratchDir dir("detect-forced");
  const Scenario& s = *Registry::instance().find("deferred-lambda-write");
  const Detection d = time_to_first_report(kTsan, s, variant_of(s.name, "broken"), Mode::kForced, 5, dir.path(), "forced");
  ASSERT_TRUE(d.error.empty()) << d.error;
  EXPECT_TRUE(d.found) << d.outcome;
  EXPECT_GT(d.seconds, 0);
  ASSERT_FALSE(d.log.empty());
  std::ifstream log(d.log);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("WARNING: ThreadSanitizer"), text.rfind("WARNING: ThreadSanitizer"))
      << "halt_on_error: one report, then the child ends";
}

TEST(Detection, NothingToFindIsSaidAsNotFoundWithinTheLimit) {
  ScratchDir dir("detect-clean");
  const Scenario& s = *Registry::instance().find("deferred-lambda-write");
  const Detection d = time_to_first_report(kTsan, s, variant_of(s.name, "fixed"), Mode::kStress, 0.3, dir.path(), "stress");
  ASSERT_TRUE(d.error.empty()) << d.error;
  EXPECT_FALSE(d.found);
  EXPECT_GE(d.seconds, 0.25) << "the stress child ran for its limit";
  EXPECT_EQ(d.outcome, "exit 0");
}

TEST(Detection, AMissingBinaryIsAnErrorNotAResult) {
  ScratchDir dir("detect-missing");
  const Scenario& s = *Registry::instance().find("deferred-lambda-write");
  const Detection d =
      time_to_first_report("/nonexistent/lockedges-tsan", s, variant_of(s.name, "broken"), Mode::kForced, 1, dir.path(), "x");
  EXPECT_FALSE(d.found);
  EXPECT_FALSE(d.error.empty());
}

}  // namespace
}  // namespace lockedges
