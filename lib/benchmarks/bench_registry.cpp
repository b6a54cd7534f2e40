#include "benchmarks/bench_registry.hpp"

#include <algorithm>

namespace lockedges {

BenchRegistry& BenchRegistry::instance() {
  static BenchRegistry registry;
  return registry;
}

const ScenarioBench* BenchRegistry::find(const std::string& scenario) const {
  for (const auto& b : scenarios_)
    if (b.scenario == scenario) return &b;
  return nullptr;
}

const StoreComparison* BenchRegistry::comparison(const std::string& scenario) const {
  for (const auto& c : comparisons_)
    if (c.scenario == scenario) return &c;
  return nullptr;
}

std::vector<const StoreBench*> BenchRegistry::stores(const std::string& scenario) const {
  std::vector<const StoreBench*> found;
  if (const StoreComparison* c = comparison(scenario))
    for (const auto* group : {&c->stores, &c->libraries})
      for (const auto& s : *group) found.push_back(&s);
  const auto rank = [](const StoreBench* s) { return s->role == "broken" ? 0 : s->role == "fixed" ? 1 : 2; };
  std::stable_sort(found.begin(), found.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
  return found;
}

BenchRegistration::BenchRegistration(const Registration& registration, ScenarioBench bench) {
  bench.scenario = registration.name;
  BenchRegistry::instance().add(std::move(bench));
}

BenchRegistration::BenchRegistration(const Registration& registration, StoreComparison comparison) {
  comparison.scenario = registration.name;
  BenchRegistry::instance().add(std::move(comparison));
}

std::uint64_t bench_hash(int thread, std::uint64_t i) {
  std::uint64_t z = (static_cast<std::uint64_t>(thread) << 48) + i + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace lockedges
