// lockedges — a variant's stress run: one child of the plain build whose
// free-running threads count what a user would see without a sanitizer.
#pragma once

#include <filesystem>

#include "case_api/scenario.hpp"
#include "driving/driver.hpp"
#include "reports/report.hpp"

namespace lockedges {

// Runs `v`'s stress child for options.stress_seconds (with `profiled`, under
// the CPU profiler, writing dir/cpu.prof) and fills v.stress. Returns whether
// the child exited with status 0.
bool run_stress(const Scenario& scenario, const DriverOptions& options, const std::filesystem::path& dir,
                bool profiled, VariantReport& v);

// How long a stress child may run past its time before the watchdog counts
// it as hung (a broken variant's corrupted links can loop).
inline constexpr double kStressGraceSeconds = 2.0;

}  // namespace lockedges
