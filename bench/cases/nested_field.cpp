// nested-field's benchmarks (`lockedges bench`). The case file comes first, so
// the fixtures see its types in its own translation unit: the plain build
// compiles this file instead of cases/nested_field.cpp; the sanitizer builds,
// with no benchmarks, compile the case alone.
#include "../../cases/nested_field.cpp"

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — the stress workload on every thread: every operation is a
// birthday, for ada and grace in turn. All threads update the same two users,
// so from two threads on every operation contends: for users.mu_, and in
// fixed-atomic for the cache line of the age itself.
template <typename Table, void (*Birthday)(const Turn&, Table&, const std::string&)>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int /*threads*/) {
    for (const auto& name : kStressUsers) add_user(users_, name, 0);
  }

  std::uint64_t op(int thread, std::uint64_t i) override {
    Birthday({.first = thread == 0}, users_, kStressUsers[i % kStressUsers.size()]);
    return i;
  }

 private:
  Table users_;
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "one birthday (age + 1), ada and grace in turn, every thread on the same two users",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<Bench<Users, birthday_broken>>(),
                  .note = "its unlocked age++ races on an int inside a User the map keeps alive: increments are "
                          "lost, memory is not, so it runs at every thread count"},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<UserValues, birthday_fixed>>()},
                 {.variant = "fixed-atomic",
                  .make = lockedges::bench_factory<Bench<AtomicUsers, birthday_atomic>>()}}}};

}  // namespace
