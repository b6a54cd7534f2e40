#include "driver.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <deque>
#include <set>
#include <thread>
#include <sstream>

#include <fmt/format.h>

#include "asan_log.hpp"
#include "child.hpp"
#include "cpu_profile.hpp"
#include "profile.hpp"
#include "source.hpp"
#include "tsan_log.hpp"
#include "worker.hpp"

namespace lockedges {

namespace fs = std::filesystem;

// Reads a profile and fills its top functions and flame graph (defined below).
void symbolise(ProfileResult& p, const std::string& binary, const std::string& title);

namespace {

constexpr int kAsanExitCode = 67;  // as kTsanExitCode, for AddressSanitizer (ASAN_OPTIONS exitcode)
constexpr double kStressGraceSeconds = 2.0;
constexpr double kChildStartSeconds = 0.03;      // starting a plain child and its profiler
constexpr double kShortestProfileSeconds = 0.05;  // below this a profile says little: skip
constexpr std::size_t kSymboliseJobs = 2;         // profiles symbolised at a time

// gperftools' settings for a profiled child. Per-thread timers: every worker
// thread is sampled for its own CPU time.
std::vector<std::pair<std::string, std::string>> profiler_env(int hz) {
  return {{"CPUPROFILE_FREQUENCY", std::to_string(hz)}, {"CPUPROFILE_PER_THREAD_TIMERS", "1"}};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<nlohmann::json> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string seconds_arg(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// The last lines of a child's standard error, to quote in an error.
std::string tail(const std::string& text, std::size_t lines = 5) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

// Same kind and same locations: the same bug, whichever run found it.
void merge_findings(std::vector<tsan::Finding>& into, std::vector<tsan::Finding> more) {
  for (auto& f : more) tsan::merge(into, std::move(f));
}

std::vector<LockStats> locks_from(const nlohmann::json& result) {
  std::vector<LockStats> locks;
  for (const auto& l : result.value("locks", nlohmann::json::array())) {
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
    locks.push_back(std::move(s));
  }
  return locks;
}

class ScenarioRunner {
 public:
  ScenarioRunner(const Scenario& scenario, const DriverOptions& options)
      : scenario_(scenario), options_(options) {}

  ScenarioReport run() {
    const auto start = std::chrono::steady_clock::now();
    ScenarioReport report;
    report.scenario = scenario_.name;
    report.title = scenario_.title;
    report.seed = scenario_.seed;
    report.source = scenario_.source_path();
    report.symptom = scenario_.symptom;
    report.lesson = scenario_.lesson;
    report.runs = options_.runs;
    report.report_dir = (options_.out_dir / scenario_.name).string();
    // A stress child's profile is symbolised (addr2line, nm: about 0.2 s)
    // beside the next variant's children, not before them.
    report.variants.reserve(scenario_.variants.size());  // the threads keep pointers into it
    std::vector<std::jthread> symbolising;
    for (const auto& variant : scenario_.variants) {
      bool pending = false;
      report.variants.push_back(run_variant(variant, pending));
      if (pending)
        symbolising.emplace_back([this, profile = &report.variants.back().profile,
                                  title = scenario_.name + " / " + variant.name] {
          symbolise(*profile, options_.binaries.plain, title);
        });
    }
    symbolising.clear();  // joins
    judge(report);
    report.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  }

 private:
  void say(const std::string& what) const {
    if (options_.progress) options_.progress(scenario_.name + ": " + what);
  }

  bool is_case_file(std::string_view file) const {
    const std::string path = scenario_.source_path();
    return file.size() >= path.size() && file.substr(file.size() - path.size()) == path &&
           (file.size() == path.size() || file[file.size() - path.size() - 1] == '/');
  }

  // `pending` is set when the variant's profile still has to be symbolised.
  VariantReport run_variant(const Variant& variant, bool& pending) {
    const auto start = std::chrono::steady_clock::now();
    VariantReport v;
    v.name = variant.name;
    v.broken = variant.broken;
    v.evidence = !variant.broken ? "" : variant.evidence == Evidence::kDetector ? "detector" : "symptom";
    v.summary = variant.summary;
    const fs::path dir = options_.out_dir / scenario_.name / variant.name;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) {
      v.errors.push_back("cannot create " + dir.string() + ": " + ec.message());
      return v;
    }
    // Every forced run of both sanitizer builds, `jobs` children at a time
    // (each is short and mostly waits on its schedule), then read in order.
    std::vector<ForcedJob> jobs;
    for (int i = 1; i <= options_.runs; ++i) jobs.push_back(forced_job(v, dir, i, Detector::kTsan));
    for (int i = 1; i <= std::min(options_.asan_runs, options_.runs); ++i)
      jobs.push_back(forced_job(v, dir, i, Detector::kAsan));
    say(fmt::format("{}: {} forced runs under ThreadSanitizer, {} under AddressSanitizer", variant.name,
                    options_.runs, std::min(options_.asan_runs, options_.runs)));
    run_all(jobs);
    std::vector<Observation> seen(static_cast<std::size_t>(options_.runs) + 1);
    for (auto& job : jobs) {
      const Observation o = absorb(v, job);
      seen[job.run].reports += std::max(o.reports, 0);
      seen[job.run].symptom = std::max(seen[job.run].symptom, o.symptom);
    }
    for (int i = 1; i <= options_.runs; ++i) {
      // A broken variant reproduces in a run when a detector reported in it,
      // or, for a bug no detector sees, when its symptom showed while every
      // detector stayed quiet.
      const bool symptom = seen[i].symptom > 0;
      if (symptom) ++v.runs_with_symptom;
      if (variant.evidence == Evidence::kDetector ? seen[i].reports > 0 : symptom && seen[i].reports == 0)
        ++v.reproduced_runs;
    }
    // A profile no longer than the stress run is taken of the stress child
    // itself (the profiler's overhead is about 2%, the same for every
    // variant): no extra process, and the profile shows the run the table
    // reports. A longer one gets its own child.
    const bool profile_stress = options_.profile_seconds > 0 && options_.profile_seconds <= options_.stress_seconds;
    say(variant.name + ": stress for " + seconds_arg(options_.stress_seconds) + " s" +
        (profile_stress ? ", CPU-profiled" : ""));
    const bool stress_exited = stress_run(v, dir, profile_stress);
    if (profile_stress && v.stress.ran) {
      v.profile.ran = stress_exited && fs::exists(dir / "cpu.prof");
      v.profile.file = (dir / "cpu.prof").string();
      v.profile.seconds = v.stress.seconds;
      if (!v.profile.ran) v.profile.error = "the profiled stress child " + v.stress.outcome;
      pending = v.profile.ran;
    } else if (options_.profile_seconds > 0) {
      say(variant.name + ": CPU profile for " + seconds_arg(options_.profile_seconds) + " s");
      v.profile = profile_variant(scenario_, variant, options_, dir);
    }
    v.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return v;
  }

  enum class Detector { kTsan, kAsan };

  // One forced-schedule child: what to run, and how it ended.
  struct ForcedJob {
    int run = 0;
    Detector detector = Detector::kTsan;
    std::string tag;  // "tsan-3": names its files
    fs::path dir;
    fs::path log_base;
    ChildSpec spec;
    ChildOutcome outcome;
  };

  // What one forced run showed: reports (-1 when the tool failed) and the
  // scenario's symptom counter.
  struct Observation {
    int reports = 0;
    std::int64_t symptom = 0;
  };

  ForcedJob forced_job(const VariantReport& v, const fs::path& dir, int i, Detector detector) const {
    const bool tsan = detector == Detector::kTsan;
    ForcedJob job;
    job.run = i;
    job.detector = detector;
    job.tag = std::string(tsan ? "tsan-" : "asan-") + std::to_string(i);
    job.dir = dir;
    job.log_base = dir / job.tag;
    ChildSpec& spec = job.spec;
    spec.program = tsan ? options_.binaries.tsan : options_.binaries.asan;
    spec.args = {"worker", scenario_.name, v.name, "--mode", "forced", "--result",
                 (dir / (job.tag + ".json")).string()};
    if (tsan)
      spec.env = {{"TSAN_OPTIONS", tsan_options(job.log_base.string(), /*halt_on_error=*/false)}};
    else
      spec.env = {{"ASAN_OPTIONS", "log_path=" + job.log_base.string() + " exitcode=" +
                                       std::to_string(kAsanExitCode) +
                                       " detect_stack_use_after_return=1 detect_leaks=1"},
                  {"UBSAN_OPTIONS", "log_path=" + job.log_base.string() + " print_stacktrace=1"}};
    spec.stdout_path = (dir / (job.tag + ".out")).string();
    spec.stderr_path = (dir / (job.tag + ".err")).string();
    spec.timeout_seconds = options_.timeout_seconds;
    return job;
  }

  void run_all(std::vector<ForcedJob>& jobs) const {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) jobs[i].outcome = run_child(jobs[i].spec);
    };
    std::vector<std::thread> pool;
    for (int k = 1; k < std::max(1, options_.jobs); ++k) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }

