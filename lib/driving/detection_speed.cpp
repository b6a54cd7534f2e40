#include "driving/detection_speed.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "child/protocol.hpp"
#include "child/sanitizers.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

// The worker's start mark, in steady_clock (CLOCK_MONOTONIC) nanoseconds.
std::optional<std::int64_t> start_mark(const fs::path& stderr_path) {
  std::ifstream in(stderr_path);
  std::string line;
  const std::string mark(kStartMark);
  while (std::getline(in, line))
    if (line.rfind(mark, 0) == 0) return std::stoll(line.substr(mark.size()));
  return std::nullopt;
}

}  // namespace

Detection time_to_first_report(const std::string& tsan_binary, const Scenario& scenario, const Variant& variant,
                               Mode mode, double limit_seconds, const fs::path& dir, const std::string& tag) {
  Detection d;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path log_base = dir / tag;
  // TSan appends the pid to log_path; an earlier run's log must not count.
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().rfind(tag + ".log", 0) == 0) fs::remove(entry.path(), ec);
  WorkerRequest request;
  request.scenario = scenario.name;
  request.variant = variant.name;
  request.mode = mode;
  request.limits.stress_seconds = limit_seconds;
  request.result_path = (dir / (tag + ".json")).string();
  request.mark_start = true;
  ChildSpec spec = worker_child(tsan_binary, request, dir / tag);
  spec.env = tsan_environment((dir / (tag + ".log")).string(), /*halt_on_error=*/true);
  spec.timeout_seconds = limit_seconds + 30;  // start-up and writing the report come on top
  const ChildOutcome outcome = run_child(spec);
  const auto ended = std::chrono::steady_clock::now().time_since_epoch();
  d.outcome = describe(outcome);
  if (!outcome.started) {
    d.error = outcome.start_error;
    return d;
  }
  const auto start = start_mark(spec.stderr_path);
  if (!start) {
    d.error = "the child never started the variant (" + d.outcome + "); see " + spec.stderr_path;
    return d;
  }
  d.seconds = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(ended).count() - *start) / 1e9;
  d.found = outcome.exited && outcome.exit_code == kTsanExitCode;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().rfind(tag + ".log", 0) == 0) d.log = entry.path().string();
  if (!d.found && !(outcome.exited && outcome.exit_code == 0))
    d.error = "the child " + d.outcome + " without a ThreadSanitizer report";
  return d;
}

}  // namespace lockedges
