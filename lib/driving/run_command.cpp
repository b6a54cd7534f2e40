#include "driving/run_command.hpp"

#include <fmt/format.h>

#include "child/interrupt.hpp"
#include "reports/junit.hpp"
#include "reports/writer.hpp"
#include "util/exit_status.hpp"
#include "util/files.hpp"
#include "verdict/verdict.hpp"

namespace lockedges {

namespace {

// Why the runs cannot start, checked before any child: a build missing
// beside this one, a report folder that cannot be made, written or held
// (the claim is taken here), a JUnit file that cannot be written; empty
// when they can.
std::string unprepared(const RunRequest& request, FolderClaim& claim) {
  const DriverOptions& d = request.driver;
  for (const auto* bin : {&d.binaries.plain, &d.binaries.tsan, &d.binaries.asan})
    if (!std::filesystem::exists(*bin))
      return fmt::format("cannot find {}: build it next to this binary (make build)", *bin);
  if (const std::string junit = request.junit.empty() ? "" : unwritable_file(request.junit); !junit.empty())
    return fmt::format("cannot write the JUnit XML file {}: {}", request.junit, junit);
  std::string why;  // last: the claim makes the folder
  claim = FolderClaim::claim(d.out_dir, why);
  return claim.held() ? "" : "report folder: " + why;
}

// The previous run's report pages go before this one starts: interrupted or
// failed, a run never leaves an old report beside its own logs.
void remove_old_reports(const std::filesystem::path& folder) {
  std::error_code ignored;
  for (const char* name : {kRunPage, kRunMarkdown, kRunJson}) std::filesystem::remove(folder / name, ignored);
}

}  // namespace

RunResult run_command(const RunRequest& request) {
  DriverOptions d = request.driver;
  // One child symbolises every forced run's report (child/symboliser.hpp).
  Symboliser symboliser(d.binaries.tsan, (d.out_dir / "symbolise.err").string());
  d.symboliser = &symboliser;
  RunResult result;
  result.exit_status = kExitEnvironment;
  FolderClaim claim;  // held to the end: a second command into this folder is refused
  if (const std::string why = unprepared(request, claim); !why.empty()) {
    request.error(why);
    return result;
  }
  result.ran = true;
  remove_old_reports(d.out_dir);
  symboliser.warm_up();  // beside the first variant's children
  const auto scenarios = chosen_scenarios({request.scenario});
  bool cut_short = false;  // the last scenario ran into the interruption
  // A scenario's report is complete once the next has started
  // (ScenarioRun::finish): its last profile is symbolised beside that.
  std::unique_ptr<ScenarioRun> previous;
  auto complete = [&](std::unique_ptr<ScenarioRun> run) {
    run->finish();
    for (const auto& v : run->report.variants)
      if (profile_failed(v.profile) && request.warning)
        request.warning(fmt::format("{}: {}: CPU profile: {}", run->report.scenario, v.name, v.profile.error));
    result.reports.push_back(std::move(run->report));
  };
  for (const Scenario* s : scenarios) {
    if (interrupted().load()) break;
    auto run = start_scenario(*s, d, previous.get());
    if (previous) complete(std::move(previous));
    if ((cut_short = interrupted().load())) judge_interrupted(run->report, interrupt_name());
    request.info(fmt::format("{}: {} in {:.1f} s", s->name, run->report.verdict, run->report.wall_seconds));
    previous = std::move(run);
  }
  if (previous) complete(std::move(previous));
  result.exit_status = exit_status(result.reports);
  if (interrupted().load()) {
    result.exit_status = interrupted_exit_status(interrupt_signal());
    request.error(fmt::format("interrupted by {}: {} of {} scenarios ran; the reports hold them{}", interrupt_name(),
                              result.reports.size(), scenarios.size(), cut_short ? ", the last marked interrupted" : ""));
  }
  if (const auto failed = write_outputs(d.out_dir, run_outputs(result.reports)); !failed.empty()) {
    request.error(fmt::format("cannot write the report {}: {}", failed.front().path.string(),
                              failed.front().error.message()));
    result.exit_status = kExitEnvironment;
  } else {
    request.info(fmt::format("reports: {}, {} and {}", (d.out_dir / kRunPage).string(),
                             (d.out_dir / kRunMarkdown).string(), (d.out_dir / kRunJson).string()));
  }
  if (request.junit.empty()) return result;
  if (const auto failed = write_outputs({}, {{request.junit, render_junit(result.reports)}}); failed.empty()) {
    request.info(fmt::format("JUnit XML: {}", request.junit));
  } else {
    request.error(fmt::format("cannot write the JUnit XML file {}: {}", request.junit, failed.front().error.message()));
    result.exit_status = kExitEnvironment;
  }
  return result;
}

}  // namespace lockedges
