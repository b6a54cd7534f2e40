// lib/asan_log on real AddressSanitizer, LeakSanitizer and UBSan logs
// (tests/fixtures/asan/; line numbers refer to the programs in src/ there).
#include "detection/asan_log.hpp"

#include <gtest/gtest.h>

#include "support/parser_checks.hpp"
#include "support/test_util.hpp"

namespace lockedges::asan {
namespace {

std::string fixture(const std::string& name) {
  return testing::slurp(std::string(LOCKEDGES_FIXTURE_DIR) + "/asan/" + name);
}

auto in_file(std::string_view name) {
  return [name](std::string_view file) {
    return file.size() >= name.size() && file.substr(file.size() - name.size()) == name;
  };
}

TEST(AsanLog, CallbackReadingADeadLocalIsStackUseAfterReturnAtTheRead) {
  const Log log = parse(fixture("use_after_return.log"), in_file("use_after_return.cpp"));
  EXPECT_EQ(log.reports, 1);
  ASSERT_EQ(log.findings.size(), 1u);
  const tsan::Finding& f = log.findings[0];
  EXPECT_EQ(f.kind, "stack-use-after-return");
  EXPECT_EQ(f.count, 1);
  ASSERT_EQ(f.locations.size(), 1u);
  EXPECT_EQ(f.locations[0].access, "read");
  EXPECT_EQ(f.locations[0].thread, "T1");
  EXPECT_EQ(f.locations[0].line, 7) << "the lambda's read of `local`, the first frame in the case";
  EXPECT_NE(f.diagnosis.find("returned"), std::string::npos) << f.diagnosis;
}

TEST(AsanLog, LeakAndSignedOverflowAreTwoFindingsAtTheirLines) {
  const Log log = parse(fixture("leak_and_ub.log"), in_file("leak_and_ub.cpp"));
  EXPECT_EQ(log.reports, 2);
  ASSERT_EQ(log.findings.size(), 2u);
  EXPECT_EQ(log.findings[0].kind, "runtime error");
  EXPECT_NE(log.findings[0].summary.find("signed integer overflow"), std::string::npos);
  ASSERT_EQ(log.findings[0].locations.size(), 1u);
  EXPECT_EQ(log.findings[0].locations[0].line, 11);
  EXPECT_EQ(log.findings[1].kind, "detected memory leaks");
  ASSERT_EQ(log.findings[1].locations.size(), 1u);
  EXPECT_EQ(log.findings[1].locations[0].access, "alloc");
  EXPECT_EQ(log.findings[1].locations[0].line, 5) << "lose(): the allocation, first frame in the case";
}

TEST(AsanLog, FramesOutsideTheCaseGiveNoLine) {
  const Log log = parse(fixture("use_after_return.log"), [](std::string_view) { return false; });
  ASSERT_EQ(log.findings.size(), 1u);
  EXPECT_EQ(log.findings[0].locations[0].line, 0);
  EXPECT_TRUE(log.findings[0].locations[0].file.empty());
}

TEST(AsanLog, TruncatedAndGarbageInputNeverCrash) {
  const std::string text = fixture("use_after_return.log");
  for (std::size_t cut = 0; cut < text.size(); cut += 97) {
    const Log log = parse(std::string_view(text).substr(0, cut), in_file("use_after_return.cpp"));
    EXPECT_LE(log.reports, 1);
  }
  EXPECT_EQ(parse("", in_file("x.cpp")).reports, 0);
  // An ERROR line without a kind opens no report; what follows it is noise.
  EXPECT_EQ(parse("==1==ERROR: \n#0 in\nREAD of size\n#1 0x1 in f x.cpp:\n", in_file("x.cpp")).reports, 0);
}

TEST(AsanLog, AReportCutBeforeItsSummaryIsIncomplete) {
  const std::string text = fixture("use_after_return.log");
  const Log whole = parse(text, in_file("use_after_return.cpp"));
  ASSERT_EQ(whole.findings.size(), 1u);
  EXPECT_FALSE(whole.findings[0].incomplete);
  // Cut after the access's own frames, before the rest of the report.
  const std::size_t cut = text.find("\n\n", text.find("READ of size"));
  ASSERT_NE(cut, std::string::npos);
  const Log log = parse(text.substr(0, cut), in_file("use_after_return.cpp"));
  ASSERT_EQ(log.findings.size(), 1u);
  EXPECT_TRUE(log.findings[0].incomplete);
  EXPECT_EQ(log.findings[0].locations.at(0).line, 7) << "what was there is still read";
  // A cut report merged with a whole one of the same place: the finding is whole.
  const Log both = parse(text.substr(0, cut) + "\n" + text, in_file("use_after_return.cpp"));
  ASSERT_EQ(both.findings.size(), 1u);
  EXPECT_EQ(both.findings[0].count, 2);
  EXPECT_FALSE(both.findings[0].incomplete);
}

TEST(AsanLog, TwoIdenticalReportsMergeIntoOneFindingCountedTwice) {
  const std::string text = fixture("use_after_return.log");
  const Log log = parse(text + "\n" + text, in_file("use_after_return.cpp"));
  EXPECT_EQ(log.reports, 2);
  ASSERT_EQ(log.findings.size(), 1u);
  EXPECT_EQ(log.findings[0].count, 2);
}

TEST(AsanLog, EveryInputTheFuzzerKeptHoldsTheParsersPromises) {
  // The corpus of fuzz/run.sh's asan_log target: inputs that each reached some
  // code no other did, and the ones that once broke the parser (crash-*).
  testing::replay_fuzz_corpus("asan_log", checks::asan_log);
}

}  // namespace
}  // namespace lockedges::asan
