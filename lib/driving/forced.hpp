// lockedges — a variant's forced-schedule runs: N children of the
// ThreadSanitizer build and M of the AddressSanitizer + UBSan build, each
// with its own log, parsed and grouped into findings.
#pragma once

#include <filesystem>

#include "case_api/scenario.hpp"
#include "driving/driver.hpp"
#include "reports/report.hpp"

namespace lockedges {

// Runs the forced children of `v` (options.jobs at a time; each is short and
// mostly waits on its schedule), their files under `dir`, and adds what they
// showed to v.tsan, v.asan, v.forced_symptoms, v.forced_runs and
// v.interleaving. A child's failure becomes one of v.errors.
void run_forced(const Scenario& scenario, const DriverOptions& options, const std::filesystem::path& dir,
                VariantReport& v);

// The last lines of a child's standard error, to quote in an error;
// "(nothing on standard error)" for none.
std::string tail(const std::string& text, std::size_t lines = 5);

}  // namespace lockedges
