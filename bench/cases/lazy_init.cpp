// lazy-init's benchmarks (`lockedges bench`). The case file comes first, so the
// fixtures see its types in its own translation unit: the plain build compiles
// this file instead of cases/lazy_init.cpp; the sanitizer builds, with no
// benchmarks, compile the case alone.
#include "../../cases/lazy_init.cpp"

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — the stress workload's steady state, on every thread:
// operation i adds member id = h % kBenchIds (h = bench_hash(thread, i)) to
// group id % kGroups, so ids and groups are uniform and independent per
// thread, and every thread works on every group. Ids repeat, so the inner
// maps stop growing once each id is in. The inner maps are created before
// the timed loop (one add per group): the run measures the path every later
// add takes (the double-checked variants' unlocked or acquire fast path,
// then the inner map's lock; the check-then-act variants' shared check,
// then the exclusive lock). Creating an inner map, where the broken variants
// go wrong, happens once per group and is not what a program pays for.
constexpr long kBenchIds = 4096;

// The slots of the double-checked family are known at start-up, as in its
// stress run; the check-then-act family's map starts empty.
template <typename Slot>
void add_slots(LazyGroups<Slot>& groups, const std::vector<std::string>& names) {
  for (const auto& name : names) groups.slots.try_emplace(name);
}
void add_slots(Groups& /*groups*/, const std::vector<std::string>& /*names*/) {}

template <typename Table, void (*Add)(const User&, Table&, const std::string&, long, const std::string&)>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int /*threads*/) {
    add_slots(groups_, names_);
    for (long g = 0; g < kGroups; ++g) add(0, g);
  }

  std::uint64_t op(int thread, std::uint64_t i) override {
    const long id = static_cast<long>(lockedges::bench_hash(thread, i) % kBenchIds);
    add(thread, id);
    return static_cast<std::uint64_t>(id);
  }

 private:
  void add(int thread, long id) {
    Add({.first = thread == 0}, groups_, names_[static_cast<std::size_t>(id % kGroups)], id, std::string());
  }
  const std::vector<std::string> names_ = group_names();
  Table groups_;
};

template <typename Slot, Inner& (*InnerFor)(const User&, LazyGroups<Slot>&, const std::string&)>
using LazyBench = Bench<LazyGroups<Slot>, add_lazy<Slot, InnerFor>>;
template <void (*Add)(const User&, Groups&, const std::string&, long, const std::string&)>
using MapBench = Bench<Groups, Add>;

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "add one member to one of 8 groups whose inner maps exist, ids uniform over 4096, every thread on "
          "every group",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<LazyBench<PlainSlot, inner_broken>>(),
                  .note = "the inner maps are built before the timed loop, so its plain pointer is only ever read "
                          "during the run and its unsafe publication never happens: it measures the fast path it "
                          "shares with fixed-atomic, race-free at every thread count"},
                 {.variant = "broken-check-then-act",
                  .make = lockedges::bench_factory<MapBench<add_check_then_act>>(),
                  .note = "every access is locked (memory-safe at every thread count); once the groups exist its "
                          "stale check never fires, so it measures the shared check plus the exclusive insert"},
                 {.variant = "fixed", .make = lockedges::bench_factory<MapBench<add_fixed>>()},
                 {.variant = "fixed-atomic",
                  .make = lockedges::bench_factory<LazyBench<AtomicSlot, inner_atomic>>()}}}};

}  // namespace
