#include "child/protocol.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace lockedges {

using nlohmann::json;

namespace {

// The flags, spelled once for both directions.
constexpr const char* kMode = "--mode";
constexpr const char* kSeconds = "--seconds";
constexpr const char* kIterations = "--iterations";
constexpr const char* kAwaitTimeout = "--await-timeout";
constexpr const char* kResult = "--result";
constexpr const char* kProfile = "--profile";
constexpr const char* kMarkStart = "--mark-start";
constexpr const char* kStepEventsFd = "--step-events-fd";
constexpr const char* kStepGoFd = "--step-go-fd";

const std::map<std::string, Mode> kModes = {{"forced", Mode::kForced}, {"stress", Mode::kStress}};

// A number as its shortest exact decimal, so the child reads back what was meant.
std::string number(double value) { return fmt::format("{}", value); }

Event event_from(const json& e) {
  Event ev;
  ev.seq = e.value("seq", std::uint64_t{0});
  ev.t_ns = e.value("t_ns", std::int64_t{0});
  ev.thread = e.value("thread", 0);
  ev.kind = e.value("kind", "");
  ev.what = e.value("what", "");
  ev.peer = e.value("peer", -1);
  return ev;
}

LockStats lock_from(const json& l) {
  LockStats s;
  s.name = l.value("name", "");
  s.exclusive_acquisitions = l.value("exclusive_acquisitions", std::uint64_t{0});
  s.shared_acquisitions = l.value("shared_acquisitions", std::uint64_t{0});
  s.contended = l.value("contended", std::uint64_t{0});
  s.total_wait_ns = l.value("total_wait_ns", std::int64_t{0});
  s.max_wait_ns = l.value("max_wait_ns", std::int64_t{0});
  s.p99_wait_ns = l.value("p99_wait_ns", std::int64_t{0});
  s.total_hold_ns = l.value("total_hold_ns", std::int64_t{0});
  s.max_hold_ns = l.value("max_hold_ns", std::int64_t{0});
  return s;
}

}  // namespace

std::vector<std::string> worker_args(const WorkerRequest& r) {
  const Limits defaults;
  std::vector<std::string> args{"worker", r.scenario, r.variant, kMode, std::string(to_string(r.mode))};
  if (r.mode == Mode::kStress) args.insert(args.end(), {kSeconds, number(r.limits.stress_seconds)});
  if (r.limits.stress_iterations != defaults.stress_iterations)
    args.insert(args.end(), {kIterations, std::to_string(r.limits.stress_iterations)});
  if (r.limits.await_timeout_seconds != defaults.await_timeout_seconds)
    args.insert(args.end(), {kAwaitTimeout, number(r.limits.await_timeout_seconds)});
  args.insert(args.end(), {kResult, r.result_path});
  if (!r.profile_path.empty()) args.insert(args.end(), {kProfile, r.profile_path});
  if (r.mark_start) args.push_back(kMarkStart);
  if (r.step_events_fd >= 0) args.insert(args.end(), {kStepEventsFd, std::to_string(r.step_events_fd)});
  if (r.step_go_fd >= 0) args.insert(args.end(), {kStepGoFd, std::to_string(r.step_go_fd)});
  return args;
}

ChildSpec worker_child(const std::string& program, const WorkerRequest& request,
                       const std::filesystem::path& files) {
  ChildSpec spec;
  spec.program = program;
  spec.args = worker_args(request);
  spec.stdout_path = files.string() + ".out";
  spec.stderr_path = files.string() + ".err";
  return spec;
}

CLI::Validator finite_range(double min, double max) {
  const std::string range = fmt::format("{} to {}", min, max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0') return "'" + text + "' is not a number";
        if (!std::isfinite(value)) return "'" + text + "' is not a finite number; give one from " + range;
        if (value < min || value > max) return "'" + text + "' is out of range; give a number from " + range;
        return "";
      },
      fmt::format("[{} - {}]", min, max));
}

