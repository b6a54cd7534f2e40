// lockedges — the tables of `lockedges bench`, read back from Google
// Benchmark's JSON (bench.json), so any report can show them from that file
// alone.
//
// A benchmark named `<group>/<table>/<row>` is one cell per thread count of
// row `row` in table `<group>/<table>`. Its label is the row's role
// (broken, fixed, library, baseline, measured). What a table needs besides
// the numbers is in bench.json's top-level "lockedges" object, which
// lockedges adds to Google Benchmark's JSON after the run:
//   "lockedges": {"tables": {"<group>/<table>": {"title": ..., "op": ...,
//                                                "notes": {"<row>": ...}}}}
// Ratios are throughputs from the same run, each row against the table's
// first broken (or baseline) row at the same thread count.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockedges {

struct BenchCell {
  double per_second = 0;  // items_per_second, or iterations per second of real time when no items
  double real_ns = 0;     // real time per iteration
  std::string error;      // the benchmark's error message, if it failed
  // With --benchmark_repetitions: how many, and the slowest and fastest
  // repetition's throughput (the spread per_second, their median, sits in).
  int repetitions = 1;
  double min_per_second = 0;
  double max_per_second = 0;
};

struct BenchRow {
  std::string name;
  std::string role{};
  std::string note{};
  std::map<int, BenchCell> cells{};  // by thread count; missing = not run at that count
};

struct BenchTable {
  std::string group;
  std::string id;     // "coarse-lock", "coarse-lock.read-mostly"
  std::string title;
  std::string op;     // what one operation is
  std::vector<int> threads{};  // every thread count any row ran at, ascending
  std::vector<BenchRow> rows{};

  // The row ratios are taken against: the first broken or baseline row.
  const BenchRow* baseline() const;
  // row's throughput over the baseline's at `threads`, when both ran.
  std::optional<double> ratio(const BenchRow& row, int threads) const;
};

// What a store comparison set out to show, at one thread count: the best
// fixed row against the best library row, and against the broken row.
struct BenchGoal {
  int threads = 0;
  const BenchRow* best_fix = nullptr;
  const BenchRow* best_library = nullptr;
  std::optional<double> fix_over_library;  // goal: at least kFixOverLibraryGoal
  std::optional<double> fix_over_broken;   // goal: at least kFixOverBrokenGoal at 2 threads
};
inline constexpr double kFixOverLibraryGoal = 1 / 1.25;
inline constexpr double kFixOverBrokenGoal = 2.0;
// One entry per thread count, for a table with both fixed and library rows;
// empty otherwise.
std::vector<BenchGoal> bench_goals(const BenchTable& table);

// The tables in Google Benchmark's JSON, in the order their first benchmark
// ran. Entries whose names do not have three parts are skipped.
std::vector<BenchTable> bench_tables(const nlohmann::json& results);

// "1 thread", "2 threads".
std::string threads_text(int threads);
// One cell: "12.3M/s 1.04x", "-" where the row did not run, "error: ..."
// where it failed; with repetitions, the slowest and fastest after it in
// the median's unit: "12.3M/s 1.04x (11.9-12.8)".
std::string cell_text(const BenchTable& table, const BenchRow& row, int threads);
// One goal line: the best fix and library and whether each aim was met.
std::string goal_text(const BenchGoal& goal);

// The same tables as a self-contained HTML page, in sections with id
// `bench-<group>-<table>`; `results` (Google Benchmark's JSON) gives the
// machine and date.
std::string render_bench_html(const std::vector<BenchTable>& tables, const nlohmann::json& results);
std::string render_bench_text(const std::vector<BenchTable>& tables);
// `results` gives the header: date, host, CPUs, build type.
std::string render_bench_markdown(const std::vector<BenchTable>& tables, const nlohmann::json& results);

}  // namespace lockedges
