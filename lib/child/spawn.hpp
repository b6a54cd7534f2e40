// lockedges — running a child process under a watchdog.
//
// Every variant runs in a child. The child's standard output and error go to
// files (kept with the report: nothing is lost when a child dies), and a
// watchdog kills a child that outlives its timeout. A child killed by a
// signal is an outcome to report, not an error of the harness.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lockedges {

struct ChildSpec {
  std::string program;
  std::vector<std::string> args;  // without argv[0]
  std::vector<std::pair<std::string, std::string>> env;  // set (or replace) in the child
  std::string stdout_path;        // "" = /dev/null
  std::string stderr_path;        // "" = /dev/null
  double timeout_seconds = 10;
  // When set and true, the child is asked to stop (SIGTERM), then killed
  // after a short grace; the outcome says `cancelled`.
  const std::atomic<bool>* cancel = nullptr;
  // Start it with address-space randomisation off (personality
  // ADDR_NO_RANDOMIZE, as `setarch -R` does): the one retry of a
  // ThreadSanitizer child whose runtime did not like the layout it got.
  bool no_aslr = false;
  // The child's address-space limit (RLIMIT_AS) in bytes, 0 for none: set
  // on plain children, so a runaway variant fails its own allocation instead
  // of taking the machine's memory. Not for sanitizer builds, which reserve
  // terabytes of shadow address space at start.
  std::uint64_t address_space_limit = 0;
  // A short tool the command needs to finish its files (addr2line, nm):
  // it still starts, and runs on, after an interruption.
  bool finish_when_interrupted = false;
  // Open file descriptors handed to the child: {child's number, parent's fd}
  // (a pipe end, say). run_child closes the parent's copies once the child
  // has started (or failed to), so the parent sees end-of-file when the
  // child is gone. Open every other pipe end with O_CLOEXEC, or the child
  // inherits it too.
  std::vector<std::pair<int, int>> fds;
};

struct ChildOutcome {
  bool started = false;
  std::string start_error;  // why it did not start
  int pid = 0;
  bool exited = false;      // returned from main or called exit
  int exit_code = 0;
  int signal = 0;           // the signal that ended it, when it did not exit
  bool timed_out = false;   // the watchdog ended it
  bool cancelled = false;   // ChildSpec::cancel asked it to stop
  bool interrupted = false; // the command was interrupted (child/interrupt.hpp): ended, or never started
  double wall_seconds = 0;
};

ChildOutcome run_child(const ChildSpec& spec);

// "exit 0", "killed by SIGSEGV (Segmentation fault)", "timed out after 10 s", ...
std::string describe(const ChildOutcome& outcome);

// `s` as one word for a POSIX shell: as it is when that is safe, else in
// single quotes.
std::string shell_quote(const std::string& s);

// The shell-quoted command line, with the environment the spec sets, for
// logs and for rerunning by hand.
std::string command_line(const ChildSpec& spec);

}  // namespace lockedges
