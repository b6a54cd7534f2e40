// Collapsed stacks, profile diffs and flame graphs (profiles/profile).
#include <gtest/gtest.h>

#include "profiles/profile.hpp"

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

}  // namespace
}  // namespace lockedges::profile