  Observation absorb(VariantReport& v, ForcedJob& job) {
    const bool tsan = job.detector == Detector::kTsan;
    const ChildSpec& spec = job.spec;
    const ChildOutcome& outcome = job.outcome;
    const std::string& tag = job.tag;
    const fs::path& dir = job.dir;
    const fs::path& log_base = job.log_base;
    DetectorResult& result = tsan ? v.tsan : v.asan;
    Observation seen;
    ++result.runs;
    result.outcomes.push_back(describe(outcome));
    if (!outcome.started) {
      v.errors.push_back(outcome.start_error);
      return {-1, 0};
    }

    // The sanitizers name their log <log_path>.<pid>; keep it under a stable name.
    const fs::path raw_log = log_base.string() + "." + std::to_string(outcome.pid);
    const fs::path log = log_base.string() + ".log";
    std::string log_text;
    std::error_code ec;
    if (fs::exists(raw_log, ec)) {
      fs::rename(raw_log, log, ec);
      log_text = read_file(log);
    } else {
      std::ofstream(log).flush();  // the sanitizer had nothing to say: keep an empty log, same layout
    }
    result.logs.push_back(log.string());
    const std::string err_text = read_file(spec.stderr_path);
    const auto case_file = [this](std::string_view f) { return is_case_file(f); };

    int reports = 0;
    if (tsan) {
      const tsan::Log parsed = tsan::parse(log_text);
      const tsan::Log parsed_err = tsan::parse(err_text);
      for (const auto* fatal : {&parsed.fatal_errors, &parsed_err.fatal_errors})
        for (const auto& line : *fatal)
          v.errors.push_back("ThreadSanitizer failed to run the child: " + line +
                             " (rerun: " + command_line(spec) + ")");
      if (!parsed.fatal_errors.empty() || !parsed_err.fatal_errors.empty()) return {-1, 0};
      reports = static_cast<int>(parsed.warnings.size());
      merge_findings(result.findings, tsan::group(parsed, case_file));
    } else {
      const asan::Log parsed = asan::parse(log_text + err_text, case_file);
      reports = parsed.reports;
      merge_findings(result.findings, parsed.findings);
    }
    result.warnings += reports;
    if (reports > 0) ++result.runs_with_warnings;
    seen.reports = reports;

    if (outcome.timed_out) {
      if (!v.broken) v.errors.push_back(tag + " " + describe(outcome));
      return seen;
    }
    const int tool_exit = tsan ? kTsanExitCode : kAsanExitCode;
    if (outcome.exited && outcome.exit_code != 0 && outcome.exit_code != tool_exit) {
      v.errors.push_back(tag + ": worker " + describe(outcome) + ": " + tail(err_text));
      return seen;
    }
    if (outcome.exited && outcome.exit_code == tool_exit && reports == 0) {
      v.errors.push_back(tag + ": the sanitizer's exit status without a report it could read in " +
                         log.string() + ": " + tail(err_text));
      return seen;
    }
    if (const auto json = read_json(dir / (tag + ".json"))) {
      if (json->value("schedule_completed", false)) ++result.schedule_completed_runs;
      const auto symptoms = json->value("symptoms", std::map<std::string, std::int64_t>{});
      // The forced runs' counters are the TSan runs'; an ASan run adds to
      // them only where any count is a failure (a fix).
      if (tsan || !v.broken)
        for (const auto& [name, count] : symptoms) v.forced_symptoms[name] += count;
      if (auto it = symptoms.find(scenario_.symptom); it != symptoms.end()) seen.symptom = it->second;
      if (tsan && v.interleaving.empty()) {
        v.interleaving = events_from_result(*json);
        v.thread_names = json->value("threads", std::vector<std::string>{});
      }
    } else if (outcome.exited && reports == 0) {
      v.errors.push_back(tag + ": the worker wrote no result");
    }
    return seen;
  }

