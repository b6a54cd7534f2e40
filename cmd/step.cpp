// `lockedges run <scenario> --step` — the broken variant's forced schedule,
// one event at a time, for a projector. The options join `run`'s; the work
// is lib/driving/step.cpp's.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>

#include "case_api/scenario.hpp"
#include "child/binaries.hpp"
#include "child/interrupt.hpp"
#include "commands.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"
#include "util/text.hpp"

namespace lockedges::cli {

void add_step_options(CLI::App& run, bool& step, StepOptions& options) {
  auto* flag = run.add_flag("--step", step,
                            "Step through the broken variant's forced schedule under ThreadSanitizer, one event "
                            "at a time (Enter: next; end of input: run through; Ctrl-C: stop, exit 130), then show "
                            "TSan's verdict. Exit 0 when it showed what the variant should (its race on the tagged "
                            "lines, or its symptom; a fix clean), 1 when not, 3 on a tool failure");
  run.add_option("--step-delay", options.delay_ms, "With --step: advance by itself after this many milliseconds")
      ->check(CLI::Range(0, 600000))
      ->needs(flag);
  run.add_option("--variant", options.variant, "With --step: the variant to step (default: the first broken one)")
      ->needs(flag);
}

void refuse_outputs_with_step(const std::string& format, const std::string& junit) {
  std::vector<std::string> refused;
  if (format != "text") refused.push_back("--format " + format);
  if (!junit.empty()) refused.push_back("--junit");
  if (!refused.empty())
    throw UsageError("--step draws the schedule on the terminal and writes no " + joined(refused, " or ") +
                     ": run without --step for those");
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
  for (const auto* binary : {&options.binaries.plain, &options.binaries.tsan})
    if (!std::filesystem::exists(*binary)) {
      spdlog::error("cannot find {}: build it next to this binary (make build)", *binary);
      return kExitEnvironment;
    }
  options.interrupted = &interrupted();
  // Ctrl-C ends the child and the command; a write to a child already gone
  // must not kill this process.
  catch_interrupts();
  auto* previous_pipe = std::signal(SIGPIPE, SIG_IGN);
  const int status = step_through(scenario, options);
  std::signal(SIGPIPE, previous_pipe);
  return interrupt_signal() != 0 ? interrupted_exit_status(interrupt_signal()) : status;
}

}  // namespace lockedges::cli
