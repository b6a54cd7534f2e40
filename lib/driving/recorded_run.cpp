#include "driving/recorded_run.hpp"

#include <unistd.h>

#include <filesystem>

#include "child/protocol.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

// A scratch folder of its own, removed with it.
struct Scratch {
  Scratch() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("lockedges-recorded-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::create_directories(path, ec);
  }
  ~Scratch() { fs::remove_all(path, ec); }
  fs::path path;
  std::error_code ec;
};

}  // namespace

std::optional<RecordedRun> record_forced_run(const std::string& binary, const Scenario& scenario,
                                             const Variant& variant, double timeout_seconds, std::string& error) {
  Scratch scratch;
  if (scratch.ec) {
    error = "cannot create " + scratch.path.string() + ": " + scratch.ec.message();
    return std::nullopt;
  }
  WorkerRequest request;
  request.scenario = scenario.name;
  request.variant = variant.name;
  request.mode = Mode::kForced;
  request.result_path = (scratch.path / "result.json").string();
  ChildSpec spec = worker_child(binary, request, scratch.path / "worker");
  spec.timeout_seconds = timeout_seconds;
  const ChildOutcome outcome = run_child(spec);
  if (!outcome.started || !outcome.exited || outcome.exit_code != 0) {
    error = "the forced run " + describe(outcome) + " (" + command_line(spec) + ")";
    return std::nullopt;
  }
  RecordedRun recorded;
  if (const auto result = read_worker_result(request.result_path)) {
    recorded.events = result->events;
    recorded.thread_names = result->threads;
  }
  if (recorded.events.empty()) {
    error = "the forced run recorded no events";
    return std::nullopt;
  }
  return recorded;
}

const Variant* first_broken(const Scenario& scenario) {
  for (const auto& v : scenario.variants)
    if (v.broken) return &v;
  return nullptr;
}

}  // namespace lockedges
