#include "case_api/scenario.hpp"

#include <algorithm>

namespace lockedges {

const Variant* Scenario::find_variant(std::string_view variant) const {
  for (const auto& v : variants)
    if (v.name == variant) return &v;
  return nullptr;
}

std::string Scenario::source_path() const {
  const auto at = source.rfind("cases/");
  return at == std::string::npos ? source : source.substr(at);
}

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

void Registry::add(Scenario scenario) {
  scenarios_.push_back(std::move(scenario));
  std::stable_sort(scenarios_.begin(), scenarios_.end(),
                   [](const Scenario& a, const Scenario& b) { return a.order < b.order; });
}

const Scenario* Registry::find(std::string_view name) const {
  for (const auto& s : scenarios_)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> names;
  for (const auto& s : scenarios_) names.push_back(s.name);
  return names;
}

}  // namespace lockedges
