#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "case_api/scenario.hpp"
#include "commands.hpp"
#include "terminal/color.hpp"
#include "util/text.hpp"

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges::cli {

void Context::start_logging() const {
  auto logger = spdlog::get("lockedges");
  // The level's colour only where the rest is coloured: on a terminal,
  // without --no-color or NO_COLOR.
  if (!logger)
    logger = spdlog::stderr_color_mt("lockedges", use_color(no_color, STDERR_FILENO) ? spdlog::color_mode::automatic
                                                                                     : spdlog::color_mode::never);
  logger->set_pattern("%^%l%$: %v");
  logger->set_level(quiet ? spdlog::level::warn : verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // `lockedges <scenario>` is `lockedges run <scenario>`.
  if (!args.empty() && Registry::instance().find(args.front()) != nullptr)
    args.insert(args.begin(), "run");

  CLI::App app{"lockedges - reproduce and diagnose reader-writer lock pitfalls around hash maps.\n"
               "Each scenario runs its broken code through the bad interleaving under\n"
               "ThreadSanitizer, counts the symptoms without a sanitizer, then does the same\n"
               "for the fix and compares.",
               "lockedges"};
  app.set_version_flag("--version", "lockedges " LOCKEDGES_VERSION);
  Context context;
  app.add_flag("-v,--verbose", context.verbose, "Say more: every child process and its command line");
  app.add_flag("-q,--quiet", context.quiet, "Say only warnings and errors on standard error");
  app.add_flag("--no-color", context.no_color,
               "No colour (also when NO_COLOR is set, or standard output is not a terminal)");
  app.require_subcommand(1);
  app.fallthrough();
  app.footer("Scenarios: " + joined(Registry::instance().names()) +
             "\n`lockedges <scenario>` is short for `lockedges run <scenario>`.\n" + kExitStatusHelp);

  setup_list(app, context);
  setup_run(app, context);
  setup_explain(app, context);
  setup_profile(app, context);
  setup_bench(app, context);
  setup_diagnose(app, context);
  setup_worker(app, context);

  // A first word that is neither a command nor a scenario: say what is valid.
  if (const std::string unknown = unknown_command(args); !unknown.empty()) {
    std::cerr << "lockedges: error: " << unknown << "\n";
    return kExitUsage;
  }

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "lockedges: error: " << e.what() << usage_hint(app, args)
              << ". Run 'lockedges --help' for usage.\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "lockedges: error: " << e.what() << "\n";
    return kExitUsage;
  }
  return context.exit_code;
}

}  // namespace lockedges::cli
