// lockedges — benchmark fixtures: what `lockedges bench` measures.
//
// A case's benchmark section (the end of its file) registers, per variant, a
// factory for a BenchFixture: the variant's shared state, built for a given
// number of threads, and the core operation each benchmark thread runs on
// it. The fixture says nothing about Google Benchmark: the runner
// (bench_runner.hpp, plain build only) times it, so every flavour compiles
// the cases unchanged.
//
// Two kinds of entries:
//   ScenarioBench  one per scenario: every variant's core operation, broken
//                  against fixed (the `fixes` group).
//   StoreBench     a map store driven by a read/write mix (store_mix.hpp):
//                  a case's own stores, and the concurrent-map libraries
//                  they are compared with (the `stores` group).
// lib/ never names a case: cases register, the runner iterates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "case_api/run.hpp"

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
  std::string scenario;
  // One operation, and the contention model in a sentence: which threads
  // read, which write, over which keys.
  std::string op;
  std::vector<VariantBench> variants;
};

// StoreBench — one store in a scenario's store comparison.
struct StoreBench {
  std::string scenario;  // the comparison it joins
  std::string name;      // "broken", "fixed-striped", "libcuckoo cuckoohash_map"
  std::string role;      // "broken", "fixed" or "library"
  std::string summary;   // one line: how it locks
  // Builds the store for `threads` threads and a mix with `write_percent`
  // writes in every 100 operations.
  std::function<std::unique_ptr<BenchFixture>(int threads, int write_percent)> make;
};

class BenchRegistry {
 public:
  static BenchRegistry& instance();
  void add(ScenarioBench bench) { scenarios_.push_back(std::move(bench)); }
  void add(StoreBench store) { stores_.push_back(std::move(store)); }
  const ScenarioBench* find(const std::string& scenario) const;
  // The stores registered for `scenario`, broken first, then fixed, then
  // libraries, each in registration order.
  std::vector<const StoreBench*> stores(const std::string& scenario) const;

 private:
  std::vector<ScenarioBench> scenarios_;
  std::vector<StoreBench> stores_;
};

// BenchRegistration — a case's (or a library adapter's) static object.
struct BenchRegistration {
  explicit BenchRegistration(ScenarioBench bench) { BenchRegistry::instance().add(std::move(bench)); }
  explicit BenchRegistration(std::vector<StoreBench> stores) {
    for (auto& s : stores) BenchRegistry::instance().add(std::move(s));
  }
};

// bench_hash — a well-mixed 64-bit value for operation `i` of thread
// `thread`, for choosing keys and the kind of operation without any state
// shared between threads (and without a random engine per thread). The
// finaliser of splitmix64: a few multiplications, no library offers it.
std::uint64_t bench_hash(int thread, std::uint64_t i);

}  // namespace lockedges
