// `explain`'s renderer in the test process, no binary spawned: a lesson told
// in its order, its prose wrapped to fit a terminal, the racing and the
// fixed lines quoted from the case source, and a plain sentence, not a
// broken drawing, when no run could be recorded.
#include <gtest/gtest.h>

#include <sstream>

#include "case_api/scenario.hpp"
#include "sources/source.hpp"
#include "terminal/color.hpp"
#include "terminal/explain.hpp"
#include "util/text.hpp"

namespace lockedges {
namespace {

// A lesson of the test's own, so what the renderer prints is known here
// (and comes from the lesson it is given).
Lesson test_lesson() {
  Lesson l;
  l.pitfall = "A deferred write runs after the shared lock is released, so it writes the map with no lock "
              "held while a reader still reads it under its own shared lock; the detector sees both accesses.";
  l.interleaving = {"writer takes the shared lock and reads visits = 0",
                    "writer's scope ends and the lock is released before the deferred write runs, which then "
                    "writes visits = 1 while the reader reads"};
  l.fix = "Take the exclusive lock and declare the deferred action after it.";
  l.guideline = "CP.20: use RAII.";
  l.go_origin = "The study's deferred closure after RUnlock.";
  l.cpp_differs = "C++ has no defer.";
  return l;
}

// Two threads' events, as a forced run records them.
ExplainRun recorded_run() {
  ExplainRun run;
  run.variant = "broken";
  run.thread_names = {"main", "writer", "reader"};
  run.events = {{0, 100, 1, "lock", "takes shared lock counters.mu_", -1},
                {1, 200, 1, "unlock", "releases shared lock counters.mu_", -1},
                {2, 300, 2, "step", "reads visits = 0 under the shared lock", -1},
                {3, 400, 1, "step", "deferred action writes visits = 1", -1}};
  return run;
}

std::string explained(const ExplainRun& run, bool color = false) {
  return render_explain(testing::registered("deferred-lambda-write"), test_lesson(), run, Palette(color), 100);
}

TEST(Explain, TellsTheLessonInItsOrder) {
  const std::string text = explained(recorded_run());
  EXPECT_TRUE(text.starts_with("deferred-lambda-write (seed §1.1, 4.1)\n" + testing::registered("deferred-lambda-write").title + "\n"));
  std::size_t at = 0;
  for (const char* section : {"\nThe pitfall\n", "\nThe bad interleaving\n", "\nThe interleaving, as recorded\n",
                              "\nThe racing lines (cases/deferred_lambda_write.cpp)\n",
                              "\nThe fixed lines (cases/deferred_lambda_write.cpp)\n", "\nThe fix\n",
                              "\nGuideline\n", "\nThe Go original\n", "\nWhat does not carry over to C++\n",
                              "\nVariants\n", "\nSee it happen: lockedges run deferred-lambda-write "}) {
    const std::size_t next = text.find(section, at);
    ASSERT_NE(next, std::string::npos) << section << " is missing, or out of order:\n" << text;
    at = next + 1;
  }
  EXPECT_TRUE(contains(text, "\n  1. writer takes the shared lock and reads visits = 0\n"));
  EXPECT_TRUE(contains(text, "\n  2. writer's scope ends"));
  EXPECT_TRUE(contains(text, "\n  Take the exclusive lock and declare the deferred action after it.\n"));
  for (const auto& v : testing::registered("deferred-lambda-write").variants) EXPECT_TRUE(contains(text, v.summary)) << v.name;
}

TEST(Explain, ProseIsWrappedWithinSeventyEightColumnsUnderItsHeadingOrNumber) {
  const std::vector<std::string> lines = lines_of(explained(recorded_run()));
  const auto pitfall = std::find(lines.begin(), lines.end(), "The pitfall");
  ASSERT_NE(pitfall, lines.end());
  std::string words;
  auto it = pitfall + 1;
  for (; it != lines.end() && !it->empty(); ++it) {
    EXPECT_LE(display_width(*it), 78u) << *it;
    EXPECT_TRUE(it->starts_with("  ") && (*it)[2] != ' ') << "indented by two: " << *it;
    words += (words.empty() ? "" : " ") + it->substr(2);
  }
  EXPECT_GT(it - pitfall, 2) << "the pitfall should take several lines";
  EXPECT_EQ(words, test_lesson().pitfall) << "wrapping lost or changed words";
  // A numbered step continues under its text, not under its number.
  const auto step =
      std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.starts_with("  2. "); });
  ASSERT_NE(step, lines.end());
  ASSERT_NE(step + 1, lines.end());
  EXPECT_TRUE((step + 1)->starts_with("     ") && (*(step + 1))[5] != ' ') << *(step + 1);
  EXPECT_LE(display_width(*step), 78u);
}

TEST(Explain, QuotesTheRacingAndTheFixedLinesWithTheirTags) {
  const std::string text = explained(recorded_run());
  const auto source = embedded_source(testing::registered("deferred-lambda-write").source_path());
  ASSERT_TRUE(source.has_value());
  for (const auto kinds : {TagKinds::kGroundTruth, TagKinds::kFix}) {
    const auto tags = find_tags(*source, kinds);
    ASSERT_FALSE(tags.empty());
    for (const auto& tag : tags) {
      const std::string code = code_of(source_lines(*source, tag.line, tag.line).front());
      EXPECT_TRUE(contains(text, fmt::format("\n  {:>4}  {}\n", tag.line, code))) << "line " << tag.line;
      EXPECT_TRUE(contains(text, fmt::format("        {}({}): ", tag.kind, tag.id))) << "line " << tag.line;
      EXPECT_FALSE(contains(code, "//")) << "the tag's comment is shown apart: " << code;
    }
  }
}

TEST(Explain, DrawsTheRecordedRunOfTheBrokenVariant) {
  const std::string text = explained(recorded_run());
  EXPECT_TRUE(contains(text, "\n  A forced run of `broken` just now, one column per thread, time going down:\n"));
  EXPECT_TRUE(contains(text, "writer")) << text;
  EXPECT_TRUE(contains(text, "● deferred action writes visits = 1")) << text;
  EXPECT_FALSE(contains(text, "Could not record"));
}

TEST(Explain, WithoutARecordedRunSaysWhyAndKeepsTheLessonsOwnSteps) {
  ExplainRun none;
  none.variant = "broken";
  none.error = "the forced run timed out after 10 s";
  const std::string text = explained(none);
  EXPECT_TRUE(contains(text, "\nThe interleaving, as recorded\n  Could not record a run (the forced run timed out "
                             "after 10 s); the steps\n  above are the lesson's own.\n"))
      << text;
  EXPECT_FALSE(contains(text, "●")) << "no diagram without events";
  EXPECT_FALSE(contains(text, "A forced run of"));
}

TEST(Explain, ColourOnlyWhenThePaletteHasIt) {
  EXPECT_FALSE(contains(explained(recorded_run(), false), "\033["));
  const std::string colored = explained(recorded_run(), true);
  EXPECT_TRUE(contains(colored, "\033[")) << "headings, threads and lines are coloured";
  EXPECT_TRUE(contains(colored, "The pitfall\033[0m\n"));
}

}  // namespace
}  // namespace lockedges
