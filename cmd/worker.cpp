// `lockedges worker` — hidden: the child process the driver starts to run one
// variant once. Users never call it; it is listed nowhere.
#include "child/interrupt.hpp"
#include "commands.hpp"
#include "worker/worker.hpp"

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
}

}  // namespace lockedges::cli