  // Returns whether the child exited with status 0.
  bool stress_run(VariantReport& v, const fs::path& dir, bool profiled) {
    ChildSpec spec;
    spec.program = options_.binaries.plain;
    spec.args = {"worker", scenario_.name, v.name, "--mode", "stress",
                 "--seconds", seconds_arg(options_.stress_seconds),
                 "--result", (dir / "stress.json").string()};
    if (profiled) {
      spec.args.insert(spec.args.end(), {"--profile", (dir / "cpu.prof").string()});
      spec.env = profiler_env(options_.profile_hz);
    }
    spec.stdout_path = (dir / "stress.out").string();
    spec.stderr_path = (dir / "stress.err").string();
    // A stress child stops by itself at --stress-seconds; still running well
    // after that, it is hung (a broken variant's corrupted links can loop).
    spec.timeout_seconds = std::min(options_.timeout_seconds, options_.stress_seconds + kStressGraceSeconds);
    const ChildOutcome outcome = run_child(spec);
    StressResult& s = v.stress;
    s.outcome = describe(outcome);
    if (!outcome.started) {
      v.errors.push_back(outcome.start_error);
      return false;
    }
    s.ran = true;
    s.signal = outcome.signal;
    s.timed_out = outcome.timed_out;
    s.seconds = outcome.wall_seconds;
    if (outcome.exited && outcome.exit_code != 0) {
      v.errors.push_back("stress: worker " + describe(outcome) + ": " +
                         tail(read_file(spec.stderr_path)));
      return false;
    }
    if (const auto result = read_json(dir / "stress.json")) {
      s.seconds = result->value("elapsed_seconds", outcome.wall_seconds);
      s.ops = result->value("ops", std::uint64_t{0});
      s.ops_per_second = s.seconds > 0 ? static_cast<double>(s.ops) / s.seconds : 0;
      s.symptoms = result->value("symptoms", std::map<std::string, std::int64_t>{});
      s.locks = locks_from(*result);
      s.deadlock = result->value("deadlock", "");
    }
    return outcome.exited && outcome.exit_code == 0;
  }

