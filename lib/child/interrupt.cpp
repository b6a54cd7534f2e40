#include "child/interrupt.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

namespace lockedges {

namespace {

// Written by the signal handler: lock-free atomics only.
std::atomic<int> g_signal{0};
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

constexpr int kCaught[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_interrupt(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);
  g_interrupted.store(true);
}

}  // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the second Ctrl-C gets the default action and ends the
  // command at once; its children follow (end_with_parent).
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  for (int s : kCaught) sigaction(s, &action, nullptr);
}

int interrupt_signal() { return g_signal.load(); }

const std::atomic<bool>& interrupted() { return g_interrupted; }

std::string interrupt_name() {
  const int s = interrupt_signal();
  if (s == 0) return "";
  const char* abbrev = sigabbrev_np(s);
  const std::string name = abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(s);
  return s == SIGINT ? name + " (Ctrl-C)" : name;
}

void reset_interrupts() {
  for (int s : kCaught) signal(s, SIG_DFL);
  g_signal.store(0);
  g_interrupted.store(false);
}

void end_with_parent() {
  const char* parent = std::getenv(kParentPidVariable);
  if (parent == nullptr || *parent == '\0' || std::string_view(parent).find_first_not_of("0123456789") != std::string_view::npos)
    return;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have gone between starting this process and the prctl:
  // then this process has been handed to another and would never be told.
  // A parent that is not the one named may also be a shell that reran a
  // worker by hand: only when the one named is gone, or dead and not yet
  // reaped (a zombie), has it died.
  if (std::to_string(getppid()) == parent) return;
  std::ifstream stat(std::string("/proc/") + parent + "/stat");
  std::string line;
  const bool gone = !std::getline(stat, line);
  const std::size_t close = line.rfind(')');
  const bool zombie = close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
  if (gone || zombie) _exit(128 + SIGKILL);
}

}  // namespace lockedges
