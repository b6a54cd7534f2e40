// lockedges — Ctrl-C, SIGTERM and SIGHUP, and children that never outlive
// the command.
//
// A command that starts children calls catch_interrupts() first. The first
// of those signals is only noted (interrupt_signal()); run_child sees it
// within milliseconds, ends its child's process group (SIGTERM, then SIGKILL
// after a second's grace, so a worker may write what it has) and starts no
// new one. The command then writes what completed, marked interrupted, and
// exits with interrupted_exit_status(). A second such signal is not caught:
// it ends the command at once.
//
// Should the command die without that chance (SIGKILL, a crash), its
// children die with it: every child gets the command's pid in
// kParentPidVariable, and a worker asks the kernel to kill it when its
// parent goes (end_with_parent, PR_SET_PDEATHSIG).
#pragma once

#include <atomic>
#include <string>

namespace lockedges {

// Installs the handlers (again after a reset_interrupts()).
void catch_interrupts();

// The signal that interrupted the command, or 0.
int interrupt_signal();

// Set once a signal has interrupted the command: the flag run_child and the
// step and profile loops watch.
const std::atomic<bool>& interrupted();

// "SIGINT (Ctrl-C)", "SIGTERM", ... for the interrupting signal.
std::string interrupt_name();

// Forgets an interruption and restores the default actions (for tests).
void reset_interrupts();

// The variable that carries the parent's pid to each child.
inline constexpr const char* kParentPidVariable = "LOCKEDGES_PARENT_PID";

// In a child: dies with SIGKILL when its parent is gone, and ends at once
// when the process named in kParentPidVariable already is (it died before
// this ran).
// Does nothing when kParentPidVariable is not set (a worker run by hand).
void end_with_parent();

}  // namespace lockedges
