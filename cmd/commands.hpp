// lockedges — the subcommands. Each lives in its own file: an options
// struct, a setup function that adds the subcommand to the CLI::App, and a
// callback that calls into lib/. Nothing here does the work.
#pragma once

#include <stdexcept>

#include <CLI/CLI.hpp>

#include "child/protocol.hpp"
#include "driving/step.hpp"
#include "main.hpp"
#include "util/exit_status.hpp"

namespace lockedges::cli {

using lockedges::kExitEnvironment;  // the exit statuses: util/exit_status.hpp
using lockedges::kExitFailed;
using lockedges::kExitOk;
using lockedges::kExitUsage;

// What every subcommand shares: the global flags, and the exit status its
// callback sets for main to return.
struct Context {
  bool verbose = false;
  bool quiet = false;
  bool no_color = false;  // --no-color (NO_COLOR is read where colour is decided)
  int exit_code = kExitOk;
  // Sends spdlog to standard error at the level the flags ask for; a
  // callback calls it first.
  void start_logging() const;
};

void setup_list(CLI::App& app, Context& context);
void setup_run(CLI::App& app, Context& context);
void setup_explain(CLI::App& app, Context& context);
void setup_profile(CLI::App& app, Context& context);
void setup_bench(CLI::App& app, Context& context);  // bench.cpp (plain build), plain_only.cpp (sanitizers)
void setup_worker(CLI::App& app, Context& context);
void setup_diagnose(CLI::App& app, Context& context);  // diagnose.cpp (plain build), plain_only.cpp

// `run --step` (cmd/step.cpp): its options on `run` (--step, and
// --step-delay and --variant bound to StepOptions' fields), and the run
// itself, its files under `out_dir` (run's --out).
void add_step_options(CLI::App& run, bool& step, StepOptions& options);
int run_step(const std::string& scenario, StepOptions options, const std::filesystem::path& out_dir,
             const Context& context);
// Throws UsageError when `run --step` is asked for files it never writes.
void refuse_outputs_with_step(const std::string& format, const std::string& junit);

// Thrown by a callback for a usage error it finds itself (an unknown
// scenario): main prints it as one line and exits kExitUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Usage errors (cmd/usage.cpp). check_scenario throws UsageError, with a
// did-you-mean and the valid names (and "all" when allowed), for a name that
// is no scenario. unknown_command says why a first word that is neither a
// command nor a scenario is wrong, or "". usage_hint is " (did you mean
// --x?)" for a mistyped option in `args`, or "".
void check_scenario(const std::string& name, bool allow_all);
std::string unknown_command(const std::vector<std::string>& args);
std::string usage_hint(const CLI::App& app, const std::vector<std::string>& args);
using lockedges::finite_range;  // child/protocol.hpp: the worker's flags use it too
// A folder the sanitizers can be told to log in: any name but one holding
// both kinds of quote (see sanitizer_option_value).
CLI::Validator sanitizer_log_folder();

}  // namespace lockedges::cli
