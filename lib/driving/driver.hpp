// lockedges — the driver: run one scenario the three ways and judge it.
//
// For each variant the driver runs
//   1. N forced-schedule children of the ThreadSanitizer build and M of the
//      AddressSanitizer + UBSan build (forced.hpp);
//   2. one stress child of the plain build, whose symptom counters, ops and
//      lock statistics come back (stress.hpp), CPU-profiled (profiling.hpp);
// then hands the report to the verdict (lib/verdict). Every child's output
// is kept under the report folder, so a failed run can be read and rerun by
// hand.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "case_api/scenario.hpp"
#include "child/binaries.hpp"
#include "child/symboliser.hpp"
#include "reports/report.hpp"

namespace lockedges {

struct DriverOptions {
  int runs = 3;                  // forced-schedule ThreadSanitizer children per variant
  int asan_runs = 1;             // of those runs, how many also run in the ASan + UBSan build
  int jobs = 2;                  // forced-schedule children at a time
  double stress_seconds = 0.5;   // how long each stress child runs
  int stress_repetitions = 5;    // runs back to back in that time, for the spread of throughput
  // CPU profile per variant (0: none). Up to stress_seconds, the stress
  // child itself is profiled; longer, a profiled child of its own runs.
  double profile_seconds = 0.5;
  int profile_hz = 1000;         // CPUPROFILE_FREQUENCY
  double timeout_seconds = 10;   // the watchdog's limit per child
  std::filesystem::path out_dir = "reports";
  Binaries binaries;
  // Symbolises the ThreadSanitizer children's reports in one child of its
  // own (child/symboliser.hpp); null: each child symbolises its own.
  Symboliser* symboliser = nullptr;
  // Called before each child starts: a line saying what runs now.
  std::function<void(const std::string&)> progress;
};

// The scenarios a command line names, in the registry's order: every one
// when `names` is empty or holds "all". Names are checked before (cmd/);
// one that is no scenario chooses nothing.
std::vector<const Scenario*> chosen_scenarios(const std::vector<std::string>& names);

// What a report says of its scenario before any run: name, title, seed,
// source, symptom and lesson.
ScenarioReport scenario_header(const Scenario& scenario);

// One scenario's run. Each variant's CPU profile is symbolised (addr2line,
// nm: about 0.1 s) beside the next variant's children; the last one's,
// beside the next scenario's first variant, so finish() comes after that.
struct ScenarioRun {
  ScenarioReport report;  // judged; its profiles and profile diff complete after finish()
  std::vector<std::jthread> symbolising;
  bool finished = false;
  // Waits for the profiles still being symbolised, then adds what needs
  // them (the profile diff). Once is enough; a second call does nothing.
  void finish();
};

// Runs every variant of `scenario` and judges the report; calls
// previous->finish() once its first variant has run (previous may be
// null). Never throws for a child's failure: that becomes part of the
// report.
std::unique_ptr<ScenarioRun> start_scenario(const Scenario& scenario, const DriverOptions& options,
                                            ScenarioRun* previous);

}  // namespace lockedges
