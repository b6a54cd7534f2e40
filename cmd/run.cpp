// `lockedges run <scenario>|all` — reproduce, detect, fix, compare.
#include <spdlog/spdlog.h>

#include <iostream>

#include "child/binaries.hpp"
#include "child/interrupt.hpp"
#include "commands.hpp"
#include "driving/run_command.hpp"
#include "reports/writer.hpp"

namespace lockedges::cli {

namespace {

struct RunOptions {
  RunRequest request;  // the scenario, --junit and --runs ... --out bind to its fields: their defaults are its own
  std::string format = "text";
  std::string tsan_binary;  // hidden: another ThreadSanitizer build to run
  bool step = false;        // --step, with --step-delay and --variant (cmd/step.cpp)
  StepOptions stepping;
};

int run(const RunOptions& o) {
  RunRequest request = o.request;
  request.driver.binaries = sibling_binaries();
  if (!o.tsan_binary.empty()) request.driver.binaries.tsan = o.tsan_binary;
  request.info = request.driver.progress = [](const std::string& line) { spdlog::info("{}", line); };
  request.warning = [](const std::string& line) { spdlog::warn("{}", line); };
  request.error = [](const std::string& line) { spdlog::error("{}", line); };
  catch_interrupts();  // Ctrl-C: children ended, what completed written (child/interrupt.hpp)
  const RunResult result = run_command(request);
  if (result.ran) std::cout << run_stdout(result.reports, o.format);
  return result.exit_status;
}

}  // namespace

void setup_run(CLI::App& app, Context& context) {
  auto o = std::make_shared<RunOptions>();
  DriverOptions& d = o->request.driver;
  auto* cmd = app.add_subcommand(
      "run", "Reproduce a scenario under ThreadSanitizer, show its symptom, run the fix, compare");
  cmd->add_option("scenario", o->request.scenario, "Scenario name, or `all`")->required();
  cmd->add_option("--format", o->format, "Output on standard output: text, json (nothing else on stdout) or md")
      ->check(CLI::IsMember({"text", "json", "md"}))
      ->capture_default_str();
  cmd->add_option("--out", d.out_dir, "Report folder: index.html (the page to open), report.md, report.json and every child's logs")
      ->check(sanitizer_log_folder())
      ->capture_default_str();
  cmd->add_option("--junit", o->request.junit,
                  "Also write JUnit XML to this file: a test suite per scenario, a test case per expectation")
      ->type_name("FILE");
  cmd->add_option("--runs", d.runs, "Forced-schedule runs per variant, each its own TSan child")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--asan-runs", d.asan_runs,
                  "Of the forced runs, how many also run in the AddressSanitizer + UBSan build")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cmd->add_option("--jobs", d.jobs, "Forced-schedule children run at a time")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--stress-seconds", d.stress_seconds, "How long each stress child runs")
      ->check(finite_range(0.01, 3600.0))
      ->capture_default_str();
  cmd->add_option("--stress-repetitions", d.stress_repetitions,
                  "Runs the stress child makes back to back in --stress-seconds: throughput is their median, "
                  "with the slowest and fastest beside it")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--profile-seconds", d.profile_seconds,
                  "CPU profile of each variant's stress workload, in seconds (0: none). Up to --stress-seconds, "
                  "the stress child itself is profiled (for its whole run); longer, a profiled child of its own runs. The "
                  "tables fold the harness's own frames into one `harness` row")
      ->check(finite_range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--hz", d.profile_hz, "CPU profile sampling rate (CPUPROFILE_FREQUENCY)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--timeout", d.timeout_seconds, "Watchdog limit per child process, in seconds (a stress child counts as hung 2 s past --stress-seconds)")
      ->check(finite_range(0.1, 86400.0))
      ->capture_default_str();
  cmd->add_option("--tsan-binary", o->tsan_binary, "ThreadSanitizer build to run instead of the sibling")
      ->group("");
  add_step_options(*cmd, o->step, o->stepping);
  cmd->footer(std::string("Checks --out (one command at a time) and --junit before any child. Ctrl-C or\n"
                          "SIGTERM ends the children and writes what completed, marked interrupted.\n") +
              kExitStatusHelp);
  cmd->callback([o, &context] {
    context.start_logging();
    const DriverOptions& driver = o->request.driver;
    check_scenario(o->request.scenario, /*allow_all=*/true);
    if (o->step) {
      refuse_outputs_with_step(o->format, o->request.junit);
      context.exit_code = run_step(o->request.scenario, o->stepping, driver.out_dir, context);
      return;
    }
    if (driver.timeout_seconds <= driver.stress_seconds)
      throw UsageError("--timeout (" + std::to_string(driver.timeout_seconds) +
                       ") must be longer than --stress-seconds (" + std::to_string(driver.stress_seconds) + ")");
    context.exit_code = run(*o);
  });
}

}  // namespace lockedges::cli
