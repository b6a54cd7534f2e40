// lockedges — `lockedges bench`: Google Benchmark over the registered
// benchmark groups (plain build only; the sanitizer builds do not link
// Google Benchmark).
//
// A group is a named set of benchmarks that registers itself with a static
// BenchGroupRegistration. Built in:
//   fixes     every scenario: each variant's core operation
//             (bench_registry.hpp's ScenarioBench), broken against fixed, at
//             each thread count;
//   stores    scenarios with a StoreComparison: their stores and the
//             concurrent-map libraries under a read-mostly and a write-heavy
//             mix;
//   profiler  the CPU profiler's overhead (bench/profiler_bench.cpp).
//
// Benchmark names are `<group>/<table>/<row>`: one table per scenario (or
// per scenario and mix), one row per variant or store. bench_report.hpp
// turns Google Benchmark's JSON into those tables; what a table needs
// besides the numbers (its title, the operation, notes, which row is the
// baseline) travels in the JSON too, in the context and the labels.
//
// Adding a group: in a plain-build source file (listed in CMakeLists.txt's
// lockedges_bench_groups), write `void add(const BenchSelection&)` that
// calls add_bench_table() for each table and registers one benchmark per
// row, with add_fixture_benchmark() or with benchmark::RegisterBenchmark()
// under the name `<group>/<table>/<row>` and label_for(role); then
//   const lockedges::BenchGroupRegistration kGroup{{.order = 40, .name = "detection",
//       .summary = "...", .add = add}};
// `lockedges bench --groups detection` runs it alone; the tables print with
// the others.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "benchmarks/bench_registry.hpp"

namespace lockedges {

// What the user chose.
struct BenchSelection {
  std::vector<std::string> scenarios;  // in the registry's order; every scenario when none was named
  std::vector<int> threads;            // thread counts for fixture benchmarks, ascending
  bool quiet = false;                  // -q: nothing but warnings and errors on standard error
};

struct BenchGroup {
  int order = 0;  // position in a run
  std::string name;
  std::string summary;
  void (*add)(const BenchSelection&) = nullptr;  // registers the group's benchmarks for the selection
};

class BenchGroups {
 public:
  static BenchGroups& instance();
  void add(BenchGroup group);
  const std::vector<BenchGroup>& all() const { return groups_; }  // by order
  std::vector<std::string> names() const;

 private:
  std::vector<BenchGroup> groups_;
};

struct BenchGroupRegistration {
  explicit BenchGroupRegistration(BenchGroup group) { BenchGroups::instance().add(std::move(group)); }
};

// Row roles, as labels in the JSON. A table's ratios are against its first
// "broken" or "baseline" row.
inline constexpr const char* kRoleBroken = "broken";
inline constexpr const char* kRoleFixed = "fixed";
inline constexpr const char* kRoleLibrary = "library";
inline constexpr const char* kRoleBaseline = "baseline";
inline constexpr const char* kRoleMeasured = "measured";

// add_bench_table — describes table `group/table` in the JSON's context:
// its title and what one operation is.
void add_bench_table(const std::string& group, const std::string& table, const std::string& title,
                     const std::string& op);
// add_bench_note — a line under the table about one row (what it measures
// instead of the variant's whole operation, how a store locks).
void add_bench_note(const std::string& group, const std::string& table, const std::string& row,
                    const std::string& note);

// add_fixture_benchmark — registers `group/table/row` once per thread count,
// in real time, one item per op(), labelled with `role`. Thread 0 builds a
// fresh fixture for every run; the fixture of the previous benchmark is
// destroyed then, when all of its threads have been joined.
void add_fixture_benchmark(const std::string& group, const std::string& table, const std::string& row,
                           const std::string& role, BenchFactory make, const std::vector<int>& threads);

struct BenchOptions {
  std::vector<std::string> scenarios;       // empty or holding "all": all
  std::vector<std::string> groups;          // empty: all
  std::vector<int> threads;                 // any order, repeats allowed; empty: 1, 2 and the machine's core count
  std::filesystem::path out_dir = "reports";
  std::vector<std::string> benchmark_args;  // --benchmark_* options, passed to Google Benchmark
  bool quiet = false;  // -q: no Google Benchmark console output or banner, only the tables
};

struct BenchOutcome {
  int exit_code = 0;   // util/exit_status.hpp: 0 ok, 2 an option Google Benchmark rejected or nothing matched, 3 an output it could not write (said in `error`)
  std::string error;
  std::filesystem::path json;      // Google Benchmark's JSON
  std::filesystem::path markdown;  // the tables
  std::filesystem::path html;      // the same tables, a self-contained page
  std::string text;                // the tables, for the terminal
};

// The default thread counts: 1, 2 and std::thread::hardware_concurrency(),
// without repeats.
std::vector<int> default_bench_threads();

// run_bench — registers the chosen groups' benchmarks, runs them (Google
// Benchmark's console output goes to standard output as each finishes),
// writes out_dir/bench.json, out_dir/bench.md and out_dir/bench.html, and
// returns the tables.
// Call once per process: Google Benchmark's flags are global.
BenchOutcome run_bench(const BenchOptions& options);

}  // namespace lockedges
