// iteration-during-grow's benchmarks (`lockedges bench`). The case file comes
// first, so the fixtures see its types in its own translation unit: the plain
// build compiles this file instead of cases/iteration_during_grow.cpp; the
// sanitizer builds, with no benchmarks, compile the case alone.
#include "../../cases/iteration_during_grow.cpp"

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — the lookup thread's operation, on every thread, against a
// map that holds every key in [0, kKeyBound) before the timed loop:
// operation i looks up key h % kKeyBound (h = bench_hash(thread, i)) through
// the variant's touch (broken: operator[] under the shared lock; fixed:
// find() under the shared lock, then its insert under the exclusive lock,
// which finds the key there). Every kWalkEvery-th operation walks the whole
// map under the shared lock instead, as the reader thread does. Keys uniform
// and independent per thread.
constexpr std::uint64_t kWalkEvery = 1024;

template <void (*Touch)(Index&, int)>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int threads)
      : seen_(static_cast<std::size_t>(threads), std::vector<unsigned char>(kKeyBound + 1)) {
    for (int key = 0; key < kKeyBound; ++key) idx_.map.emplace(key, key);
  }

  std::uint64_t op(int thread, std::uint64_t i) override {
    if (i % kWalkEvery == kWalkEvery - 1)
      return static_cast<std::uint64_t>(walk(idx_, seen_[static_cast<std::size_t>(thread)]).skipped);
    const int key = static_cast<int>(lockedges::bench_hash(thread, i) % kKeyBound);
    Touch(idx_, key);
    return static_cast<std::uint64_t>(key);
  }

 private:
  Index idx_;
  std::vector<std::vector<unsigned char>> seen_;  // each thread's own, for walk()
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "look up a key the map holds (uniform over 4096), or, one op in 1024, walk the whole map; every thread "
          "does both",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<Bench<touch_broken>>(),
                  .note = "every key it looks up is in the map, so its operator[] never inserts or rehashes: "
                          "race-free at every thread count. This is the lookup it shares with the fix, not the "
                          "insert that breaks it (a rehash under a concurrent walk can crash the process)"},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<touch_fixed>>()}}}};

}  // namespace
