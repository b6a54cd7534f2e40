// `lockedges run <scenario>|all` — reproduce, detect, fix, compare.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "child/binaries.hpp"
#include "driving/driver.hpp"
#include "reports/junit.hpp"
#include "reports/report.hpp"
#include "reports/writer.hpp"
#include "case_api/scenario.hpp"
#include "verdict/verdict.hpp"

namespace lockedges::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::string format = "text";
  std::string out = "reports";
  std::string junit;  // a JUnit XML file for CI, when asked for
  int runs = 3;
  int asan_runs = 1;
  int jobs = 2;
  double stress_seconds = 0.5;
  double profile_seconds = 0.5;  // as long as the stress child: it is the one profiled
  int hz = 1000;
  double timeout = 10;
  std::string tsan_binary;  // hidden: another ThreadSanitizer build to run
  StepFlags step;           // --step, --step-delay, --variant (cmd/step.cpp)
};

int run(const RunOptions& o) {
  DriverOptions d;
  d.runs = o.runs;
  d.asan_runs = o.asan_runs;
  d.jobs = o.jobs;
  d.stress_seconds = o.stress_seconds;
  d.profile_seconds = o.profile_seconds;
  d.profile_hz = o.hz;
  d.timeout_seconds = o.timeout;
  d.out_dir = o.out;
  d.binaries = sibling_binaries();
  if (!o.tsan_binary.empty()) d.binaries.tsan = o.tsan_binary;
  d.progress = [](const std::string& line) { spdlog::info("{}", line); };
  for (const auto* bin : {&d.binaries.plain, &d.binaries.tsan, &d.binaries.asan})
    if (!std::filesystem::exists(*bin)) {
      spdlog::error("cannot find {}: build it next to this binary (make build)", *bin);
      return kExitFailed;
    }
  std::error_code ec;
  std::filesystem::create_directories(d.out_dir, ec);
  if (ec) {
    spdlog::error("cannot create the report folder {}: {}", d.out_dir.string(), ec.message());
    return kExitFailed;
  }

  std::vector<const Scenario*> chosen;
  for (const auto& s : Registry::instance().all())
    if (o.scenario == "all" || s.name == o.scenario) chosen.push_back(&s);
  std::vector<ScenarioReport> reports;
  for (const Scenario* s : chosen) {
    reports.push_back(run_scenario(*s, d));
    spdlog::info("{}: {} in {:.1f} s", s->name, reports.back().verdict, reports.back().wall_seconds);
  }

  if (!write_outputs(d.out_dir, run_outputs(reports)).empty())
    spdlog::error("cannot write the reports under {}", d.out_dir.string());
  else
    spdlog::info("reports: {}, {} and {}", (d.out_dir / kRunPage).string(), (d.out_dir / kRunMarkdown).string(),
                 (d.out_dir / kRunJson).string());

  int status = exit_status(reports);
  if (!o.junit.empty()) {
    if (const auto failed = write_outputs({}, {{o.junit, render_junit(reports)}}); failed.empty()) {
      spdlog::info("JUnit XML: {}", o.junit);
    } else {
      spdlog::error("cannot write the JUnit XML file {}: {}", o.junit, failed.front().error.message());
      status = kExitFailed;
    }
  }
  std::cout << run_stdout(reports, o.format);
  return status;
}

}  // namespace

void setup_run(CLI::App& app, Context& context) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Reproduce a scenario under ThreadSanitizer, show its symptom, run the fix, compare");
  cmd->add_option("scenario", o->scenario, "Scenario name, or `all`")->required();
  cmd->add_option("--format", o->format, "Output on standard output: text, json (nothing else on stdout) or md")
      ->check(CLI::IsMember({"text", "json", "md"}))
      ->capture_default_str();
  cmd->add_option("--out", o->out, "Report folder: index.html (the page to open), report.md, report.json and every child's logs")
      ->capture_default_str();
  cmd->add_option("--junit", o->junit,
                  "Also write JUnit XML to this file: a test suite per scenario, a test case per expectation")
      ->type_name("FILE");
  cmd->add_option("--runs", o->runs, "Forced-schedule runs per variant, each its own TSan child")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--asan-runs", o->asan_runs,
                  "Of the forced runs, how many also run in the AddressSanitizer + UBSan build")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "Forced-schedule children run at a time")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--stress-seconds", o->stress_seconds, "How long each stress child runs")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  cmd->add_option("--profile-seconds", o->profile_seconds,
                  "CPU profile of each variant's stress workload, in seconds (0: none). Up to --stress-seconds, "
                  "the stress child itself is profiled (for its whole run); longer, a profiled child of its own runs")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--hz", o->hz, "CPU profile sampling rate (CPUPROFILE_FREQUENCY)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--timeout", o->timeout, "Watchdog limit per child process, in seconds (a stress child counts as hung 2 s past --stress-seconds)")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  cmd->add_option("--tsan-binary", o->tsan_binary, "ThreadSanitizer build to run instead of the sibling")
      ->group("");
  add_step_options(*cmd, o->step);
  cmd->footer("Exit status: 0 when every scenario is reproduced-and-fixed, 1 otherwise, 2 for a usage error.\n"
              "With --step: 0 when the stepped run showed what the variant should (its race reported on the\n"
              "tagged lines, or its symptom; a fix clean), 1 otherwise or on Ctrl-C.");
  cmd->callback([o, &context] {
    context.start_logging();
    check_scenario(o->scenario, /*allow_all=*/true);
    if (o->step.step) {
      context.exit_code = run_step(o->scenario, o->out, o->step, context);
      return;
    }
    if (o->timeout <= o->stress_seconds)
      throw UsageError("--timeout (" + std::to_string(o->timeout) + ") must be longer than --stress-seconds (" +
                       std::to_string(o->stress_seconds) + ")");
    context.exit_code = run(*o);
  });
}

}  // namespace lockedges::cli
