// lockedges — CPU profiles of the stress workloads: a profiled child of the
// plain build (gperftools), then its profile symbolised into top functions
// and a flame graph.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "case_api/scenario.hpp"
#include "child/binaries.hpp"
#include "driving/driver.hpp"
#include "reports/profile_report.hpp"
#include "reports/report.hpp"

namespace lockedges {

// Runs `variant`'s stress workload for options.profile_seconds under the CPU
// profiler and symbolises it: the profile, its top functions and a flame
// graph under `dir`. A failure is described in the result, never thrown.
ProfileResult profile_variant(const Scenario& scenario, const Variant& variant, const DriverOptions& options,
                              const std::filesystem::path& dir);

// Reads the profile `p.file` and fills its samples, top functions and flame
// graph (beside it, with `title`); a no-op when p.ran is false.
void symbolise(ProfileResult& p, const std::string& binary, const std::string& title);

// `lockedges profile`: every variant of `scenarios` profiled in turn, the
// seconds shared between them so the whole ends close to `seconds`.
struct SessionOptions {
  double seconds = 10;
  int hz = 1000;
  std::filesystem::path out_dir = "reports";
  Binaries binaries;
  // Called as each variant starts: its name, and the session's start and end.
  std::function<void(const std::string&, std::chrono::steady_clock::time_point,
                     std::chrono::steady_clock::time_point)>
      progress;
};

ProfileSession profile_session(const std::vector<const Scenario*>& scenarios, const SessionOptions& options);

}  // namespace lockedges
