// RACE, DEADLOCK and FIX tags in the case sources, and the embedded
// sources they are read from (sources/source).
#include <gtest/gtest.h>

#include <set>

#include "case_api/scenario.hpp"
#include "sources/source.hpp"

namespace lockedges {
namespace {

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

TEST(Tags, FixTagsAreFoundOnlyWhenAskedForAndAreNeverGroundTruth) {
  const std::string text = "x = 1;  // RACE(A): write\nlock();  // FIX(A): locks first\nuse();  // DEADLOCK(B): inner\n";
  const auto truth = find_tags(text);
  ASSERT_EQ(truth.size(), 2u);
  for (const auto& t : truth) EXPECT_NE(t.kind, "FIX");
  const auto fixes = find_tags(text, TagKinds::kFix);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].kind, "FIX");
  EXPECT_EQ(fixes[0].id, "A");
  EXPECT_EQ(fixes[0].line, 2);
  EXPECT_EQ(fixes[0].note, "locks first");
}

// Every case marks the lines of its fix; a FIX id names a ground-truth tag of
// the same case, or `symptom` for the bug no detector sees.
TEST(Tags, EveryScenarioTagsItsFix) {
  for (const auto& s : Registry::instance().all()) {
    const auto text = embedded_source(s.source_path());
    ASSERT_TRUE(text.has_value()) << s.name;
    const auto fixes = find_tags(*text, TagKinds::kFix);
    EXPECT_FALSE(fixes.empty()) << s.name;
    std::set<std::string> ids{"symptom"};
    for (const auto& t : find_tags(*text)) ids.insert(t.id);
    for (const auto& f : fixes) EXPECT_TRUE(ids.count(f.id)) << s.name << " FIX(" << f.id << ") fixes no tagged bug";
  }
}

// ---- explain -----------------------------------------------------------------

}  // namespace
}  // namespace lockedges