void add_worker_options(CLI::App& cmd, WorkerRequest& r) {
  cmd.add_option("scenario", r.scenario)->required();
  cmd.add_option("variant", r.variant)->required();
  cmd.add_option_function<std::string>(kMode, [&r](const std::string& mode) { r.mode = kModes.at(mode); })
      ->check(CLI::IsMember({"forced", "stress"}));
  cmd.add_option(kSeconds, r.limits.stress_seconds)->check(finite_range(1e-6, 86400.0));
  cmd.add_option(kIterations, r.limits.stress_iterations);
  cmd.add_option(kAwaitTimeout, r.limits.await_timeout_seconds)->check(finite_range(1e-6, 86400.0));
  cmd.add_option(kResult, r.result_path)->required();
  cmd.add_option(kProfile, r.profile_path);
  cmd.add_flag(kMarkStart, r.mark_start);
  cmd.add_option(kStepEventsFd, r.step_events_fd);
  cmd.add_option(kStepGoFd, r.step_go_fd);
}

WorkerResult worker_result(const Run& run, const WorkerRequest& request) {
  WorkerResult r;
  r.scenario = request.scenario;
  r.variant = request.variant;
  r.mode = request.mode;
  r.schedule_completed = run.schedule_completed();
  r.elapsed_seconds = run.elapsed_seconds();
  r.ops = run.ops();
  r.symptoms = run.symptoms();
  r.threads = run.thread_names();
  r.worker_threads = run.worker_threads();
  r.events = run.events();
  r.locks = run.locks();
  return r;
}

json to_json(const LockStats& l) {
  return {{"name", l.name},
          {"exclusive_acquisitions", l.exclusive_acquisitions},
          {"shared_acquisitions", l.shared_acquisitions},
          {"contended", l.contended},
          {"total_wait_ns", l.total_wait_ns},
          {"max_wait_ns", l.max_wait_ns},
          {"p99_wait_ns", l.p99_wait_ns},
          {"total_hold_ns", l.total_hold_ns},
          {"max_hold_ns", l.max_hold_ns}};
}

json to_json(const Event& e, const json& thread) {
  return {{"seq", e.seq}, {"t_ns", e.t_ns}, {"thread", thread}, {"kind", e.kind}, {"what", e.what}};
}

json to_json(const WorkerResult& r) {
  json j;
  j["scenario"] = r.scenario;
  j["variant"] = r.variant;
  j["mode"] = std::string(to_string(r.mode));
  j["schedule_completed"] = r.schedule_completed;
  j["elapsed_seconds"] = r.elapsed_seconds;
  j["ops"] = r.ops;
  j["symptoms"] = r.symptoms;
  j["threads"] = r.threads;
  j["worker_threads"] = r.worker_threads;
  auto& events = j["events"] = json::array();
  for (const auto& e : r.events) events.push_back(to_json(e, e.thread));
  auto& locks = j["locks"] = json::array();
  for (const auto& l : r.locks) locks.push_back(to_json(l));
  if (!r.deadlock.empty()) j["deadlock"] = r.deadlock;
  return j;
}

std::optional<WorkerResult> read_worker_result(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const auto j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  WorkerResult r;
  r.scenario = j.value("scenario", "");
  r.variant = j.value("variant", "");
  r.mode = j.value("mode", "") == "stress" ? Mode::kStress : Mode::kForced;
  r.schedule_completed = j.value("schedule_completed", false);
  r.elapsed_seconds = j.value("elapsed_seconds", 0.0);
  r.ops = j.value("ops", std::uint64_t{0});
  r.symptoms = j.value("symptoms", std::map<std::string, std::int64_t>{});
  r.threads = j.value("threads", std::vector<std::string>{});
  r.worker_threads = j.value("worker_threads", 0);
  for (const auto& e : j.value("events", json::array())) r.events.push_back(event_from(e));
  for (const auto& l : j.value("locks", json::array())) r.locks.push_back(lock_from(l));
  r.deadlock = j.value("deadlock", "");
  return r;
}

std::string to_line(const StepEvent& s) {
  json j = to_json(s.event, s.event.thread);
  j["name"] = s.name;
  j["peer"] = s.event.peer;
  return j.dump();
}

bool from_line(std::string_view line, StepEvent& s) {
  const auto j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  s.event = event_from(j);
  s.name = j.value("name", "");
  return true;
}

}  // namespace lockedges
