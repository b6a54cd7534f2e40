// `lockedges bench [scenario ...]` — Google Benchmark: what each fix costs
// or saves, and a case's stores against concurrent-map libraries.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "benchmarks/bench_runner.hpp"
#include "commands.hpp"
#include "util/suggest.hpp"
#include "util/text.hpp"

namespace lockedges::cli {

namespace {

void check_group(const std::string& name) {
  const auto names = BenchGroups::instance().names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string message = "unknown benchmark group '" + name + "'";
  if (auto guess = closest(name, names)) message += "; did you mean '" + *guess + "'?";
  throw UsageError(message + " Valid: " + joined(names) + ".");
}

// Everything CLI11 did not know: only Google Benchmark's own options pass,
// and not the output ones, which --out decides.
std::vector<std::string> benchmark_args(const std::vector<std::string>& extras) {
  for (const auto& a : extras) {
    if (a.rfind("--benchmark_out", 0) == 0)
      throw UsageError("'" + a + "': bench writes Google Benchmark's JSON to DIR/bench.json; choose DIR with --out");
    if (a.rfind("--benchmark_", 0) != 0)
      throw UsageError("unknown option '" + a + "' for bench (it passes only --benchmark_* options on, written "
                       "--benchmark_name=value)");
  }
  return extras;
}

int bench(const BenchOptions& options) {
  const BenchOutcome outcome = run_bench(options);
  if (outcome.exit_code == kExitUsage) throw UsageError(outcome.error);
  // Standard output is Google Benchmark's, in the --benchmark_format asked
  // for; the tables go to standard error (and to bench.md and bench.html).
  if (!options.quiet) std::cerr << outcome.text << std::flush;
  if (outcome.exit_code != kExitOk) {
    spdlog::error("{}", outcome.error);
    return outcome.exit_code;
  }
  if (!outcome.text.empty())
    spdlog::info("tables: {} and {}; Google Benchmark's JSON: {}", outcome.html.string(), outcome.markdown.string(),
                 outcome.json.string());
  return kExitOk;
}

}  // namespace

void setup_bench(CLI::App& app, Context& context) {
  auto o = std::make_shared<BenchOptions>();  // the options bind to its fields: their defaults are its own
  auto* cmd = app.add_subcommand(
      "bench", "Benchmark each fix against its broken variant, stores against concurrent-map libraries, and detection speed");
  cmd->add_option("scenarios", o->scenarios, "Scenarios to benchmark (default: all)");
  cmd->add_option("--out", o->out_dir, "Folder for bench.json (Google Benchmark's JSON), bench.md and bench.html (the tables)")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Thread counts, comma-separated (default: 1, 2 and this machine's core count)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  std::string groups;
  for (const auto& g : BenchGroups::instance().all()) groups += "\n  " + g.name + ": " + g.summary;
  cmd->add_option("--groups", o->groups, "Benchmark groups to run, comma-separated (default: all):" + groups)
      ->delimiter(',');
  // Google Benchmark's own options (--benchmark_filter=REGEX,
  // --benchmark_min_time=SECONDS, --benchmark_repetitions=N, ...) are
  // collected as extras and passed on.
  // Unknown options stay with bench instead of falling through to the main
  // app, so the global flags are repeated here.
  cmd->allow_extras();
  cmd->fallthrough(false);
  cmd->add_flag("-v,--verbose", context.verbose, "Say more on standard error");
  cmd->add_flag("-q,--quiet", context.quiet, "Say only warnings and errors on standard error");
  cmd->footer(
      "Google Benchmark's options pass through, written --benchmark_name=value: --benchmark_filter=REGEX,\n"
      "--benchmark_min_time=SECONDS, --benchmark_repetitions=N, --benchmark_list_tests=true, ...\n"
      "Benchmarks are named GROUP/TABLE/ROW, e.g. fixes/coarse-lock/broken or stores/coarse-lock.read-mostly/fixed.\n"
      "Tables: throughput (operations per second, real time, all threads together) and its ratio to the\n"
      "table's broken row at the same thread count, from the same run.\n"
      "Ctrl-C ends it at once; children of the detection group die with it.\n" +
      std::string(kExitStatusHelp));
  cmd->callback([o, cmd, &context] {
    context.start_logging();
    for (const auto& s : o->scenarios) check_scenario(s, /*allow_all=*/true);
    for (const auto& g : o->groups) check_group(g);
    o->benchmark_args = benchmark_args(cmd->remaining());
    o->quiet = context.quiet;
    context.exit_code = bench(*o);
  });
}

}  // namespace lockedges::cli
