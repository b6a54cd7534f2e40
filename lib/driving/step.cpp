#include "driving/step.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "child/pipe.hpp"
#include "child/protocol.hpp"
#include "child/sanitizers.hpp"
#include "detection/tsan_log.hpp"
#include "driving/recorded_run.hpp"
#include "driving/case_program.hpp"
#include "reports/pieces.hpp"
#include "sources/source.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"
#include "verdict/verdict.hpp"
#include "util/exit_status.hpp"
#include "util/files.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

// The child's numbers for the two pipes (after stdin, stdout, stderr).
constexpr int kEventsFd = 3;
constexpr int kGoFd = 4;
constexpr double kSteppedTimeoutSeconds = 86400;  // a person sets the pace: Ctrl-C ends it
constexpr int kPollMs = 100;                    // how often a wait looks at the Ctrl-C flag

bool interrupted(const StepOptions& o) { return o.interrupted != nullptr && o.interrupted->load(); }

// Waits for the person (Enter) or the delay. End-of-file on the input stops
// the waiting for Enter for good, so `</dev/null` runs straight through.
class Pace {
 public:
  explicit Pace(const StepOptions& o) : o_(o), tty_(::isatty(o.input_fd) == 1 && ::isatty(::fileno(o.out)) == 1) {}

  void wait() {
    if (o_.delay_ms >= 0) {
      // The delay, cut short by Enter.
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.delay_ms);
      while (!interrupted(o_)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        const int ms = static_cast<int>(std::min<std::int64_t>(left.count(), kPollMs));
        if (ms <= 0) return;
        if (!input_open_)
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        else if (enter_within(ms))
          return;
      }
      return;
    }
    while (input_open_ && !interrupted(o_))
      if (enter_within(kPollMs)) return;
  }

 private:
  // True when a line (or end-of-file) arrived within `ms`.
  bool enter_within(int ms) {
    pollfd p{o_.input_fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char chunk[256];
    const ssize_t n = ::read(o_.input_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return false;
    if (n <= 0) {
      input_open_ = false;
      return true;
    }
    if (std::find(chunk, chunk + n, '\n') == chunk + n) return false;
    // The terminal echoed the Enter as a new line: take it back, so the diagram stays whole.
    if (tty_) std::fputs("\033[1A\033[2K", o_.out);
    return true;
  }

  const StepOptions& o_;
  bool tty_;
  bool input_open_ = true;
};

class Stepper {
 public:
  Stepper(const Scenario& scenario, const Variant& variant, const StepOptions& o)
      : scenario_(scenario), variant_(variant), o_(o), palette_(o.color),
        dir_(o.out_dir / scenario.name / ("step-" + variant.name)) {}

  int run() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_, ec);
    if (ec) return fail("cannot create " + dir_.string() + ": " + ec.message());
    preview();
    intro();
    Pipe events, go;
    if (!events.ok || !go.ok) return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
    ChildSpec spec = child_spec(events.fd[1], go.fd[0]);
    events.fd[1] = go.fd[0] = -1;  // run_child closes the child's ends once it has started
    std::atomic<bool> cancel{false};
    spec.cancel = &cancel;
    ChildOutcome outcome;
    std::thread child([&] { outcome = run_child(spec); });  // closes the child's ends once started
    const std::size_t shown = stream(events.fd[0], go.fd[1]);
    const bool stopped = interrupted(o_);
    if (stopped) cancel.store(true);
    go.close(1);  // a child still stepping now runs to its end unstepped
    events.close(0);
    child.join();
    if (stopped) {
      print("\nStopped at step {} (Ctrl-C): the child was ended.\n", shown);
      return 1;
    }
    if (!outcome.started) return fail(outcome.start_error);
    return verdict(outcome, spec, shown);
  }

 private:
  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(o_.out, format, std::forward<Args>(args)...);
    std::fflush(o_.out);
  }

  // A tool failure: said on standard error, away from the diagram.
  int fail(const std::string& why) {
    std::fflush(o_.out);
    fmt::print(stderr, "lockedges: step-through failed: {}\n", why);
    return kExitEnvironment;
  }

  // A quick unstepped run of the plain build: which threads take part, and
  // about how many events to expect, for the header and the step counter.
  void preview() {
    std::string error;
    if (auto recorded = record_forced_run(o_.binaries.plain, scenario_, variant_, o_.timeout_seconds, error)) {
      names_ = recorded->thread_names;
      expected_ = recorded->events;
    }
  }

  void intro() {
    print("{}  {}\n", palette_.paint(scenario_.name, palette_.heading()), scenario_.title);
    print("Stepping the {} variant's forced schedule under ThreadSanitizer, one event at a time.\n", variant_.name);
    print("{}\n\n", o_.delay_ms >= 0 ? fmt::format("Each step advances after {} ms (Enter: at once).", o_.delay_ms)
                                     : std::string("Enter: next step.  Ctrl-C: stop."));
    const std::size_t total = std::max<std::size_t>(expected_.size(), 1);
    const std::size_t counter_width = 2 * std::to_string(total).size() + 3;
    diagram_.emplace(expected_, names_, o_.width, counter_width, palette_);
    print("{}", diagram_->header());
  }

  ChildSpec child_spec(int events_fd, int go_fd) const {
    WorkerRequest request;
    request.scenario = scenario_.name;
    request.variant = variant_.name;
    request.mode = Mode::kForced;
    request.result_path = (dir_ / "result.json").string();
    request.step_events_fd = kEventsFd;
    request.step_go_fd = kGoFd;
    ChildSpec spec = worker_child(o_.binaries.tsan, request, dir_ / "worker");
    // The same options as the driver's forced runs, so the findings compare.
    spec.env = tsan_environment((dir_ / "tsan").string(), /*halt_on_error=*/false);
    spec.timeout_seconds = kSteppedTimeoutSeconds;
    spec.fds = {{kEventsFd, events_fd}, {kGoFd, go_fd}};
    return spec;
  }

  // Shows each event as it comes and lets it go; returns how many came.
  std::size_t stream(int events_fd, int go_fd) {
    LineReader lines(events_fd, o_.interrupted, kPollMs);
    Pace pace(o_);
    std::vector<Event> seen;
    while (auto line = lines.next()) {
      StepEvent step;
      if (!from_line(*line, step)) continue;
      const int thread = step.event.thread;
      if (thread >= 0 && thread < Run::kMaxThreads) {
        if (names_.size() <= static_cast<std::size_t>(thread)) names_.resize(thread + 1);
        names_[thread] = step.name;
      }
      seen.push_back(step.event);
      describe_schedule_events(seen, names_);
      const std::size_t n = seen.size();
      const std::string counter = fmt::format("[{}/{}]", n, std::max(n, expected_.size()));
      print("{}", diagram_->row(seen.back(), counter));
      pace.wait();
      if (interrupted(o_)) break;
      const char go = 'g';
      if (::write(go_fd, &go, 1) != 1) break;  // the child is gone: its end comes next
    }
    return seen.size();
  }

  int verdict(const ChildOutcome& outcome, const ChildSpec& spec, std::size_t shown) {
    // ThreadSanitizer names its log <log_path>.<pid>; keep it under a stable name.
    const fs::path raw = dir_ / ("tsan." + std::to_string(outcome.pid));
    const fs::path log = dir_ / "tsan.log";
    std::error_code ec;
    if (fs::exists(raw, ec)) fs::rename(raw, log, ec);
    const tsan::Log parsed = tsan::parse(read_file(log));
    const tsan::Log parsed_err = tsan::parse(read_file(spec.stderr_path));
    print("\n{} after {} steps ({})\n", palette_.paint("ThreadSanitizer's verdict", palette_.heading()), shown,
          log.string());
    for (const auto* fatal : {&parsed.fatal_errors, &parsed_err.fatal_errors})
      if (!fatal->empty()) return fail("ThreadSanitizer could not run the child: " + fatal->front());
    if (!(outcome.exited && (outcome.exit_code == 0 || outcome.exit_code == kTsanExitCode)))
      return fail("the worker " + describe(outcome) + "; see " + spec.stderr_path);
    const auto text = embedded_source(scenario_.source_path());
    const auto tags = text ? find_tags(*text) : std::vector<Tag>{};
    const auto findings = tsan::group(parsed, case_program(scenario_));
    if (findings.empty()) print("  no report: every access the run made was ordered\n");
    for (const auto& f : findings) show(f, tags, text);
    const VariantVerdict v = judge(parsed, findings);
    print("\n  {}\n", palette_.paint(v.line, v.ok ? palette_.good() : palette_.bad()));
    return v.ok ? 0 : 1;
  }

  // One finding, each location with its source line and its tag.
  void show(const tsan::Finding& f, const std::vector<Tag>& tags, const std::optional<std::string_view>& text) {
    print("  {}\n", palette_.paint(fmt::format("{} x{}", f.kind, f.count), palette_.bad()));
    for (const auto& line : wrap_text(f.diagnosis, o_.width - 4)) print("    {}\n", line);
    for (const auto& l : f.locations) {
      const auto tag = std::find_if(tags.begin(), tags.end(), [&](const Tag& t) { return t.line == l.line; });
      const bool tagged = tag != tags.end() && !l.file.empty();
      std::string who = l.thread;
      if (l.mutexes_known && (l.access == "read" || l.access == "write"))
        who += (who.empty() ? "" : ", ") + mutex_text(l.mutexes);
      print("    {:<6} {}:{}  {}\n", l.access, l.file.empty() ? "(no frame in the case)" : scenario_.source_path(),
            l.line, who);
      if (text && l.line > 0)
        for (const auto& code : source_lines(*text, l.line, l.line))
          print("           {:>4} | {}\n", l.line, palette_.paint(code_of(code), palette_.dim()));
      print("           {}\n", tagged ? palette_.paint(fmt::format("{}({}): {}", tag->kind, tag->id, tag->note),
                                                        palette_.heading())
                                      : palette_.paint("on no tagged line", palette_.bad()));
    }
  }

  // The stepped run as the verdict sees any forced run: one run under
  // ThreadSanitizer, its findings and the symptoms the worker counted.
  VariantVerdict judge(const tsan::Log& parsed, const std::vector<tsan::Finding>& findings) const {
    const auto result = read_worker_result(dir_ / "result.json");
    if (!result && !variant_.broken) return {false, "the worker wrote no result"};
    VariantReport v;
    v.name = variant_.name;
    v.broken = variant_.broken;
    v.evidence = !variant_.broken ? "" : variant_.evidence == Evidence::kDetector ? "detector" : "symptom";
    const int reports = static_cast<int>(parsed.warnings.size());
    v.tsan.runs = 1;
    v.tsan.warnings = reports;
    v.tsan.runs_with_warnings = reports > 0 ? 1 : 0;
    v.tsan.findings = findings;
    ForcedRun run{reports, 0};
    if (result) {
      v.tsan.schedule_completed_runs = result->schedule_completed ? 1 : 0;
      v.forced_symptoms = result->symptoms;
      if (const auto it = result->symptoms.find(scenario_.symptom); it != result->symptoms.end()) run.symptom = it->second;
    }
    v.forced_runs = {run};
    return judge_alone(v, scenario_.symptom, scenario_.source_path());
  }

  const Scenario& scenario_;
  const Variant& variant_;
  const StepOptions& o_;
  Palette palette_;
  fs::path dir_;
  std::vector<std::string> names_;
  std::vector<Event> expected_;
  std::optional<ColumnDiagram> diagram_;
};

}  // namespace

int step_through(const Scenario& scenario, const StepOptions& options) {
  const Variant* variant = options.variant.empty() ? first_broken(scenario) : scenario.find_variant(options.variant);
  if (variant == nullptr) {
    fmt::print(options.out, "lockedges: scenario '{}' has no variant '{}'\n", scenario.name, options.variant);
    return 2;
  }
  return Stepper(scenario, *variant, options).run();
}

}  // namespace lockedges
