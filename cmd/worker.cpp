// `lockedges worker` — hidden: the child process the driver starts to run one
// variant once. Users never call it; it is listed nowhere.
#include "commands.hpp"
#include "worker.hpp"

namespace lockedges::cli {

namespace {
struct WorkerOptions {
  WorkerRequest request;
  std::string mode = "forced";
};
}  // namespace

void setup_worker(CLI::App& app, Context& context) {
  auto options = std::make_shared<WorkerOptions>();
  auto* cmd = app.add_subcommand("worker", "Run one variant once (used by the driver)");
  cmd->group("");  // hidden from --help
  cmd->add_option("scenario", options->request.scenario)->required();
  cmd->add_option("variant", options->request.variant)->required();
  cmd->add_option("--mode", options->mode)->check(CLI::IsMember({"forced", "stress"}));
  cmd->add_option("--seconds", options->request.limits.stress_seconds)->check(CLI::PositiveNumber);
  cmd->add_option("--iterations", options->request.limits.stress_iterations);
  cmd->add_option("--await-timeout", options->request.limits.await_timeout_seconds)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--result", options->request.result_path)->required();
  cmd->add_option("--profile", options->request.profile_path);
  cmd->add_flag("--mark-start", options->request.mark_start);
  cmd->add_option("--step-events-fd", options->request.step_events_fd);
  cmd->add_option("--step-go-fd", options->request.step_go_fd);
  cmd->callback([options, &context] {
    options->request.mode = options->mode == "stress" ? Mode::kStress : Mode::kForced;
    context.exit_code = run_worker(options->request);
  });
}

}  // namespace lockedges::cli
