#include "worker/worker.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "worker/profiler.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"
#include "worker/step_gate.hpp"
#include "util/files.hpp"

namespace lockedges {

namespace {

// Written beside the target and renamed, so the driver never reads half a file.
bool write_result(const std::string& path, const nlohmann::json& j) {
  if (path == "-") {
    std::cout << j.dump() << '\n';
    return true;
  }
  std::string error;
  return write_file(path, j.dump(1) + "\n", error);
}

}  // namespace

int run_worker(const WorkerRequest& request) {
  const Scenario* scenario = Registry::instance().find(request.scenario);
  if (scenario == nullptr) {
    std::cerr << "lockedges worker: unknown scenario '" << request.scenario << "'\n";
    return kWorkerUsageError;
  }
  const Variant* variant = scenario->find_variant(request.variant);
  if (variant == nullptr) {
    std::cerr << "lockedges worker: scenario '" << request.scenario << "' has no variant '"
              << request.variant << "'\n";
    return kWorkerUsageError;
  }
  const bool profiling = !request.profile_path.empty();
  if (profiling && !profiler::available()) {
    std::cerr << "lockedges worker: this build cannot profile (only the plain build links gperftools)\n";
    return kWorkerUsageError;
  }
  if (profiling) {
    Run::set_thread_hook(&profiler::register_thread);
    if (!profiler::start(request.profile_path)) {
      std::cerr << "lockedges worker: cannot start the CPU profiler writing " << request.profile_path << '\n';
      return kWorkerFailed;
    }
  }
  const bool stepping = request.step_events_fd >= 0 || request.step_go_fd >= 0;
  if (stepping && (request.mode != Mode::kForced || request.step_events_fd < 0 || request.step_go_fd < 0)) {
    std::cerr << "lockedges worker: step-through needs forced mode and both pipes\n";
    return kWorkerUsageError;
  }
  // A stress run asked to stop (the driver's Ctrl-C) ends its loops and
  // still writes its result and profile.
  if (request.mode == Mode::kStress) std::signal(SIGTERM, [](int) { Run::request_stop(); });
  // A parent that went away closes the pipes: the run goes on unstepped.
  if (stepping) std::signal(SIGPIPE, SIG_IGN);
  try {
    std::unique_ptr<StepGate> gate;
    if (stepping) gate = std::make_unique<StepGate>(request.step_events_fd, request.step_go_fd);
    // A stress run split into repetitions: back to back, each a run of its
    // own for its share of the time; the result adds them up.
    const int repetitions = request.mode == Mode::kStress ? request.repetitions : 1;
    Limits limits = request.limits;
    limits.stress_seconds /= repetitions;
    WorkerResult total;
    for (int repetition = 0; repetition < repetitions; ++repetition) {
      Run run(request.mode, limits);
      if (gate) {
        run.step_through(gate.get());
        gate->start();
      }
      // A deadlocked stress run never returns: the watchdog writes what it
      // saw (the repetitions before it included) and ends the process (the
      // threads cannot be joined).
      run.on_deadlock([&run, &request, &total, profiling](const std::string& description) {
        // The profile up to the deadlock is written whole; the blocked
        // threads take no samples.
        if (profiling) profiler::stop();
        WorkerResult result = worker_result(run, request);
        result.symptoms["deadlocks"] = 1;
        result.deadlock = description;
        add_repetition(total, result);
        const bool written = write_result(request.result_path, to_json(total));
        std::cerr << "lockedges worker: deadlock: " << description << '\n';
        std::_Exit(written ? 0 : kWorkerFailed);
      });
      if (request.mark_start && repetition == 0) {
        // CLOCK_MONOTONIC is the whole machine's clock: the parent measures
        // from here (after start-up) to the moment it sees the child end.
        const auto now = std::chrono::steady_clock::now().time_since_epoch();
        std::cerr << kStartMark << std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() << std::endl;
      }
      if (request.mode == Mode::kForced)
        variant->forced(run);
      else
        variant->stress(run);
      if (gate) gate->stop();  // every thread of the run has joined
      if (request.mode == Mode::kForced) {
        total = worker_result(run, request);
      } else {
        add_repetition(total, worker_result(run, request));
        if (Run::stop_was_requested()) break;  // Ctrl-C: what ran so far is the result
      }
    }
    if (profiling) profiler::stop();
    if (!write_result(request.result_path, to_json(total))) {
      std::cerr << "lockedges worker: cannot write " << request.result_path << '\n';
      return kWorkerFailed;
    }
  } catch (const std::exception& e) {
    std::cerr << "lockedges worker: " << request.scenario << '/' << request.variant
              << " threw: " << e.what() << '\n';
    return kWorkerFailed;
  }
  return 0;
}

}  // namespace lockedges
