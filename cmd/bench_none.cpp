// `bench` in the sanitizer builds: they do not link Google Benchmark, and
// numbers measured under a sanitizer would say nothing about the code.
#include <spdlog/spdlog.h>

#include "commands.hpp"

namespace lockedges::cli {

void setup_bench(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("bench", "Benchmarks: run them with the plain build, lockedges");
  cmd->allow_extras();
  cmd->fallthrough(false);
  cmd->callback([&context] {
    context.start_logging();
    spdlog::error("bench runs in the plain build only: run lockedges bench");
    context.exit_code = kExitEnvironment;
  });
}

}  // namespace lockedges::cli
