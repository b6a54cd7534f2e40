// lockedges — `lockedges run`, all but its command line: the chosen
// scenarios run in turn (driver.hpp), the report folder's files written
// (reports/writer.hpp), JUnit XML when asked for, the exit status decided.
// cmd/run.cpp parses into a RunRequest and prints the reports.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "driving/driver.hpp"
#include "reports/report.hpp"

namespace lockedges {

struct RunRequest {
  std::string scenario;  // a scenario's name, or "all"
  DriverOptions driver;  // with its binaries; driver.progress also gets what `info` gets
  std::string junit;     // also write JUnit XML to this file, when set
  // A line each: what ran and what was written (info), what went wrong (error).
  std::function<void(const std::string&)> info;
  std::function<void(const std::string&)> error;
};

struct RunResult {
  bool ran = false;  // false: a build is missing or the report folder cannot be made (said through `error`)
  std::vector<ScenarioReport> reports;
  int exit_status = 1;  // 0 when every scenario is reproduced-and-fixed and every file asked for was written
};

RunResult run_command(const RunRequest& request);

}  // namespace lockedges
