// Findings' parts for tests, built field by field: Location and HeldMutex
// grow fields that most tests leave at their defaults, and aggregate
// initialisation would have to name every one of them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "detection/findings.hpp"

namespace lockedges::testing {

inline tsan::HeldMutex held(std::string id, bool shared) {
  tsan::HeldMutex m;
  m.id = std::move(id);
  m.shared = shared;
  return m;
}

inline tsan::Location location(std::string file, int line, std::string access, std::string thread,
                               std::vector<tsan::HeldMutex> mutexes = {}, bool mutexes_known = true) {
  tsan::Location l;
  l.file = std::move(file);
  l.line = line;
  l.access = std::move(access);
  l.thread = std::move(thread);
  l.mutexes = std::move(mutexes);
  l.mutexes_known = mutexes_known;
  return l;
}

}  // namespace lockedges::testing
