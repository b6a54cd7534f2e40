#include "driving/run_command.hpp"

#include <fmt/format.h>

#include "reports/junit.hpp"
#include "reports/writer.hpp"
#include "verdict/verdict.hpp"

namespace lockedges {

namespace {

// Why the runs cannot start: a build missing beside this one, or a report
// folder that cannot be made (it is made here); empty when they can.
std::string unprepared(const DriverOptions& d) {
  for (const auto* bin : {&d.binaries.plain, &d.binaries.tsan, &d.binaries.asan})
    if (!std::filesystem::exists(*bin))
      return fmt::format("cannot find {}: build it next to this binary (make build)", *bin);
  std::error_code ec;
  std::filesystem::create_directories(d.out_dir, ec);
  if (ec) return fmt::format("cannot create the report folder {}: {}", d.out_dir.string(), ec.message());
  return "";
}

}  // namespace

RunResult run_command(const RunRequest& request) {
  const DriverOptions& d = request.driver;
  RunResult result;
  if (const std::string why = unprepared(d); !why.empty()) {
    request.error(why);
    return result;
  }
  result.ran = true;
  for (const Scenario* s : chosen_scenarios({request.scenario})) {
    result.reports.push_back(run_scenario(*s, d));
    request.info(fmt::format("{}: {} in {:.1f} s", s->name, result.reports.back().verdict,
                             result.reports.back().wall_seconds));
  }
  if (!write_outputs(d.out_dir, run_outputs(result.reports)).empty())
    request.error(fmt::format("cannot write the reports under {}", d.out_dir.string()));
  else
    request.info(fmt::format("reports: {}, {} and {}", (d.out_dir / kRunPage).string(),
                             (d.out_dir / kRunMarkdown).string(), (d.out_dir / kRunJson).string()));
  result.exit_status = exit_status(result.reports);
  if (request.junit.empty()) return result;
  if (const auto failed = write_outputs({}, {{request.junit, render_junit(result.reports)}}); failed.empty()) {
    request.info(fmt::format("JUnit XML: {}", request.junit));
  } else {
    request.error(fmt::format("cannot write the JUnit XML file {}: {}", request.junit, failed.front().error.message()));
    result.exit_status = 1;
  }
  return result;
}

}  // namespace lockedges
