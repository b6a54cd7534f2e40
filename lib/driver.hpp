// lockedges — the driver: run one scenario the four ways and decide.
//
// For each variant the driver runs
//   1. N forced-schedule children of the ThreadSanitizer build and N of the
//      AddressSanitizer + UBSan build, each with its own log, parsed and
//      grouped into findings;
//   2. one stress child of the plain build, whose symptom counters, ops and
//      lock statistics come back as JSON;
// then checks the broken variants' findings against the case's tags and
// gives the verdict. Every child's output is kept under the report
// folder, so a failed run can be read and rerun by hand.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "profile_report.hpp"
#include "report.hpp"
#include "scenario.hpp"

namespace lockedges {

struct Binaries {
  std::string plain;  // the build users run (stress, symptoms)
  std::string tsan;   // the ThreadSanitizer sibling (forced-schedule detection)
  std::string asan;   // the AddressSanitizer + UBSan sibling (lifetime bugs)
};

// The siblings of the running executable: `lockedges`, `lockedges-tsan` and
// `lockedges-asan` in the same directory.
Binaries sibling_binaries();

// TSan's own exit status for "ran, and reported something" (TSAN_OPTIONS
// exitcode), distinct from every status the worker uses.
inline constexpr int kTsanExitCode = 66;

// TSAN_OPTIONS for a ThreadSanitizer child: its log files start with
// `log_base`, and it exits with its own status when it reported.
std::string tsan_options(const std::string& log_base, bool halt_on_error);

struct DriverOptions {
  int runs = 3;                  // forced-schedule ThreadSanitizer children per variant
  int asan_runs = 1;             // of those runs, how many also run in the ASan + UBSan build
  int jobs = 2;                  // forced-schedule children at a time
  double stress_seconds = 0.5;   // how long each stress child runs
  // CPU profile per variant (0: none). Up to stress_seconds, the stress
  // child itself is profiled; longer, a profiled child of its own runs.
  double profile_seconds = 0.5;
  int profile_hz = 1000;         // CPUPROFILE_FREQUENCY
  double timeout_seconds = 10;   // the watchdog's limit per child
  std::filesystem::path out_dir = "reports";
  Binaries binaries;
  // Called before each child starts: a line saying what runs now.
  std::function<void(const std::string&)> progress;
};

// Runs every variant of `scenario` and returns the report. Never throws for
// a child's failure: that becomes part of the report.
ScenarioReport run_scenario(const Scenario& scenario, const DriverOptions& options);

// Runs `variant`'s stress workload for options.profile_seconds under the CPU
// profiler and symbolises it: the profile, its top functions and a flame
// graph under `dir`. A failure is described in the result, never thrown.
ProfileResult profile_variant(const Scenario& scenario, const Variant& variant, const DriverOptions& options,
                              const std::filesystem::path& dir);

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
  const std::atomic<bool>* cancel = nullptr;  // set (by Ctrl-C): stop early, keep what was collected
};

ProfileSession profile_session(const std::vector<const Scenario*>& scenarios, const SessionOptions& options);

// The driver's judgement of one variant, shared with the reports that show
// it per variant (JUnit). reproduced_every_run: a broken variant showed its
// bug in every forced run; reproduction says how, as "broken: a detector
// reported in 3 of 3 forced runs". fix_problems: what keeps a fix from being
// clean (reports, a timed-out schedule point, a symptom, a crash, hang or
// deadlock), one "fixed: ..." sentence each; empty when it is clean.
bool reproduced_every_run(const VariantReport& broken);
std::string reproduction(const VariantReport& broken, const std::string& symptom);
std::vector<std::string> fix_problems(const VariantReport& fixed);

// Exit status for a set of reports: 0 when all are reproduced-and-fixed.
int exit_status(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
