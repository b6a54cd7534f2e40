// The `instrumentation` benchmark group: what the cases' SharedMutex costs
// over the bare std::shared_mutex it wraps, so that the other groups'
// numbers can be read as the pitfall's and not the suite's.
//
// Contention model: one operation takes the lock (shared or exclusive),
// adds to a counter the lock guards, and releases it. Uncontended: each
// benchmark thread has a lock of its own, on a cache line of its own, so
// nothing is shared and the row is the bare cost of the calls. Contended:
// every thread takes the same lock, so at 2 threads readers share the lock's
// cache line and writers queue. Both rows of a table run in the same process
// and the same run; the ratio between them is the overhead.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include <fmt/format.h>

#include "benchmarks/bench_runner.hpp"
#include "case_api/shared_mutex.hpp"

namespace {

using lockedges::BenchFixture;

// A lock and the counter it guards, alone on their cache lines.
template <typename Mutex>
struct alignas(128) Guarded {
  Guarded() : mu("bench.mu") {}
  Mutex mu;
  std::uint64_t value = 0;
};

template <>
struct alignas(128) Guarded<std::shared_mutex> {
  std::shared_mutex mu;
  std::uint64_t value = 0;
};

template <typename Mutex, bool kShared, bool kContended>
class LockFixture final : public BenchFixture {
 public:
  explicit LockFixture(int threads) : locks_(std::make_unique<Guarded<Mutex>[]>(kContended ? 1 : threads)) {}

  std::uint64_t op(int thread, std::uint64_t /*i*/) override {
    Guarded<Mutex>& g = locks_[kContended ? 0 : thread];
    if constexpr (kShared) {
      std::shared_lock lock(g.mu);
      return g.value;
    } else {
      std::unique_lock lock(g.mu);
      return ++g.value;
    }
  }

 private:
  std::unique_ptr<Guarded<Mutex>[]> locks_;
};

template <bool kShared, bool kContended>
void add_table(const lockedges::BenchSelection& selection) {
  const std::string table = fmt::format("{}.{}", kShared ? "shared" : "exclusive",
                                        kContended ? "contended" : "uncontended");
  lockedges::add_bench_table(
      "instrumentation", table,
      fmt::format("instrumentation: lockedges::SharedMutex against std::shared_mutex, {} lock, {}",
                  kShared ? "shared" : "exclusive",
                  kContended ? "every thread on one lock" : "a lock per thread"),
      kShared ? "take the shared lock, read the guarded counter, release"
              : "take the exclusive lock, add to the guarded counter, release");
  lockedges::add_fixture_benchmark(
      "instrumentation", table, "std::shared_mutex", lockedges::kRoleBaseline,
      lockedges::bench_factory<LockFixture<std::shared_mutex, kShared, kContended>>(), selection.threads);
  lockedges::add_fixture_benchmark(
      "instrumentation", table, "SharedMutex", lockedges::kRoleMeasured,
      lockedges::bench_factory<LockFixture<lockedges::SharedMutex, kShared, kContended>>(), selection.threads);
}

void add_instrumentation(const lockedges::BenchSelection& selection) {
  add_table<true, false>(selection);
  add_table<false, false>(selection);
  add_table<true, true>(selection);
  add_table<false, true>(selection);
}

const lockedges::BenchGroupRegistration kInstrumentation{
    {.order = 5,
     .name = "instrumentation",
     .summary = "the cases' instrumented SharedMutex against a bare std::shared_mutex",
     .add = add_instrumentation}};

}  // namespace
