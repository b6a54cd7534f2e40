// lockedges — benchmark fixtures: what `lockedges bench` measures.
//
// A case's benchmark file (bench/cases/<case>.cpp, which includes the case
// file and so sees its types) registers, per variant, a factory for a
// BenchFixture: the variant's shared state, built for a given number of
// threads, and the core operation each benchmark thread runs on it. The
// fixture says nothing about Google Benchmark: the runner (bench_runner.hpp)
// times it. Plain build only: the sanitizer builds compile the cases alone.
//
// Two kinds of entries, each registered against the case's Registration, so
// the scenario's name is written once, in the case:
//   ScenarioBench    one per scenario: every variant's core operation, broken
//                    against fixed (the `fixes` group).
//   StoreComparison  a scenario's map stores and the concurrent-map
//                    libraries they are compared with, all driven by one
//                    read/write mix (store_mix.hpp; the `stores` group).
// lib/ never names a case: cases register, the runner iterates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {

// BenchFixture — one variant's state for one benchmark run. Built on one
// thread before any operation; op() is then called concurrently by every
// benchmark thread.
class BenchFixture {
 public:
  virtual ~BenchFixture() = default;

  // BenchFixture::op — operation number `i` of benchmark thread `thread`
  // (0 <= thread < the thread count the fixture was built for). Returns a
  // value derived from what it read, which the runner hands to
  // benchmark::DoNotOptimize so the compiler keeps the read.
  virtual std::uint64_t op(int thread, std::uint64_t i) = 0;

  // BenchFixture::thread_done — called by each thread after its last op,
  // before the thread exits (a variant that leaves work behind, such as a
  // pending timer callback, waits for it here).
  virtual void thread_done(int /*thread*/) {}

 protected:
  // The run in progress while the fixture lives: the case's schedule points
  // act on it, and in stress mode they are no-ops and nothing is recorded.
  // Declared first: it outlives the state the derived fixture builds, whose
  // locks report to it when they die.
  Run run_{Mode::kStress, Limits{}};
};

using BenchFactory = std::function<std::unique_ptr<BenchFixture>(int threads)>;

// The factory of a fixture class constructed from the thread count.
template <typename Fixture>
BenchFactory bench_factory() {
  return [](int threads) { return std::make_unique<Fixture>(threads); };
}

// VariantBench — one variant's entry in its scenario's table.
struct VariantBench {
  std::string variant;  // the name in the scenario's variants
  BenchFactory make;
  // 0: every thread count. Otherwise the most threads it may run with: a
  // broken variant whose race can corrupt memory or deadlock runs only where
  // it cannot (the table says so, with `note`).
  int max_threads = 0;
  // What differs from the variant's full operation, and why; shown under the
  // table. Empty when the benchmark runs the variant's code as it is.
  std::string note{};
};

// ScenarioBench — a scenario's core operation, for every variant.
struct ScenarioBench {
  std::string scenario{};  // filled in from the case's Registration
  // One operation, and the contention model in a sentence: which threads
  // read, which write, over which keys.
  std::string op;
  std::vector<VariantBench> variants;
};

// StoreBench — one store in a scenario's store comparison.
struct StoreBench {
  std::string name;     // "broken", "fixed-striped", "libcuckoo cuckoohash_map"
  std::string role;     // "broken", "fixed" or "library"
  std::string summary;  // one line: how it locks
  // Builds the store for `threads` threads and a mix with `write_percent`
  // writes in every 100 operations.
  std::function<std::unique_ptr<BenchFixture>(int threads, int write_percent)> make;
};

// StoreComparison — a scenario's stores and the libraries beside them.
struct StoreComparison {
  std::string scenario{};             // filled in from the case's Registration
  std::string op;                     // one operation of the mix, and over which keys
  std::vector<StoreBench> stores;     // the case's own: roles broken and fixed
  std::vector<StoreBench> libraries;  // what they are compared with: role library
};

class BenchRegistry {
 public:
  static BenchRegistry& instance();
  void add(ScenarioBench bench) { scenarios_.push_back(std::move(bench)); }
  void add(StoreComparison comparison) { comparisons_.push_back(std::move(comparison)); }
  const ScenarioBench* find(const std::string& scenario) const;
  const StoreComparison* comparison(const std::string& scenario) const;
  // The stores of `scenario`'s comparison, broken first, then fixed, then
  // libraries, each in registration order; none when it has no comparison.
  std::vector<const StoreBench*> stores(const std::string& scenario) const;

 private:
  std::vector<ScenarioBench> scenarios_;
  std::vector<StoreComparison> comparisons_;
};

// BenchRegistration — a case's static object: the benchmarks of the
// scenario `registration` added (declared after it, in the same file).
struct BenchRegistration {
  BenchRegistration(const Registration& registration, ScenarioBench bench);
  BenchRegistration(const Registration& registration, StoreComparison comparison);
};

// bench_hash — a well-mixed 64-bit value for operation `i` of thread
// `thread`, for choosing keys and the kind of operation without any state
// shared between threads (and without a random engine per thread). The
// finaliser of splitmix64: a few multiplications, no library offers it.
std::uint64_t bench_hash(int thread, std::uint64_t i);

}  // namespace lockedges
