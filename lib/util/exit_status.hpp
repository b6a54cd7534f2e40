// lockedges — the exit statuses of every lockedges command, in one place:
// cmd/ returns them, lib/ decides them, README.md and each --help list them.
#pragma once

namespace lockedges {

inline constexpr int kExitOk = 0;
// A scenario did not do what it should: not reproduced, or a fix not clean.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;  // a bad command line
// The suite could not do its work: an output path it cannot write, a
// sibling build missing, a sanitizer that did not start, a full disk, a
// child that crashed or hung where it must not (a run judged `error`).
inline constexpr int kExitEnvironment = 3;
// Ended by a signal (Ctrl-C, SIGTERM, SIGHUP): 128 + its number, as a shell
// reports a command the signal killed: 130 for SIGINT, 143 for SIGTERM.
inline constexpr int kExitInterruptedBase = 128;
constexpr int interrupted_exit_status(int signal) { return kExitInterruptedBase + signal; }

// The exit-status lines of the --help footers and README.md.
inline constexpr const char* kExitStatusHelp =
    "Exit status: 0 every expectation met; 1 an expectation failed; 2 a usage\n"
    "error; 3 the tool or its environment failed (an output path it cannot\n"
    "write, a missing sibling build, a sanitizer that did not start, a full\n"
    "disk); 130 or 143 interrupted by Ctrl-C or SIGTERM (what completed is\n"
    "written, marked so).";

}  // namespace lockedges
