// lockedges — detection speed: how long ThreadSanitizer takes to report a
// race with the forced schedule, and without it.
//
// One ThreadSanitizer child per measurement, halting at its first report.
// The time runs from the moment the variant starts (the worker marks it, so
// the sanitizer's start-up is not counted) to the moment the child is seen
// to end; it includes writing the report, the same in both modes. Stress
// mode is bounded: when nothing is reported within the limit, the result
// says so rather than inventing a time.
#pragma once

#include <filesystem>
#include <string>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {

struct Detection {
  bool found = false;     // ThreadSanitizer reported (the child exited with its status)
  double seconds = 0;     // from the variant's start to the child's end
  std::string outcome;    // "exit 66", "exit 0", "timed out after ..."
  std::string log;        // ThreadSanitizer's log, kept
  std::string error;      // the measurement failed (never a verdict about the code)
};

// Runs `variant` once in `tsan_binary` in `mode` (stress: at most
// `limit_seconds`), its files under `dir` named after `tag`.
Detection time_to_first_report(const std::string& tsan_binary, const Scenario& scenario, const Variant& variant,
                               Mode mode, double limit_seconds, const std::filesystem::path& dir,
                               const std::string& tag);

}  // namespace lockedges