  void check_ground_truth(ScenarioReport& report) const {
    GroundTruth& gt = report.ground_truth;
    const auto text = embedded_source(scenario_.source_path());
    if (!text) {
      gt.note = "the case source " + scenario_.source_path() + " is not embedded in this binary";
      return;
    }
    gt.tags = find_tags(*text);
    std::set<std::string> hit;
    std::vector<std::string> problems;
    for (const auto& v : report.variants) {
      if (!v.broken) continue;
      const std::size_t found = v.tsan.findings.size() + v.asan.findings.size();
      if (v.evidence == "symptom") {
        // Its bug is one no detector sees (or it is correct but slow): any
        // finding means the case is not what it claims.
        if (found > 0) problems.push_back(v.name + " should be invisible to the detectors, yet has findings");
        continue;
      }
      if (found == 0) problems.push_back(v.name + " got no finding from any detector");
      for (const auto* list : {&v.tsan.findings, &v.asan.findings})
        for (const auto& f : *list)
          for (const auto& l : f.locations) {
            const auto tag = std::find_if(gt.tags.begin(), gt.tags.end(), [&](const Tag& t) {
              return t.line == l.line && is_case_file(l.file);
            });
            if (tag == gt.tags.end())
              gt.off_tag.push_back((l.file.empty() ? std::string("(no frame in the case)")
                                                   : scenario_.source_path()) +
                                   ":" + std::to_string(l.line) + " (" + v.name + ", " + f.kind + ")");
            else
              hit.insert(tag->id);
          }
    }
    gt.tags_hit.assign(hit.begin(), hit.end());
    std::set<std::string> all;
    for (const auto& t : gt.tags) all.insert(t.id);
    if (!gt.off_tag.empty()) problems.push_back("findings outside the tagged lines: " + gt.off_tag.front());
    if (hit != all) problems.push_back("some tags were never reached by a finding");
    gt.matched = problems.empty();
    if (!problems.empty()) gt.note = problems.front();
  }

