#include "driving/forced.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "child/protocol.hpp"
#include "child/sanitizers.hpp"
#include "detection/asan_log.hpp"
#include "detection/tsan_log.hpp"
#include "driving/case_program.hpp"
#include "sources/source.hpp"
#include "util/files.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

enum class Detector { kTsan, kAsan };

// One forced-schedule child: what to run, and how it ended.
struct ForcedJob {
  int run = 0;
  Detector detector = Detector::kTsan;
  std::string tag;  // "tsan-3": names its files
  fs::path log_base;
  fs::path result;
  ChildSpec spec;
  ChildOutcome outcome;
};

ForcedJob forced_job(const Scenario& scenario, const DriverOptions& options, const VariantReport& v,
                     const fs::path& dir, int i, Detector detector) {
  const bool tsan = detector == Detector::kTsan;
  ForcedJob job;
  job.run = i;
  job.detector = detector;
  job.tag = std::string(tsan ? "tsan-" : "asan-") + std::to_string(i);
  job.log_base = dir / job.tag;
  job.result = dir / (job.tag + ".json");
  WorkerRequest request;
  request.scenario = scenario.name;
  request.variant = v.name;
  request.mode = Mode::kForced;
  request.result_path = job.result.string();
  job.spec = worker_child(tsan ? options.binaries.tsan : options.binaries.asan, request, job.log_base);
  job.spec.env = tsan ? tsan_environment(job.log_base.string(), /*halt_on_error=*/false,
                                         /*symbolise=*/options.symboliser == nullptr || !options.symboliser->usable())
                      : asan_environment(job.log_base.string());
  job.spec.timeout_seconds = options.timeout_seconds;
  return job;
}

// The sanitizer's log of a finished job, before absorb() renames it:
// <log_base>.<pid>.
fs::path raw_log_of(const ForcedJob& job) { return job.log_base.string() + "." + std::to_string(job.outcome.pid); }

// Runs a job; a ThreadSanitizer child whose runtime refused the address
// layout it was given runs once more with randomisation off. The first
// try's files are kept beside the second's (".layout-retry").
void run_job(ForcedJob& job) {
  job.outcome = run_child(job.spec);
  if (job.detector != Detector::kTsan || !job.outcome.started || job.spec.no_aslr) return;
  const std::string said = read_file(job.spec.stderr_path) + read_file(raw_log_of(job));
  if (!sanitizer_layout_failure(said)) return;
  std::error_code ignored;
  for (const fs::path& file : {fs::path(job.spec.stderr_path), raw_log_of(job)}) {
    fs::path kept = file;
    fs::rename(file, kept += ".layout-retry", ignored);
  }
  job.spec.no_aslr = true;
  job.outcome = run_child(job.spec);
}

