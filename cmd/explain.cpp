// `lockedges explain <scenario>` — the lesson in the terminal
// (lib/terminal/explain.hpp), with a forced run recorded just now.
#include <unistd.h>

#include <fmt/format.h>

#include "case_api/scenario.hpp"
#include "child/binaries.hpp"
#include "commands.hpp"
#include "driving/recorded_run.hpp"
#include "sources/lesson.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"
#include "terminal/explain.hpp"

namespace lockedges::cli {

namespace {

constexpr double kRecordTimeoutSeconds = 10;

// A forced run of the first broken variant, in the plain build; or why
// there is none.
ExplainRun record(const Scenario& s) {
  ExplainRun run;
  run.error = "the scenario has no broken variant";
  const Variant* broken = first_broken(s);
  if (broken == nullptr) return run;
  run.variant = broken->name;
  if (auto recorded = record_forced_run(sibling_binaries().plain, s, *broken, kRecordTimeoutSeconds, run.error)) {
    run.events = std::move(recorded->events);
    run.thread_names = std::move(recorded->thread_names);
  }
  return run;
}

}  // namespace

void setup_explain(CLI::App& app, Context& context) {
  auto scenario = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "explain",
      "The lesson: the pitfall, the bad interleaving (drawn from a real forced run), the broken and fixed "
      "lines, the guideline, the Go original");
  cmd->add_option("scenario", *scenario, "Scenario name (see `lockedges list`)")->required();
  cmd->callback([scenario, &context] {
    context.start_logging();
    check_scenario(*scenario, /*allow_all=*/false);
    const Scenario& s = *Registry::instance().find(*scenario);
    const Palette palette(use_color(context.no_color, STDOUT_FILENO));
    fmt::print("{}", render_explain(s, lesson_of(s), record(s), palette, diagram_width(STDOUT_FILENO)));
  });
}

}  // namespace lockedges::cli