  static void profile_diff(ScenarioReport& report) {
    const VariantReport* broken = nullptr;
    const VariantReport* fixed = nullptr;
    for (const auto& v : report.variants) {
      if (v.broken && !broken && v.profile.samples > 0) broken = &v;
      if (!v.broken && !fixed && v.profile.samples > 0) fixed = &v;
    }
    if (broken == nullptr || fixed == nullptr) return;
    profile::Text before, after;
    before.functions = broken->profile.top;
    after.functions = fixed->profile.top;
    report.profile_diff = profile::diff(before, after, 8);
  }

  void judge(ScenarioReport& report) const {
    std::vector<std::string> errors, not_reproduced, fix_failed;
    std::vector<std::string> shown;  // per broken variant, how it showed
    bool first_broken = true;
    for (const auto& v : report.variants) {
      for (const auto& e : v.errors) errors.push_back(v.name + ": " + e);
      if (v.broken) {
        // A crash or hang of the broken variant is a finding, never an error.
        report.reproduced_runs =
            first_broken ? v.reproduced_runs : std::min(report.reproduced_runs, v.reproduced_runs);
        first_broken = false;
        (reproduced_every_run(v) ? shown : not_reproduced).push_back(reproduction(v, scenario_.symptom));
      } else {
        const auto problems = fix_problems(v);
        fix_failed.insert(fix_failed.end(), problems.begin(), problems.end());
      }
    }
    check_ground_truth(report);
    profile_diff(report);
    if (!report.ground_truth.matched)
      not_reproduced.push_back("ground truth not matched: " + report.ground_truth.note);
    if (!errors.empty()) {
      report.verdict = kVerdictError;
      report.reasons = errors;
    } else if (!not_reproduced.empty()) {
      report.verdict = kVerdictNotReproduced;
      report.reasons = not_reproduced;
      report.reasons.insert(report.reasons.end(), fix_failed.begin(), fix_failed.end());
    } else if (!fix_failed.empty()) {
      report.verdict = kVerdictFixFailed;
      report.reasons = fix_failed;
    } else {
      report.verdict = kVerdictReproducedAndFixed;
      report.reasons = shown;
      report.reasons.push_back("every finding on a tagged line; every fix clean under every detector, "
                               "with no symptom");
    }
  }

  const Scenario& scenario_;
  const DriverOptions& options_;
};

}  // namespace

