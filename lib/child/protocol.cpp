#include "child/protocol.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

namespace lockedges {

using nlohmann::json;

namespace {

// The flags, spelled once for both directions.
constexpr const char* kMode = "--mode";
constexpr const char* kSeconds = "--seconds";
constexpr const char* kIterations = "--iterations";
constexpr const char* kRepetitions = "--repetitions";
constexpr const char* kAwaitTimeout = "--await-timeout";
constexpr const char* kResult = "--result";
constexpr const char* kProfile = "--profile";
constexpr const char* kMarkStart = "--mark-start";
constexpr const char* kStepEventsFd = "--step-events-fd";
constexpr const char* kStepGoFd = "--step-go-fd";

const std::map<std::string, Mode> kModes = {{"forced", Mode::kForced}, {"stress", Mode::kStress}};

// A number as its shortest exact decimal, so the child reads back what was meant.
std::string number(double value) { return fmt::format("{}", value); }

// ---- reading what a child wrote ---------------------------------------------
// Each read_field leaves `out` as it is when `key` is missing, and returns
// false when it is there with another type or out of range. nlohmann's
// value() would throw type_error instead, and its get<int>() casts a float
// or a too-large integer without a word.

// A signed integer in [lo, hi]: json keeps non-negative integers as unsigned.
bool integer_in(const json& v, std::int64_t lo, std::int64_t hi) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    return u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo;
  }
  return v.is_number_integer() && v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi;
}

template <typename T>
bool integer_fits(const json& v) {
  return integer_in(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
}

// `key` into `out` when `fits` says its value reads as a T.
template <typename T, typename Fits>
bool read_if(const json& j, const char* key, T& out, Fits fits) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if (!fits(*it)) return false;
  out = it->template get<T>();
  return true;
}

bool read_field(const json& j, const char* key, std::string& out) {
  return read_if(j, key, out, [](const json& v) { return v.is_string(); });
}
bool read_field(const json& j, const char* key, bool& out) {
  return read_if(j, key, out, [](const json& v) { return v.is_boolean(); });
}
bool read_field(const json& j, const char* key, double& out) {
  return read_if(j, key, out, [](const json& v) { return v.is_number(); });
}
// A negative integer is number_integer, never number_unsigned.
bool read_field(const json& j, const char* key, std::uint64_t& out) {
  return read_if(j, key, out, [](const json& v) { return v.is_number_unsigned(); });
}
bool read_field(const json& j, const char* key, std::int64_t& out) {
  return read_if(j, key, out, integer_fits<std::int64_t>);
}
bool read_field(const json& j, const char* key, int& out) { return read_if(j, key, out, integer_fits<int>); }

// The array `key` (missing: empty), each element read by `one`.
template <typename T, typename ReadOne>
bool read_array(const json& j, const char* key, std::vector<T>& out, ReadOne one) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const json& element : *it) {
    T value{};
    if (!one(element, value)) return false;
    out.push_back(std::move(value));
  }
  return true;
}

bool read_event(const json& e, Event& ev) {
  return e.is_object() && read_field(e, "seq", ev.seq) && read_field(e, "t_ns", ev.t_ns) &&
         read_field(e, "thread", ev.thread) && read_field(e, "kind", ev.kind) && read_field(e, "what", ev.what) &&
         read_field(e, "peer", ev.peer);
}

bool read_lock(const json& l, LockStats& s) {
  return l.is_object() && read_field(l, "name", s.name) &&
         read_field(l, "exclusive_acquisitions", s.exclusive_acquisitions) &&
         read_field(l, "shared_acquisitions", s.shared_acquisitions) && read_field(l, "contended", s.contended) &&
         read_field(l, "timed_waits", s.timed_waits) && read_field(l, "total_wait_ns", s.total_wait_ns) &&
         read_field(l, "max_wait_ns", s.max_wait_ns) &&
         read_field(l, "p99_wait_ns", s.p99_wait_ns) && read_field(l, "hold_samples", s.hold_samples) &&
         read_field(l, "total_hold_ns", s.total_hold_ns) &&
         read_field(l, "max_hold_ns", s.max_hold_ns);
}

bool read_symptoms(const json& j, std::map<std::string, std::int64_t>& out) {
  const auto it = j.find("symptoms");
  if (it == j.end()) return true;
  if (!it->is_object()) return false;
  for (const auto& [name, count] : it->items()) {
    if (!integer_fits<std::int64_t>(count)) return false;
    out[name] = count.get<std::int64_t>();
  }
  return true;
}

