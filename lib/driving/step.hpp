// lockedges — step-through mode (`lockedges run <scenario> --step`): a
// variant's forced schedule, one recorded event at a time, for a projector.
//
// The variant runs once in a child of the ThreadSanitizer build, stepped by
// a gate (lib/worker/step_gate.hpp) that sends each event to this process and
// waits. Each event is drawn as a row of the column diagram
// (lib/terminal/diagram.hpp) with a step counter; the next one comes on
// Enter, or after a delay. At the end the child's TSan log is parsed like
// any other (lib/detection/tsan_log.hpp) and its findings are shown against the case's
// tags: the verdict is TSan's, never assumed.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>

#include "child/binaries.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {

struct StepOptions {
  std::string variant;            // "" = the scenario's first broken variant
  int delay_ms = -1;              // < 0: wait for Enter; otherwise advance after this long
  bool color = false;
  std::size_t width = 100;        // display columns of the diagram
  std::filesystem::path out_dir = "reports";  // the child's files go to <out>/<scenario>/step-<variant>/
  Binaries binaries;              // plain (a quick preview run) and tsan (the stepped run)
  double timeout_seconds = 10;    // watchdog of the preview run
  int input_fd = 0;               // where Enter comes from; end-of-file advances without waiting
  const std::atomic<bool>* interrupted = nullptr;  // set by Ctrl-C: end the child, return 1
  std::FILE* out = stdout;
};

// Runs the stepped child and prints as it goes. Returns 0 when the run
// showed what the variant should show (a broken variant's race reported on
// its tagged lines, or its symptom with every detector clean; a fix clean),
// 1 otherwise or when interrupted, kExitEnvironment (util/exit_status.hpp)
// on a tool failure.
int step_through(const Scenario& scenario, const StepOptions& options);

}  // namespace lockedges
