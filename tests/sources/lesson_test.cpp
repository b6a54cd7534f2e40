// A case's lesson is written once, as its file's header comment, and read
// back from the embedded source: sections, wrapped lines, numbered steps.
#include <gtest/gtest.h>

#include "case_api/scenario.hpp"
#include "sources/lesson.hpp"

namespace lockedges {
namespace {

// A header as a case file opens with: a title, labelled sections wrapped
// over indented lines, a section the lesson does not use, then code.
constexpr std::string_view kHeader =
    "// demo — a write after unlock.\n"
    "//\n"
    "// Pitfall:      A deferred write runs after the guard that should have\n"
    "//               covered it.\n"
    "// Race pair:    RACE(A) the write  vs  the read.\n"
    "// Interleaving: 1. writer reads visits = 0\n"
    "//               2. writer's scope ends: the lock goes\n"
    "//                  first\n"
    "//               3. reader reads\n"
    "// Fix:          Declare the action after the guard.\n"
    "// Guideline:    CP.20: use RAII.\n"
    "// Go origin:    The study's §1.1: a defer after RUnlock.\n"
    "// Not in C++:   C++ has no defer: destructors run at the closing brace,\n"
    "//               in reverse order.\n"
    "#include <mutex>\n"
    "// Fix: not a lesson: the header has ended.\n";

TEST(Lesson, EachSectionIsTheTextAfterItsLabelWithItsLinesJoinedByOneSpace) {
  const Lesson l = parse_lesson(kHeader);
  EXPECT_EQ(l.pitfall, "A deferred write runs after the guard that should have covered it.");
  EXPECT_EQ(l.fix, "Declare the action after the guard.") << "read up to the first line of code, not after";
  EXPECT_EQ(l.guideline, "CP.20: use RAII.");
  EXPECT_EQ(l.go_origin, "The study's §1.1: a defer after RUnlock.");
  EXPECT_EQ(l.cpp_differs, "C++ has no defer: destructors run at the closing brace, in reverse order.")
      << "a colon inside the text is no label";
}

TEST(Lesson, TheInterleavingIsOneStringPerNumberedStep) {
  const Lesson l = parse_lesson(kHeader);
  EXPECT_EQ(l.interleaving, (std::vector<std::string>{"writer reads visits = 0",
                                                      "writer's scope ends: the lock goes first", "reader reads"}));
}

TEST(Lesson, AStepMayStartOnTheLineAfterItsLabelAndRunPastNine) {
  std::string header = "// Interleaving:\n";
  for (int i = 1; i <= 10; ++i) header += "//   " + std::to_string(i) + ". step " + std::to_string(i) + "\n";
  const Lesson l = parse_lesson(header);
  ASSERT_EQ(l.interleaving.size(), 10u) << "no empty step for the bare label";
  EXPECT_EQ(l.interleaving.front(), "step 1");
  EXPECT_EQ(l.interleaving.back(), "step 10");
}

TEST(Lesson, AMissingSectionIsEmpty) {
  const Lesson l = parse_lesson(
      "// Pitfall: only this.\n"
      "// Symptom: not part of the lesson.\n");
  EXPECT_EQ(l.pitfall, "only this.");
  EXPECT_TRUE(l.interleaving.empty());
  EXPECT_TRUE(l.fix.empty());
  EXPECT_TRUE(l.guideline.empty());
  EXPECT_TRUE(l.go_origin.empty());
  EXPECT_TRUE(l.cpp_differs.empty());
  EXPECT_TRUE(parse_lesson("#include <map>\n// Pitfall: after code.\n").pitfall.empty()) << "no header comment";
}

TEST(Lesson, ABlankCommentLineEndsASection) {
  const Lesson l = parse_lesson(
      "// Fix:   Take the exclusive lock.\n"
      "//\n"
      "//   An aside that belongs to no section.\n");
  EXPECT_EQ(l.fix, "Take the exclusive lock.");
}

// Every case tells its whole lesson in its header.
TEST(Lesson, EveryScenarioHasOneInItsEmbeddedSource) {
  for (const auto& s : Registry::instance().all()) {
    const Lesson l = lesson_of(s);
    EXPECT_FALSE(l.pitfall.empty()) << s.name;
    EXPECT_GE(l.interleaving.size(), 3u) << s.name;
    EXPECT_FALSE(l.fix.empty()) << s.name;
    EXPECT_FALSE(l.guideline.empty()) << s.name;
    EXPECT_FALSE(l.go_origin.empty()) << s.name;
    EXPECT_FALSE(l.cpp_differs.empty()) << s.name;
  }
}

}  // namespace
}  // namespace lockedges
