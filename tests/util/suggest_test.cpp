// "Did you mean": the closest choice for a typo (util/suggest).
#include <gtest/gtest.h>

#include "util/suggest.hpp"

namespace lockedges {
namespace {

TEST(Suggest, ClosestChoiceForATypo) {
  const std::vector<std::string> names{"deferred-lambda-write", "iteration-during-grow", "all"};
  EXPECT_EQ(closest("deferred-lamda-write", names), "deferred-lambda-write");
  EXPECT_EQ(closest("iteration", names), "iteration-during-grow");
  EXPECT_EQ(closest("zzzzzzzz", names), std::nullopt);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace lockedges
