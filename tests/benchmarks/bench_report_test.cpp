// The ratio tables `lockedges bench` prints from Google Benchmark's JSON
// (benchmarks/bench_report). Nothing here asserts a timing: the machine is
// shared, and numbers belong in `make bench`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "benchmarks/bench_report.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;


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

// Repetitions of one benchmark at one thread count, then the aggregate
// Google Benchmark adds after them (named `aggregate`, at `aggregate_rate`).
json repeated(const std::string& name, std::vector<double> rates, const std::string& label,
              const std::string& aggregate, double aggregate_rate) {
  json entries = json::array();
  for (double rate : rates) entries.push_back(entry(name, 1, rate, label));
  json summary = entry(name, 1, aggregate_rate, label);
  summary["run_type"] = "aggregate";
  summary["aggregate_name"] = aggregate;
  entries.push_back(summary);
  return entries;
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
  json results = {{"benchmarks", repeated("fixes/s/broken", {100.0, 300.0, 200.0}, "broken", "median", 222)}};
  results["benchmarks"].push_back(repeated("fixes/s/broken", {}, "broken", "stddev", 5).at(0));
  const auto tables = bench_tables(results);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_DOUBLE_EQ(tables[0].rows.at(0).cells.at(1).per_second, 222);
  auto& all = results["benchmarks"];
  all.erase(all.begin() + 3, all.end());
  EXPECT_DOUBLE_EQ(bench_tables(results)[0].rows.at(0).cells.at(1).per_second, 200) << "without a median: the mean";
}

TEST(BenchTables, RepetitionsShowTheirSlowestAndFastestBesideTheMedian) {
  json results = {{"benchmarks", repeated("fixes/s/broken", {2.1e6, 2.9e6, 2.4e6}, "broken", "median", 2.4e6)}};
  results["benchmarks"].push_back(entry("fixes/s/fixed", 1, 5e6, "fixed"));  // one repetition
  const auto tables = bench_tables(results);
  ASSERT_EQ(tables.size(), 1u);
  const BenchCell& cell = tables[0].rows.at(0).cells.at(1);
  EXPECT_EQ(cell.repetitions, 3);
  EXPECT_DOUBLE_EQ(cell.min_per_second, 2.1e6);
  EXPECT_DOUBLE_EQ(cell.max_per_second, 2.9e6);
  EXPECT_EQ(cell_text(tables[0], tables[0].rows.at(0), 1), "2.40M/s 1.00x (2.1-2.9)");
  EXPECT_EQ(cell_text(tables[0], tables[0].rows.at(1), 1), "5.00M/s 2.08x") << "one run: no spread to show";
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

}  // namespace
}  // namespace lockedges
