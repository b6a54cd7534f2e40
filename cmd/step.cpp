// `lockedges run <scenario> --step` — the broken variant's forced schedule,
// one event at a time, for a projector. The options join `run`'s; the work
// is lib/driving/step.cpp's.
#include <unistd.h>

#include <atomic>
#include <csignal>

#include "case_api/scenario.hpp"
#include "child/binaries.hpp"
#include "commands.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"
#include "util/text.hpp"

namespace lockedges::cli {

namespace {

std::atomic<bool> g_step_interrupted{false};
extern "C" void on_step_interrupt(int) { g_step_interrupted.store(true); }

}  // namespace

void add_step_options(CLI::App& run, bool& step, StepOptions& options) {
  auto* flag = run.add_flag("--step", step,
                            "Step through the broken variant's forced schedule under ThreadSanitizer, one event "
                            "at a time (Enter: next; end of input: run through; Ctrl-C: stop, exit 1), then show "
                            "TSan's verdict");
  run.add_option("--step-delay", options.delay_ms, "With --step: advance by itself after this many milliseconds")
      ->check(CLI::Range(0, 600000))
      ->needs(flag);
  run.add_option("--variant", options.variant, "With --step: the variant to step (default: the first broken one)")
      ->needs(flag);
}

int run_step(const std::string& scenario_name, StepOptions options, const std::filesystem::path& out_dir,
             const Context& context) {
  if (scenario_name == "all") throw UsageError("--step takes one scenario, not `all`");
  const Scenario& scenario = *Registry::instance().find(scenario_name);
  if (!options.variant.empty() && scenario.find_variant(options.variant) == nullptr) {
    std::vector<std::string> valid;
    for (const auto& v : scenario.variants) valid.push_back(v.name);
    throw UsageError("scenario '" + scenario_name + "' has no variant '" + options.variant + "'. Valid: " +
                     joined(valid) + ".");
  }
  options.out_dir = out_dir;
  options.color = use_color(context.no_color, STDOUT_FILENO);
  options.width = diagram_width(STDOUT_FILENO);
  options.binaries = sibling_binaries();
  options.interrupted = &g_step_interrupted;
  g_step_interrupted.store(false);
  // Ctrl-C ends the child and exits 1; a write to a child already gone must
  // not kill this process.
  auto* previous_int = std::signal(SIGINT, on_step_interrupt);
  auto* previous_pipe = std::signal(SIGPIPE, SIG_IGN);
  const int status = step_through(scenario, options);
  std::signal(SIGINT, previous_int);
  std::signal(SIGPIPE, previous_pipe);
  return status;
}

}  // namespace lockedges::cli
