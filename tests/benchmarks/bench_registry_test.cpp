// Every variant has its benchmark (benchmarks/bench_registry).
#include <gtest/gtest.h>

#include <set>

#include "benchmarks/bench_registry.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {
namespace {

TEST(BenchRegistry, EveryVariantOfEveryScenarioHasExactlyOneBenchmark) {
  for (const auto& s : Registry::instance().all()) {
    const ScenarioBench* bench = BenchRegistry::instance().find(s.name);
    ASSERT_NE(bench, nullptr) << s.name << " registers no benchmark";
    EXPECT_FALSE(bench->op.empty()) << s.name;
    std::multiset<std::string> benchmarked;
    for (const auto& v : bench->variants) {
      EXPECT_NE(s.find_variant(v.variant), nullptr) << s.name << " benchmarks an unknown variant " << v.variant;
      EXPECT_TRUE(v.make) << s.name << "/" << v.variant;
      benchmarked.insert(v.variant);
    }
    for (const auto& v : s.variants) EXPECT_EQ(benchmarked.count(v.name), 1u) << s.name << "/" << v.name;
    ASSERT_FALSE(bench->variants.empty());
    EXPECT_TRUE(s.find_variant(bench->variants.front().variant)->broken)
        << s.name << ": the first row is the baseline of the ratios, so it is a broken variant";
  }
}

TEST(BenchRegistry, CoarseLockIsComparedWithTwoLibraries) {
  std::set<std::string> roles;
  int libraries = 0;
  for (const StoreBench* s : BenchRegistry::instance().stores("coarse-lock")) {
    roles.insert(s->role);
    libraries += s->role == "library";
  }
  EXPECT_EQ(roles, (std::set<std::string>{"broken", "fixed", "library"}));
  EXPECT_EQ(libraries, 2);
}

// One pass of every benchmark, as short as Google Benchmark allows.

}  // namespace
}  // namespace lockedges
