// The commands only the plain build runs, as the sanitizer builds see them:
// `bench` (they do not link Google Benchmark, and numbers measured under a
// sanitizer would say nothing about the code) and `diagnose` (it reads
// users' logs; nothing in it needs a sanitizer).
#include <spdlog/spdlog.h>

#include <string>

#include "commands.hpp"

namespace lockedges::cli {

namespace {

void refuse(CLI::App& app, Context& context, const std::string& name, const std::string& what) {
  auto* cmd = app.add_subcommand(name, what + ": run it with the plain build, lockedges");
  cmd->allow_extras();
  cmd->fallthrough(false);
  cmd->callback([&context, name] {
    context.start_logging();
    spdlog::error("{0} runs in the plain build only: run lockedges {0}", name);
    context.exit_code = kExitEnvironment;
  });
}

}  // namespace

void setup_bench(CLI::App& app, Context& context) { refuse(app, context, "bench", "Benchmarks"); }

void setup_diagnose(CLI::App& app, Context& context) { refuse(app, context, "diagnose", "Diagnose sanitizer logs"); }

}  // namespace lockedges::cli
