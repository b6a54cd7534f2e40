// `lockedges profile --seconds N [scenario ...]` — CPU profiles of the
// stress workloads, broken and fixed, sharing N seconds.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "child/binaries.hpp"
#include "child/interrupt.hpp"
#include "commands.hpp"
#include "driving/driver.hpp"
#include "driving/profiling.hpp"
#include "reports/profile_report.hpp"
#include "reports/writer.hpp"
#include "terminal/progress.hpp"
#include "util/files.hpp"

namespace lockedges::cli {

namespace {

struct ProfileOptions {
  std::vector<std::string> scenarios;
  SessionOptions session;  // --seconds, --hz and --out bind to its fields: their defaults are its own
};

int profile(const ProfileOptions& o, const Context& context) {
  SessionOptions options = o.session;
  options.binaries = sibling_binaries();
  if (!std::filesystem::exists(options.binaries.plain)) {
    spdlog::error("cannot find {}: build it first (make build)", options.binaries.plain);
    return kExitEnvironment;
  }
  std::string why;
  const FolderClaim claim = FolderClaim::claim(options.out_dir, why);  // held to the end, as run's
  if (!claim.held()) {
    spdlog::error("profile folder: {}", why);
    return kExitEnvironment;
  }
  ProgressBar bar(!context.quiet && ::isatty(STDERR_FILENO));
  options.progress = [&](const std::string& item, auto from, auto to) {
    bar.item(item);
    bar.start(from, to);
  };
  catch_interrupts();  // Ctrl-C: the child in flight writes what it has, and the rest is skipped
  const ProfileSession session = profile_session(chosen_scenarios(o.scenarios), options);
  bar.stop();

  for (const auto& item : session.items)
    if (profile_failed(item.profile))
      spdlog::warn("{}/{}: {}", item.scenario->name, item.variant->name, item.profile.error);
  std::cout << render_profile_text(session);
  if (const auto failed = write_outputs(options.out_dir, profile_outputs(session)); !failed.empty()) {
    spdlog::error("cannot write {}: {}", failed.front().path.string(), failed.front().error.message());
    return kExitEnvironment;
  }
  return session.interrupted ? interrupted_exit_status(interrupt_signal()) : kExitOk;
}

}  // namespace

void setup_profile(CLI::App& app, Context& context) {
  auto o = std::make_shared<ProfileOptions>();
  auto* cmd = app.add_subcommand("profile", "CPU profiles (gperftools) of broken and fixed stress workloads, the "
                                             "harness's own frames folded into one `harness` row");
  cmd->add_option("scenarios", o->scenarios, "Scenarios to profile (default: all)");
  cmd->add_option("--seconds", o->session.seconds, "Total time, shared between every variant profiled")
      ->check(finite_range(0.5, 3600.0))
      ->capture_default_str();
  cmd->add_option("--hz", o->session.hz, "Sampling rate (CPUPROFILE_FREQUENCY)")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--out", o->session.out_dir, "Folder for the profiles, flame graphs, profile.json and index.html (the page to open)")->capture_default_str();
  cmd->footer(std::string("Ctrl-C ends it early and keeps what was collected, marked interrupted.\n") + kExitStatusHelp);
  cmd->callback([o, &context] {
    context.start_logging();
    for (const auto& s : o->scenarios) check_scenario(s, /*allow_all=*/false);
    context.exit_code = profile(*o, context);
  });
}

}  // namespace lockedges::cli
