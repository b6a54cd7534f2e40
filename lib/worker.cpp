#include "worker.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "profiler.hpp"
#include "scenario.hpp"
#include "shared_mutex.hpp"
#include "step_gate.hpp"

namespace lockedges {

nlohmann::json run_result_json(const Run& run, const WorkerRequest& request) {
  nlohmann::json j;
  j["scenario"] = request.scenario;
  j["variant"] = request.variant;
  j["mode"] = std::string(to_string(request.mode));
  j["schedule_completed"] = run.schedule_completed();
  j["elapsed_seconds"] = run.elapsed_seconds();
  j["ops"] = run.ops();
  j["symptoms"] = run.symptoms();
  j["threads"] = run.thread_names();
  j["worker_threads"] = run.worker_threads();
  auto& events = j["events"] = nlohmann::json::array();
  for (const auto& e : run.events())
    events.push_back({{"seq", e.seq}, {"t_ns", e.t_ns}, {"thread", e.thread}, {"kind", e.kind},
                      {"what", e.what}});
  auto& locks = j["locks"] = nlohmann::json::array();
  for (const auto& l : run.locks())
    locks.push_back({{"name", l.name},
                     {"exclusive_acquisitions", l.exclusive_acquisitions},
                     {"shared_acquisitions", l.shared_acquisitions},
                     {"contended", l.contended},
                     {"total_wait_ns", l.total_wait_ns},
                     {"max_wait_ns", l.max_wait_ns},
                     {"p99_wait_ns", l.p99_wait_ns},
                     {"total_hold_ns", l.total_hold_ns},
                     {"max_hold_ns", l.max_hold_ns}});
  return j;
}

namespace {

// Writes next to the target and renames, so the driver never reads half a file.
bool write_result(const std::string& path, const nlohmann::json& j) {
  if (path == "-") {
    std::cout << j.dump() << '\n';
    return true;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) return false;
    out << j.dump(1) << '\n';
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

std::vector<Event> events_from_result(const nlohmann::json& result) {
  std::vector<Event> events;
  for (const auto& e : result.value("events", nlohmann::json::array())) {
    Event ev;
    ev.seq = e.value("seq", std::uint64_t{0});
    ev.t_ns = e.value("t_ns", std::int64_t{0});
    ev.thread = e.value("thread", 0);
    ev.kind = e.value("kind", "");
    ev.what = e.value("what", "");
    events.push_back(std::move(ev));
  }
  return events;
}

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
    Run run(request.mode, request.limits);
    if (gate) {
      run.step_through(gate.get());
      gate->start();
    }
    // A deadlocked stress run never returns: the watchdog writes what it saw
    // and ends the process (the threads cannot be joined).
    run.on_deadlock([&run, &request](const std::string& description) {
      nlohmann::json j = run_result_json(run, request);
      j["symptoms"]["deadlocks"] = 1;
      j["deadlock"] = description;
      const bool written = write_result(request.result_path, j);
      std::cerr << "lockedges worker: deadlock: " << description << '\n';
      std::_Exit(written ? 0 : kWorkerFailed);
    });
    if (request.mark_start) {
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
    if (profiling) profiler::stop();
    if (!write_result(request.result_path, run_result_json(run, request))) {
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
