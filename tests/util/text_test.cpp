// Tests for lib/util/text's line and case helpers.
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace lockedges {
namespace {

TEST(LineAt, CountsFromOneAndStopsAtTheEnd) {
  const std::string text = "first\nsecond\n\nfourth";
  EXPECT_EQ(line_at(text, 1), "first");
  EXPECT_EQ(line_at(text, 2), "second");
  EXPECT_EQ(line_at(text, 3), "");
  EXPECT_EQ(line_at(text, 4), "fourth");
  EXPECT_EQ(line_at(text, 5), "");
  EXPECT_EQ(line_at(text, 0), "");
  EXPECT_EQ(line_at(text, -3), "");
  EXPECT_EQ(line_at("", 1), "");
}

TEST(Lowercase, OnlyAsciiLettersChange) {
  EXPECT_EQ(lowercase("Timer::Loop_42 ÄB"), "timer::loop_42 Äb");
}

}  // namespace
}  // namespace lockedges
