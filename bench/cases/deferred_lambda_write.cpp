// deferred-lambda-write's benchmarks (`lockedges bench`). The case file comes
// first, so the fixtures see its types in its own translation unit: the plain
// build compiles this file instead of cases/deferred_lambda_write.cpp; the
// sanitizer builds, with no benchmarks, compile the case alone.
#include "../../cases/deferred_lambda_write.cpp"

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — the stress workload's mix, on every thread: operations
// i % 3 == 0 and 1 bump the one counter, visits; i % 3 == 2 reads it (two
// bumps per read, as the stress run's two writers and one reader). Every
// thread works on the same key, so from two threads on every operation
// contends for counters.mu_.
template <void (*Bump)(Counters&)>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int /*threads*/) { c_.map[kKey] = 0; }

  std::uint64_t op(int /*thread*/, std::uint64_t i) override {
    if (i % 3 == 2) return static_cast<std::uint64_t>(read_visits(c_));
    Bump(c_);
    return i;
  }

 private:
  Counters c_;
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "a bump of the one counter, or a read of it: two bumps per read, every thread on the same key",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<Bench<bump_broken>>(),
                  .note = "its unlocked deferred write races only on the value of a key that is always there (no "
                          "insert, no rehash): counts go wrong, memory does not, so it runs at every thread count"},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<bump_fixed>>()}}}};

}  // namespace
