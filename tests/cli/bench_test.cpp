// `lockedges bench` through the binary: one quick pass proves every
// benchmark runs and writes its outputs; bad choices are usage errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

TEST(BenchCli, AQuickPassWritesGoogleBenchmarksJsonAndTheRatioTables) {
  ScratchDir dir("bench");
  const auto r = run(bin("lockedges"), {"bench", "--threads", "1,2", "--benchmark_min_time=0.001",
                                        "--out", dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err << r.out;
  const json results = json::parse(testing::slurp(dir.path() / "bench.json"));
  std::set<std::string> scenarios, groups;
  for (const json& b : results.at("benchmarks")) {
    const std::string name = b.at("name");
    // Whether free-running threads hit a race within the limit is luck: a
    // detection stress row may say so instead of giving a time.
    if (name.rfind("detection/", 0) == 0 && b.value("error_occurred", false)) {
      EXPECT_TRUE(b.value("error_message", "").starts_with("not found in")) << name << ": " << b;
      groups.insert("detection");
      continue;
    }
    EXPECT_FALSE(b.value("error_occurred", false)) << name << ": " << b;
    EXPECT_GT(b.at("items_per_second").get<double>(), 0) << name;
    groups.insert(name.substr(0, name.find('/')));
    if (name.rfind("fixes/", 0) == 0) scenarios.insert(name.substr(6, name.find('/', 6) - 6));
  }
  EXPECT_EQ(scenarios.size(), Registry::instance().all().size());
  for (const auto& s : Registry::instance().names()) EXPECT_TRUE(scenarios.count(s)) << s;
  EXPECT_EQ(groups, (std::set<std::string>{"instrumentation", "fixes", "stores", "profiler", "detection"}));
  EXPECT_TRUE(results.at("lockedges").at("tables").contains("detection/deferred-lambda-write.broken"));
  EXPECT_TRUE(results.at("lockedges").at("tables").contains("fixes/coarse-lock"));

  const std::string md = testing::slurp(dir.path() / "bench.md");
  for (const auto& s : Registry::instance().names())
    EXPECT_TRUE(contains(md, "## " + s + ": broken against fixed")) << s;
  EXPECT_TRUE(contains(md, "| ops/s, x broken | 1 thread | 2 threads |")) << md;
  EXPECT_TRUE(contains(md, "`tbb-concurrent_hash_map`")) << md;
  EXPECT_TRUE(contains(md, "fix/library")) << md;
  const std::string html = testing::slurp(dir.path() / "bench.html");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  for (const char* id : {"bench-fixes-coarse-lock", "bench-stores-coarse-lock.read-mostly",
                         "bench-detection-deferred-lambda-write.broken"})
    EXPECT_TRUE(contains(html, std::string("id=\"") + id + "\"")) << id;
  EXPECT_FALSE(contains(html, "<script")) << "a page with no script";
  // -q: neither Google Benchmark's banner and lines nor gperftools' summary.
  for (const char* noise : {"Run on (", "CPU Caches", "PROFILE: interrupts"})
    EXPECT_FALSE(contains(r.err, noise)) << noise << " with -q:\n" << r.err;
  EXPECT_FALSE(contains(r.out, "Iterations")) << "Google Benchmark's console table with -q";
}

// Standard output is what --benchmark_format asks for and nothing else: a
// JSON reader takes it whole; the tables are on standard error. Listing the
// benchmarks leaves the last results as they were.
TEST(BenchCli, StandardOutputIsExactlyGoogleBenchmarksFormat) {
  ScratchDir dir("bench-format");
  const auto r = run(bin("lockedges"), {"bench", "coarse-lock", "--groups", "fixes", "--threads", "1",
                                        "--benchmark_min_time=0.001", "--benchmark_format=json", "--out",
                                        dir.path().string()});
  ASSERT_EQ(r.code(), 0) << r.err;
  const json out = json::parse(r.out);  // throws on anything after the document
  EXPECT_FALSE(out.at("benchmarks").empty());
  EXPECT_TRUE(contains(r.err, "coarse-lock: broken against fixed")) << "the tables on stderr:\n" << r.err;

  const std::string before = testing::slurp(dir.path() / "bench.json");
  const auto listed = run(bin("lockedges"), {"bench", "coarse-lock", "--groups", "fixes", "--threads", "1",
                                             "--benchmark_list_tests=true", "--out", dir.path().string()});
  ASSERT_EQ(listed.code(), 0) << listed.err;
  EXPECT_TRUE(contains(listed.out, "fixes/coarse-lock/")) << listed.out;
  EXPECT_EQ(testing::slurp(dir.path() / "bench.json"), before) << "listing overwrote the results";
}

TEST(BenchCli, AnUnknownScenarioExitsTwoWithDidYouMean) {
  const auto r = run(bin("lockedges"), {"bench", "coarse-lok"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "did you mean 'coarse-lock'")) << r.err;
}

TEST(BenchCli, AnUnknownGroupExitsTwoNamingTheGroups) {
  const auto r = run(bin("lockedges"), {"bench", "--groups", "fixs"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "did you mean 'fixes'")) << r.err;
  EXPECT_TRUE(contains(r.err, "stores")) << r.err;
}

TEST(BenchCli, OnlyGoogleBenchmarksOwnOptionsPassThrough) {
  ScratchDir dir("bench-options");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"bench", "--frobnicate"}, {"bench", "--benchmark_out=x.json"},
        {"bench", "--benchmark_fitler=fixes", "--out", dir.path().string()}}) {
    const auto r = run(bin("lockedges"), args);
    EXPECT_EQ(r.code(), 2) << args.back() << ": " << r.err;
  }
}

TEST(BenchCli, TheSanitizerBuildsSendYouToThePlainBuild) {
  const auto r = run(bin("lockedges-tsan"), {"bench"});
  EXPECT_EQ(r.code(), 3);
  EXPECT_TRUE(contains(r.err, "plain build")) << r.err;
}

}  // namespace
}  // namespace lockedges