ProfileResult run_profiled(const Scenario& scenario, const Variant& variant, const Binaries& binaries,
                           double seconds, int hz, const fs::path& dir, const std::atomic<bool>* cancel) {
  ProfileResult p;
  p.file = (dir / "cpu.prof").string();
  ChildSpec spec;
  spec.program = binaries.plain;
  spec.args = {"worker", scenario.name, variant.name, "--mode", "stress", "--seconds", seconds_arg(seconds),
               "--profile", p.file, "--result", (dir / "profile.json").string()};
  spec.env = profiler_env(hz);
  spec.stdout_path = (dir / "profile.out").string();
  spec.stderr_path = (dir / "profile.err").string();
  spec.timeout_seconds = seconds + kStressGraceSeconds;
  spec.cancel = cancel;
  const ChildOutcome outcome = run_child(spec);
  p.seconds = outcome.wall_seconds;
  if (!outcome.started || !outcome.exited || outcome.exit_code != 0) {
    p.error = "the profiled child " + describe(outcome);
    return p;
  }
  p.ran = true;
  return p;
}

void symbolise(ProfileResult& p, const std::string& binary, const std::string& title) {
  if (!p.ran) return;
  const fs::path dir = fs::path(p.file).parent_path();
  std::string error;
  const auto raw = profile::read_cpu_profile(read_file(p.file), error);
  if (!raw) {
    p.error = p.file + ": " + error;
    return;
  }
  const auto stacks = profile::symbolize(*raw, binary, error);
  if (!error.empty()) {
    p.error = "symbolising " + p.file + ": " + error;
    return;
  }
  // The collapsed stacks stay beside the profile, for flame graph tools.
  std::ofstream(dir / "cpu.collapsed") << profile::collapsed_text(stacks);
  const profile::Text text = profile::summarize(stacks);
  p.samples = text.total;
  p.top.assign(text.functions.begin(),
               text.functions.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(text.functions.size(), 12)));
  p.flame_graph = (dir / "flame.svg").string();
  std::ofstream(p.flame_graph) << profile::flame_graph_svg(stacks, title + ": " + std::to_string(text.total) +
                                                                       " samples");
  if (p.samples == 0) p.error = "no samples (the workload ran too briefly, or mostly blocked)";
}

ProfileResult profile_variant(const Scenario& scenario, const Variant& variant, const DriverOptions& options,
                              const fs::path& dir) {
  ProfileResult p = run_profiled(scenario, variant, options.binaries, options.profile_seconds, options.profile_hz,
                                 dir, nullptr);
  symbolise(p, options.binaries.plain, scenario.name + " / " + variant.name);
  return p;
}

ProfileSession profile_session(const std::vector<const Scenario*>& scenarios, const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  ProfileSession session;
  session.seconds = options.seconds;
  session.hz = options.hz;
  for (const Scenario* s : scenarios)
    for (const auto& v : s->variants) session.items.push_back({s, &v, {}});
  // Each child gets an equal share of what is left, less what an item costs
  // beyond its share (measured as we go) and the last symbolising. Profiles
  // are symbolised beside the next children, two at a time.
  std::atomic<double> symbolise_seconds{0.3};
  double overhead = kChildStartSeconds;
  std::deque<std::thread> symbolising;
  auto join_oldest = [&] {
    symbolising.front().join();
    symbolising.pop_front();
  };
  for (std::size_t i = 0; i < session.items.size(); ++i) {
    auto& item = session.items[i];
    if (options.cancel != nullptr && options.cancel->load()) {
      session.interrupted = true;
      break;
    }
    const auto item_start = Clock::now();
    const double left = std::chrono::duration<double>(deadline - item_start).count() - symbolise_seconds.load();
    if (left < overhead + kShortestProfileSeconds) {
      session.skipped.push_back(item.scenario->name + "/" + item.variant->name);
      continue;
    }
    const double share =
        std::max(kShortestProfileSeconds, left / static_cast<double>(session.items.size() - i) - overhead);
    const fs::path dir = options.out_dir / item.scenario->name / item.variant->name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (options.progress) options.progress(item.scenario->name + "/" + item.variant->name, start, deadline);
    item.profile = run_profiled(*item.scenario, *item.variant, options.binaries, share, options.hz, dir, options.cancel);
    if (symbolising.size() >= kSymboliseJobs) join_oldest();
    symbolising.emplace_back([&item, &options, &symbolise_seconds] {
      const auto began = Clock::now();
      symbolise(item.profile, options.binaries.plain, item.scenario->name + " / " + item.variant->name);
      symbolise_seconds.store(std::chrono::duration<double>(Clock::now() - began).count());
    });
    const double cost = std::chrono::duration<double>(Clock::now() - item_start).count();
    overhead = 0.5 * overhead + 0.5 * std::max(kChildStartSeconds, cost - share);
  }
  while (!symbolising.empty()) join_oldest();
  session.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return session;
}