void run_all(std::vector<ForcedJob>& jobs, int parallel) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) run_job(jobs[i]);
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < std::max(1, parallel); ++k) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// Reads one finished job into `v`; returns what the run showed: reports (-1
// when the tool failed) and the scenario's symptom counter.
ForcedRun absorb(const Scenario& scenario, VariantReport& v, ForcedJob& job, Symboliser* symboliser) {
  const bool tsan = job.detector == Detector::kTsan;
  const ChildSpec& spec = job.spec;
  const ChildOutcome& outcome = job.outcome;
  const std::string& tag = job.tag;
  DetectorResult& result = tsan ? v.tsan : v.asan;
  ForcedRun seen;
  ++result.runs;
  result.outcomes.push_back(describe(outcome));
  if (!outcome.started) {
    // Never started because of Ctrl-C: the scenario is judged interrupted.
    if (!outcome.interrupted) v.errors.push_back(outcome.start_error);
    return {-1, 0};
  }

  // The sanitizers name their log <log_path>.<pid>; keep it under a stable name.
  const fs::path raw_log = raw_log_of(job);
  const fs::path log = job.log_base.string() + ".log";
  std::string log_text;
  std::error_code ec;
  if (fs::exists(raw_log, ec)) {
    fs::rename(raw_log, log, ec);
    log_text = read_file(log);
    // An unsymbolised report is finished here, and kept as the runtime
    // would have written it.
    if (std::string error; tsan && symboliser != nullptr && !unsymbolised_addresses(log_text).empty()) {
      if (!symboliser->symbolise(log_text, error)) {
        v.errors.push_back(tag + ": " + error);
        return {-1, 0};
      }
      if (const std::error_code failed = write_file(log, log_text))
        v.errors.push_back(tag + ": cannot write " + log.string() + ": " + failed.message());
    }
  } else {
    std::ofstream(log).flush();  // the sanitizer had nothing to say: keep an empty log, same layout
  }
  result.logs.push_back(log.string());
  const std::string err_text = read_file(spec.stderr_path);
  const std::string source = scenario.source_path();
  const auto case_file = [&source](std::string_view f) { return is_source_file(f, source); };

  const std::string rerun = " (rerun: " + command_line(spec) + ")";
  if (const std::string oom = sanitizer_out_of_memory(log_text + err_text); !oom.empty()) {
    v.errors.push_back(tag + ": the sanitizer ran out of memory, so the run says nothing about the code: " + oom +
                       rerun);
    return {-1, 0};
  }
  int reports = 0;
  if (tsan) {
    const tsan::Log parsed = tsan::parse(log_text);
    const tsan::Log parsed_err = tsan::parse(err_text);
    for (const auto* fatal : {&parsed.fatal_errors, &parsed_err.fatal_errors})
      for (const auto& line : *fatal)
        v.errors.push_back("ThreadSanitizer failed to run the child" +
                           std::string(spec.no_aslr ? ", also with address randomisation off" : "") + ": " + line +
                           rerun);
    if (!parsed.fatal_errors.empty() || !parsed_err.fatal_errors.empty()) return {-1, 0};
    reports = static_cast<int>(parsed.warnings.size());
    for (auto& f : tsan::group(parsed, case_program(scenario))) tsan::merge(result.findings, std::move(f));
  } else {
    asan::Log parsed = asan::parse(log_text + err_text, case_file);
    reports = parsed.reports;
    for (auto& f : parsed.findings) tsan::merge(result.findings, std::move(f));
  }
  result.warnings += reports;
  if (reports > 0) ++result.runs_with_warnings;
  seen.reports = reports;

  if (outcome.interrupted) return seen;  // cut short: the scenario is judged interrupted
  // A forced schedule always finishes: one that did not says nothing about
  // the code, broken or fixed, and is never "clean".
  if (outcome.timed_out) {
    v.errors.push_back(tag + " did not finish: " + describe(outcome) + rerun);
    return seen;
  }
  const int tool_exit = tsan ? kTsanExitCode : kAsanExitCode;
  if (outcome.exited && outcome.exit_code != 0 && outcome.exit_code != tool_exit) {
    v.errors.push_back(tag + ": worker " + describe(outcome) + ": " + tail(err_text));
    return seen;
  }
  if (outcome.exited && outcome.exit_code == tool_exit && reports == 0) {
    v.errors.push_back(tag + ": the sanitizer's exit status without a report it could read in " + log.string() +
                       ": " + tail(err_text));
    return seen;
  }
  if (const auto worker = read_worker_result(job.result)) {
    if (worker->schedule_completed) ++result.schedule_completed_runs;
    // The forced runs' counters are the TSan runs'; an ASan run adds to
    // them only where any count is a failure (a fix).
    if (tsan || !v.broken)
      for (const auto& [name, count] : worker->symptoms) v.forced_symptoms[name] += count;
    if (auto it = worker->symptoms.find(scenario.symptom); it != worker->symptoms.end()) seen.symptom = it->second;
    if (tsan && v.interleaving.empty()) {
      v.interleaving = worker->events;
      v.thread_names = worker->threads;
    }
  } else if (reports == 0) {
    v.errors.push_back(tag + (outcome.exited ? ": the worker wrote no result"
                                             : ": the worker was " + describe(outcome) + " before it wrote a result "
                                               "or the sanitizer a report") + rerun);
  }
  return seen;
}

}  // namespace

std::string tail(const std::string& text, std::size_t lines) {
  if (text.empty()) return "(nothing on standard error)";
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

void run_forced(const Scenario& scenario, const DriverOptions& options, const fs::path& dir, VariantReport& v) {
  std::vector<ForcedJob> jobs;
  const int asan_runs = std::min(options.asan_runs, options.runs);
  for (int i = 1; i <= options.runs; ++i) jobs.push_back(forced_job(scenario, options, v, dir, i, Detector::kTsan));
  for (int i = 1; i <= asan_runs; ++i) jobs.push_back(forced_job(scenario, options, v, dir, i, Detector::kAsan));
  if (options.progress)
    options.progress(fmt::format("{}: {}: {} forced runs under ThreadSanitizer, {} under AddressSanitizer",
                                 scenario.name, v.name, options.runs, asan_runs));
  const auto start = std::chrono::steady_clock::now();
  run_all(jobs, options.jobs);
  v.timings.forced = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double symbolised_before = options.symboliser != nullptr ? options.symboliser->seconds() : 0;
  // Per run, what both detectors showed together.
  v.forced_runs.assign(static_cast<std::size_t>(options.runs), ForcedRun{});
  for (auto& job : jobs) {
    const ForcedRun o = absorb(scenario, v, job, options.symboliser);
    ForcedRun& run = v.forced_runs[static_cast<std::size_t>(job.run - 1)];
    run.reports += std::max(o.reports, 0);
    run.symptom = std::max(run.symptom, o.symptom);
  }
  if (options.symboliser != nullptr) v.timings.symbolise = options.symboliser->seconds() - symbolised_before;
}

}  // namespace lockedges
