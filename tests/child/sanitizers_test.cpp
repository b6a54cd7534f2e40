// The environment each kind of child gets (child/sanitizers): log paths
// with any character the sanitizers' option parser would split on.
#include <gtest/gtest.h>

#include "child/sanitizers.hpp"

namespace lockedges {
namespace {

std::string value_of(const Environment& env, const std::string& name) {
  for (const auto& [key, value] : env)
    if (key == name) return value;
  return "";
}

TEST(Sanitizers, ALogPathIsQuotedSoSpacesColonsAndCommasStayInIt) {
  EXPECT_EQ(sanitizer_option_value("my reports/a:b,c"), "\"my reports/a:b,c\"");
  EXPECT_EQ(sanitizer_option_value("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(sanitizer_option_value("it's \"both\""), std::nullopt);
  const std::string tsan = value_of(tsan_environment("my reports/x/tsan-1", false), "TSAN_OPTIONS");
  EXPECT_EQ(tsan.rfind("log_path=\"my reports/x/tsan-1\" exitcode=66", 0), 0u) << tsan;
  const auto asan = asan_environment("a:b/asan-1");
  EXPECT_EQ(value_of(asan, "ASAN_OPTIONS").rfind("log_path=\"a:b/asan-1\" ", 0), 0u);
  EXPECT_EQ(value_of(asan, "UBSAN_OPTIONS").rfind("log_path=\"a:b/asan-1\" ", 0), 0u);
}

}  // namespace
}  // namespace lockedges
