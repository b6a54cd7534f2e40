// `lockedges bench`: its tables are read back from Google Benchmark's JSON,
// every variant of every scenario has a benchmark, and one quick pass of the
// command proves that they all run. Nothing here asserts a timing: the
// machine is shared, and numbers belong in `make bench`.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "benchmarks/bench_registry.hpp"
#include "benchmarks/bench_report.hpp"
#include "case_api/scenario.hpp"
#include "test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;
using testing::bin;
using testing::run;
using testing::ScratchDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json entry(const std::string& name, int threads, double per_second, const std::string& label) {
  return {{"name", name + "/real_time/threads:" + std::to_string(threads)},
          {"run_name", name + "/real_time/threads:" + std::to_string(threads)},
          {"run_type", "iteration"},
          {"threads", threads},
          {"real_time", 1e9 / per_second},
          {"time_unit", "ns"},
          {"items_per_second", per_second},
          {"label", label}};
}

// A store comparison as Google Benchmark and lockedges write it: a broken
// row, two fixes, two libraries; the broken row never ran at 2 threads.
json store_run() {
  json benchmarks = json::array({entry("stores/s.mix/broken", 1, 100, "broken"),
                                 entry("stores/s.mix/fixed", 1, 150, "fixed"),
                                 entry("stores/s.mix/fixed", 2, 300, "fixed"),
                                 entry("stores/s.mix/striped", 1, 120, "fixed"),
                                 entry("stores/s.mix/striped", 2, 360, "fixed"),
                                 entry("stores/s.mix/lib-a", 1, 200, "library"),
                                 entry("stores/s.mix/lib-a", 2, 400, "library"),
                                 entry("stores/s.mix/lib-b", 1, 180, "library"),
                                 entry("stores/s.mix/lib-b", 2, 420, "library")});
  json plain = entry("BM_Plain", 1, 1, "");  // a benchmark not named by lockedges
  plain["name"] = plain["run_name"] = "BM_Plain";
  benchmarks.push_back(plain);
  return {{"context", {{"date", "today"}}},
          {"benchmarks", benchmarks},
          {"lockedges",
           {{"tables",
             {{"stores/s.mix", {{"title", "s: a mix"}, {"op", "one op"}, {"notes", {{"striped", "8 shards"}}}}}}}}}};
}

TEST(BenchTables, RatiosAreAgainstTheBrokenRowAtTheSameThreadCount) {
  const auto tables = bench_tables(store_run());
  ASSERT_EQ(tables.size(), 1u) << "a name without group/table/row is skipped";
  const BenchTable& t = tables[0];
  EXPECT_EQ(t.title, "s: a mix");
  EXPECT_EQ(t.op, "one op");
  EXPECT_EQ(t.threads, (std::vector<int>{1, 2}));
  ASSERT_EQ(t.rows.size(), 5u);
  ASSERT_NE(t.baseline(), nullptr);
  EXPECT_EQ(t.baseline()->name, "broken");
  EXPECT_DOUBLE_EQ(*t.ratio(t.rows[1], 1), 1.5);
  EXPECT_FALSE(t.ratio(t.rows[1], 2)) << "no broken cell at 2 threads, so no ratio";
  EXPECT_EQ(t.rows[2].note, "8 shards");
  EXPECT_EQ(t.rows[3].role, "library");
}

TEST(BenchTables, TheMedianOfRepetitionsWinsOverEachRepetition) {
  json results = {{"benchmarks", json::array()}};
  for (double rate : {100.0, 300.0, 200.0}) results["benchmarks"].push_back(entry("fixes/s/broken", 1, rate, "broken"));
  json median = entry("fixes/s/broken", 1, 222, "broken");
  median["run_type"] = "aggregate";
  median["aggregate_name"] = "median";
  json stddev = entry("fixes/s/broken", 1, 5, "broken");
  stddev["run_type"] = "aggregate";
  stddev["aggregate_name"] = "stddev";
  results["benchmarks"].push_back(median);
  results["benchmarks"].push_back(stddev);
  const auto tables = bench_tables(results);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_DOUBLE_EQ(tables[0].rows.at(0).cells.at(1).per_second, 222);
  auto& all = results["benchmarks"];
  all.erase(all.begin() + 3, all.end());
  EXPECT_DOUBLE_EQ(bench_tables(results)[0].rows.at(0).cells.at(1).per_second, 200) << "without a median: the mean";
}

TEST(BenchTables, GoalsCompareTheBestFixWithTheBestLibraryAndTheBrokenRow) {
  const auto tables = bench_tables(store_run());
  const auto goals = bench_goals(tables.at(0));
  ASSERT_EQ(goals.size(), 2u);
  EXPECT_EQ(goals[0].best_fix->name, "fixed");
  EXPECT_EQ(goals[0].best_library->name, "lib-a");
  EXPECT_DOUBLE_EQ(*goals[0].fix_over_library, 150.0 / 200);
  EXPECT_DOUBLE_EQ(*goals[0].fix_over_broken, 1.5);
  EXPECT_EQ(goals[1].best_fix->name, "striped");
  EXPECT_EQ(goals[1].best_library->name, "lib-b");
  EXPECT_FALSE(goals[1].fix_over_broken);
}

TEST(BenchTables, TextAndMarkdownShowEveryRowWithRatiosAndADashWhereARowDidNotRun) {
  const auto tables = bench_tables(store_run());
  const std::string text = render_bench_text(tables);
  EXPECT_TRUE(contains(text, "s: a mix")) << text;
  EXPECT_TRUE(contains(text, "1.50x")) << text;
  EXPECT_TRUE(contains(text, "* striped: 8 shards")) << text;
  EXPECT_TRUE(contains(text, "fix/library 0.75x (not within 1.25x)")) << text;
  const std::string md = render_bench_markdown(tables, store_run());
  EXPECT_TRUE(contains(md, "| `broken` | 100.0/s 1.00x | - |")) << md;
  EXPECT_TRUE(contains(md, "| `fixed` | 150.0/s 1.50x | 300.0/s |")) << md;
}

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
  EXPECT_EQ(groups, (std::set<std::string>{"fixes", "stores", "profiler", "detection"}));
  EXPECT_TRUE(results.at("lockedges").at("tables").contains("detection/deferred-lambda-write.broken"));
  EXPECT_TRUE(results.at("lockedges").at("tables").contains("fixes/coarse-lock"));

  const std::string md = testing::slurp(dir.path() / "bench.md");
  for (const auto& s : Registry::instance().names())
    EXPECT_TRUE(contains(md, "## " + s + ": broken against fixed")) << s;
  EXPECT_TRUE(contains(md, "| ops/s, x broken | 1 thread | 2 threads |")) << md;
  EXPECT_TRUE(contains(md, "`tbb-concurrent_hash_map`")) << md;
  EXPECT_TRUE(contains(md, "fix/library")) << md;
  EXPECT_TRUE(contains(r.out, "coarse-lock: broken against fixed")) << "tables on stdout";
  const std::string html = testing::slurp(dir.path() / "bench.html");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  for (const char* id : {"bench-fixes-coarse-lock", "bench-stores-coarse-lock.read-mostly",
                         "bench-detection-deferred-lambda-write.broken"})
    EXPECT_TRUE(contains(html, std::string("id=\"") + id + "\"")) << id;
  EXPECT_FALSE(contains(html, "<script")) << "a page with no script";
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
  EXPECT_EQ(r.code(), 1);
  EXPECT_TRUE(contains(r.err, "plain build")) << r.err;
}

}  // namespace
}  // namespace lockedges
