// lockedges — the worker protocol: what the parent asks a child for, and
// what the child answers.
//
// The driver never runs case code in its own process. It starts a child
// (`lockedges worker ...`, of the plain or a sanitizer build) that runs one
// variant in one mode and writes a JSON result file; a crash, hang or
// sanitizer abort in the child cannot take the driver down.
//
//   WorkerRequest   becomes the child's command line (worker_args) and is
//                   read back from it by the hidden `worker` subcommand
//                   (add_worker_options): the flags are spelled here only.
//   WorkerResult    what the child writes (to_json) and the parent reads
//                   (read_worker_result, parse_worker_result).
//   StepEvent       one line on the events pipe of a stepped run.
//
// Lock statistics and events have one JSON encoding each, also used by
// report.json (lib/reports).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "case_api/run.hpp"
#include "case_api/shared_mutex.hpp"
#include "child/spawn.hpp"

namespace lockedges {

struct WorkerRequest {
  std::string scenario;
  std::string variant;
  Mode mode = Mode::kForced;
  Limits limits;
  // Stress: the run is split into this many runs back to back, each of
  // limits.stress_seconds / repetitions, so one child gives the spread of
  // its throughput in the same time.
  int repetitions = 1;
  std::string result_path;   // where the JSON result goes; "-" for standard output
  std::string profile_path;  // stress mode: write a gperftools CPU profile here ("" = none)
  bool mark_start = false;   // write kStartMark and CLOCK_MONOTONIC ns to stderr as the variant starts
  // Forced mode, step-through (lib/worker/step_gate.hpp): the child's numbers
  // of the pipes to the parent, events out and "go" in; -1 = not stepping.
  int step_events_fd = -1;
  int step_go_fd = -1;
};

// The child's arguments after the program: `worker <scenario> <variant>
// --mode ...`; a limit is spelled only where it differs from its default.
std::vector<std::string> worker_args(const WorkerRequest& request);

// The child that runs `request` in `program` (a sibling build): its standard
// output and error go to `<files>.out` and `<files>.err`.
ChildSpec worker_child(const std::string& program, const WorkerRequest& request,
                       const std::filesystem::path& files);

// A number from `min` to `max`, finite: CLI::Range lets NaN through (no
// comparison with it is true) and so starts a child with a nonsense limit.
// For every seconds option, the command line's and the worker's.
CLI::Validator finite_range(double min, double max);

// Adds the request's arguments and flags to the hidden `worker` subcommand.
void add_worker_options(CLI::App& worker, WorkerRequest& request);

// The line a worker writes with WorkerRequest::mark_start, before the number.
inline constexpr std::string_view kStartMark = "start_ns ";

// Exit status of a worker: 0 when the variant ran to the end (whatever it
// found), kWorkerUsageError for an unknown scenario or variant,
// kWorkerFailed when the variant threw.
inline constexpr int kWorkerUsageError = 2;
inline constexpr int kWorkerFailed = 3;

struct WorkerResult {
  std::string scenario;
  std::string variant;
  Mode mode = Mode::kForced;
  bool schedule_completed = false;
  double elapsed_seconds = 0;
  std::uint64_t ops = 0;
  std::map<std::string, std::int64_t> symptoms;
  std::vector<std::string> threads;  // Event::thread indexes this
  int worker_threads = 0;
  std::vector<Event> events;         // in seq order, schedule events described
  std::vector<LockStats> locks;
  std::string deadlock;              // the watchdog's description, when the threads deadlocked
  std::vector<double> repetition_rates;  // stress: each repetition's ops per second, in order
};

// add_repetition — folds `one` (a repetition's result) into `total`: times,
// ops and symptoms add up, the locks of the same name merge (counts and
// totals add, maxima and p99 are the largest), and one's rate is appended.
void add_repetition(WorkerResult& total, const WorkerResult& one);

// What a finished run gives the parent.
WorkerResult worker_result(const Run& run, const WorkerRequest& request);

nlohmann::json to_json(const WorkerResult& result);
// A result from its JSON text: nothing when the text is not a JSON object, or
// a field of it has the wrong type or a number out of its field's range (a
// missing field keeps its default). The text comes from another process,
// which may have died mid-write or been something else: never throws.
std::optional<WorkerResult> parse_worker_result(std::string_view text);
// The result file a worker wrote (parse_worker_result); nothing when it is
// missing or not a result.
std::optional<WorkerResult> read_worker_result(const std::filesystem::path& path);

// One JSON encoding of each record the protocol and the reports share.
// An event's thread is written as given: its index in a worker's result, its
// name in report.json.
nlohmann::json to_json(const LockStats& stats);
nlohmann::json to_json(const Event& event, const nlohmann::json& thread);

// StepEvent — one event as the step gate sends it: a JSON line.
struct StepEvent {
  Event event;
  std::string name;  // the thread's name
};
std::string to_line(const StepEvent& step);              // without the newline
bool from_line(std::string_view line, StepEvent& step);  // false for a malformed line; never throws

}  // namespace lockedges
