// lockedges — the child side: run one variant once and write what happened.
//
// The driver never runs case code in its own process. It starts a child
// (`lockedges worker ...`, plain or ThreadSanitizer build), which runs one
// variant in one mode and writes a JSON result file; a crash, hang or
// sanitizer abort in the child cannot take the driver down.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run.hpp"

namespace lockedges {

struct WorkerRequest {
  std::string scenario;
  std::string variant;
  Mode mode = Mode::kForced;
  Limits limits;
  std::string result_path;  // where the JSON result goes; "-" for standard output
  std::string profile_path; // stress mode: write a gperftools CPU profile here ("" = none)
  bool mark_start = false;  // write "start_ns <CLOCK_MONOTONIC ns>" to stderr as the variant starts
  // Forced mode, step-through (lib/step_gate.hpp): the pipes to the parent,
  // events out and "go" in; -1 = not stepping.
  int step_events_fd = -1;
  int step_go_fd = -1;
};

// The line a worker writes with WorkerRequest::mark_start.
inline constexpr const char* kStartMark = "start_ns ";

// Exit status of a worker: 0 when the variant ran to the end (whatever it
// found), kWorkerUsageError for an unknown scenario or variant,
// kWorkerFailed when the variant threw.
inline constexpr int kWorkerUsageError = 2;
inline constexpr int kWorkerFailed = 3;

int run_worker(const WorkerRequest& request);

// The JSON a worker writes, from a finished run.
nlohmann::json run_result_json(const Run& run, const WorkerRequest& request);

// The recorded interleaving in a worker's result JSON (its "events").
std::vector<Event> events_from_result(const nlohmann::json& result);

}  // namespace lockedges
