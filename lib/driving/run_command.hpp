// lockedges — `lockedges run`, all but its command line: every output path
// checked and the report folder claimed (util/files.hpp) before any child,
// the chosen scenarios run in turn (driver.hpp) until done or interrupted
// (child/interrupt.hpp), the report folder's files written
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
  // A line each: what ran and what was written (info), what did not work
  // but changes no verdict (warning: a profile that could not be taken or
  // named), what went wrong (error).
  std::function<void(const std::string&)> info;
  std::function<void(const std::string&)> warning;
  std::function<void(const std::string&)> error;
};

struct RunResult {
  // false: nothing ran, since a build is missing or an output path cannot
  // be written (said through `error`, before any child started).
  bool ran = false;
  std::vector<ScenarioReport> reports;  // interrupted: those that ran, the last marked so
  // util/exit_status.hpp: kExitOk when every scenario is reproduced-and-fixed
  // and every file asked for was written; kExitFailed, kExitEnvironment, or
  // interrupted_exit_status.
  int exit_status = 1;
};

RunResult run_command(const RunRequest& request);

}  // namespace lockedges