std::string tsan_options(const std::string& log_base, bool halt_on_error) {
  // history_size=7: with less, the earlier access of a rehash race is
  // "[failed to restore the stack]" and lands on no line.
  return "log_path=" + log_base + " exitcode=" + std::to_string(kTsanExitCode) +
         " halt_on_error=" + (halt_on_error ? "1" : "0") + " second_deadlock_stack=1 history_size=7";
}

Binaries sibling_binaries() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path dir = ec ? fs::current_path() : self.parent_path();
  return {(dir / "lockedges").string(), (dir / "lockedges-tsan").string(), (dir / "lockedges-asan").string()};
}

ScenarioReport run_scenario(const Scenario& scenario, const DriverOptions& options) {
  return ScenarioRunner(scenario, options).run();
}

bool reproduced_every_run(const VariantReport& broken) { return broken.reproduced_runs >= broken.tsan.runs; }

std::string reproduction(const VariantReport& broken, const std::string& symptom) {
  return broken.evidence == "symptom"
             ? fmt::format("{}: {} showed in {} of {} forced runs with every detector clean", broken.name, symptom,
                           broken.reproduced_runs, broken.tsan.runs)
             : fmt::format("{}: a detector reported in {} of {} forced runs", broken.name, broken.reproduced_runs,
                           broken.tsan.runs);
}

std::vector<std::string> fix_problems(const VariantReport& v) {
  std::vector<std::string> problems;
  for (const auto* d : {&v.tsan, &v.asan})
    if (d->warnings > 0)
      problems.push_back(fmt::format("{}: {} {} reports", v.name, d->warnings,
                                     d == &v.tsan ? "ThreadSanitizer" : "AddressSanitizer/UBSan"));
  if (v.tsan.schedule_completed_runs < v.tsan.runs)
    problems.push_back(fmt::format("{}: a schedule point timed out ({} runs)", v.name,
                                   v.tsan.runs - v.tsan.schedule_completed_runs));
  for (const auto* symptoms : {&v.forced_symptoms, &v.stress.symptoms})
    for (const auto& [name, count] : *symptoms)
      if (count != 0)
        problems.push_back(fmt::format("{}: {} = {} ({})", v.name, name, count,
                                       symptoms == &v.stress.symptoms ? "stress" : "forced"));
  if (v.stress.signal != 0 || v.stress.timed_out || !v.stress.deadlock.empty())
    problems.push_back(v.name + ": stress child " +
                       (v.stress.deadlock.empty() ? v.stress.outcome : "deadlocked: " + v.stress.deadlock));
  return problems;
}

int exit_status(const std::vector<ScenarioReport>& reports) {
  for (const auto& r : reports)
    if (r.verdict != kVerdictReproducedAndFixed) return 1;
  return reports.empty() ? 1 : 0;
}

}  // namespace lockedges