bool read_result(const json& j, WorkerResult& r) {
  std::string mode;
  const bool ok =
      j.is_object() && read_field(j, "scenario", r.scenario) && read_field(j, "variant", r.variant) &&
      read_field(j, "mode", mode) && read_field(j, "schedule_completed", r.schedule_completed) &&
      read_field(j, "elapsed_seconds", r.elapsed_seconds) && read_field(j, "ops", r.ops) &&
      read_symptoms(j, r.symptoms) &&
      read_array(j, "threads", r.threads,
                 [](const json& t, std::string& name) {
                   if (!t.is_string()) return false;
                   name = t.get<std::string>();
                   return true;
                 }) &&
      read_field(j, "worker_threads", r.worker_threads) && read_array(j, "events", r.events, read_event) &&
      read_array(j, "locks", r.locks, read_lock) && read_field(j, "deadlock", r.deadlock) &&
      read_array(j, "repetition_ops_per_second", r.repetition_rates, [](const json& rate, double& out) {
        if (!rate.is_number() || !std::isfinite(rate.get<double>()) || rate.get<double>() < 0) return false;
        out = rate.get<double>();
        return true;
      });
  r.mode = mode == "stress" ? Mode::kStress : Mode::kForced;
  return ok;
}

}  // namespace

std::vector<std::string> worker_args(const WorkerRequest& r) {
  const Limits defaults;
  std::vector<std::string> args{"worker", r.scenario, r.variant, kMode, std::string(to_string(r.mode))};
  if (r.mode == Mode::kStress) args.insert(args.end(), {kSeconds, number(r.limits.stress_seconds)});
  if (r.repetitions != 1) args.insert(args.end(), {kRepetitions, std::to_string(r.repetitions)});
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
  cmd.add_option(kRepetitions, r.repetitions)->check(CLI::Range(1, 1000));
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
          {"timed_waits", l.timed_waits},
          {"total_wait_ns", l.total_wait_ns},
          {"max_wait_ns", l.max_wait_ns},
          {"p99_wait_ns", l.p99_wait_ns},
          {"hold_samples", l.hold_samples},
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
  if (!r.repetition_rates.empty()) j["repetition_ops_per_second"] = r.repetition_rates;
  return j;
}

void add_repetition(WorkerResult& total, const WorkerResult& one) {
  const double rate = one.elapsed_seconds > 0 ? static_cast<double>(one.ops) / one.elapsed_seconds : 0;
  if (total.repetition_rates.empty()) {  // the first
    total = one;
    total.repetition_rates = {rate};
    return;
  }
  total.schedule_completed = total.schedule_completed && one.schedule_completed;
  total.elapsed_seconds += one.elapsed_seconds;
  total.ops += one.ops;
  for (const auto& [name, count] : one.symptoms) total.symptoms[name] += count;
  for (const LockStats& l : one.locks) {
    auto same = std::find_if(total.locks.begin(), total.locks.end(),
                             [&l](const LockStats& t) { return t.name == l.name; });
    if (same == total.locks.end()) {
      total.locks.push_back(l);
      continue;
    }
    merge_into(*same, l);
  }
  if (!one.deadlock.empty()) total.deadlock = one.deadlock;
  total.repetition_rates.push_back(rate);
}

std::optional<WorkerResult> parse_worker_result(std::string_view text) {
  try {
    const auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    WorkerResult r;
    if (!read_result(j, r)) return std::nullopt;
    return r;
  } catch (...) {  // only std::bad_alloc can get here
    return std::nullopt;
  }
}

std::optional<WorkerResult> read_worker_result(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return parse_worker_result(text.str());
}

std::string to_line(const StepEvent& s) {
  json j = to_json(s.event, s.event.thread);
  j["name"] = s.name;
  j["peer"] = s.event.peer;
  return j.dump();
}

bool from_line(std::string_view line, StepEvent& s) {
  try {
    const auto j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    StepEvent step;
    if (!read_event(j, step.event) || !read_field(j, "name", step.name)) return false;
    s = std::move(step);
    return true;
  } catch (...) {  // std::bad_alloc
    return false;
  }
}

}  // namespace lockedges
