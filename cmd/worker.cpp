// `lockedges worker` — hidden: the child process the driver starts to run one
// variant once; and `lockedges-tsan symbolise`, the child that symbolises
// the forced runs' reports. Users never call them; they are listed nowhere.
#include "child/interrupt.hpp"
#include "commands.hpp"
#include "worker/symbolise.hpp"
#include "worker/worker.hpp"

#include <iostream>

namespace lockedges::cli {

void setup_worker(CLI::App& app, Context& context) {
  auto request = std::make_shared<WorkerRequest>();
  auto* cmd = app.add_subcommand("worker", "Run one variant once (used by the driver)");
  cmd->group("");  // hidden from --help
  add_worker_options(*cmd, *request);  // lib/child/protocol.hpp spells the flags
  cmd->callback([request, &context] {
    end_with_parent();  // a worker never outlives the command that started it
    context.exit_code = run_worker(*request);
  });
  // The symbolising child of the forced runs (lib/child/symboliser.hpp):
  // hidden too, and in the sanitizer builds only.
  auto* symbolise = app.add_subcommand("symbolise", "Symbolise forced children's frames (used by the driver)");
  symbolise->group("");
  symbolise->callback([&context] {
    context.start_logging();
    end_with_parent();
    context.exit_code = run_symbolise_service(std::cin, std::cout);
  });
}

}  // namespace lockedges::cli
