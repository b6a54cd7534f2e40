#include "child/spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "child/interrupt.hpp"

extern char** environ;

namespace lockedges {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFlagPollMs = 10;  // how often a wait looks at Ctrl-C, the cancel flag and the deadline

// What a child inherits from this process's environment that would change
// what it does behind the harness's back: gperftools' and the sanitizers'
// settings (the harness sets its own, ChildSpec::env) and glibc's malloc
// tuning. A user's CPUPROFILE made every worker profile itself into one
// file; a user's UBSAN_OPTIONS could end an ASan run early.
bool controlled(std::string_view entry) {
  const std::string_view name = entry.substr(0, entry.find('='));
  for (std::string_view prefix : {"CPUPROFILE", "HEAPPROFILE", "HEAPCHECK", "PERFTOOLS_", "MALLOC_", "GLIBC_TUNABLES"})
    if (name.starts_with(prefix)) return true;
  return name.ends_with("SAN_OPTIONS") || name == kParentPidVariable;
}

std::vector<std::string> merged_environment(const ChildSpec& spec) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool replaced = controlled(entry);
    for (const auto& [key, value] : spec.env)
      if (entry.size() > key.size() && entry.substr(0, key.size()) == key && entry[key.size()] == '=')
        replaced = true;
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [key, value] : spec.env) env.push_back(key + "=" + value);
  env.push_back(std::string(kParentPidVariable) + "=" + std::to_string(getpid()));
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void decode(int status, ChildOutcome& out) {
  if (WIFEXITED(status)) {
    out.exited = true;
    out.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
}

}  // namespace

ChildOutcome run_child(const ChildSpec& spec) {
  ChildOutcome out;
  std::vector<std::string> argv_strings{spec.program};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  auto argv = pointers(argv_strings);
  auto env_strings = merged_environment(spec);
  auto envp = pointers(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                   spec.stdout_path.empty() ? "/dev/null" : spec.stdout_path.c_str(),
                                   flags, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                   spec.stderr_path.empty() ? "/dev/null" : spec.stderr_path.c_str(),
                                   flags, 0644);
  // dup2 onto the same number would leave close-on-exec set: move such an
  // fd out of the way first.
  std::vector<int> owned;
  for (auto [child_fd, parent_fd] : spec.fds) {
    owned.push_back(parent_fd);
    if (parent_fd == child_fd) owned.push_back(parent_fd = fcntl(parent_fd, F_DUPFD_CLOEXEC, 10));
    posix_spawn_file_actions_adddup2(&actions, parent_fd, child_fd);
  }
  // Its own process group, so the watchdog's kill reaches anything it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  // -v: the command line with the environment it adds (sanitizer and
  // profiler options), so a user can rerun any child by hand.
  spdlog::debug("child: {}{}{}", command_line(spec),
                spec.stdout_path.empty() ? "" : " > " + shell_quote(spec.stdout_path),
                spec.stderr_path.empty() ? "" : " 2> " + shell_quote(spec.stderr_path));
  const auto start = Clock::now();
  if (interrupted().load() && !spec.finish_when_interrupted) {
    out.interrupted = true;
    out.start_error = "not started: the command was interrupted by " + interrupt_name();
    return out;
  }
  pid_t pid = 0;
  // The persona is the calling thread's, and a child inherits it: set for
  // this one spawn, it reaches no other thread's children.
  const int persona = spec.no_aslr ? personality(0xffffffff) : -1;
  if (persona >= 0) personality(static_cast<unsigned long>(persona) | ADDR_NO_RANDOMIZE);
  const int rc = posix_spawn(&pid, spec.program.c_str(), &actions, &attr, argv.data(), envp.data());
  if (persona >= 0) personality(static_cast<unsigned long>(persona));
  // Resource limits have no posix_spawn attribute; set at once after the
  // start, they miss only the loader's first few pages.
  // Only ever lower: a user's own `ulimit -v` stays.
  rlimit limit{};
  if (rc == 0 && spec.address_space_limit > 0 && getrlimit(RLIMIT_AS, &limit) == 0 &&
      limit.rlim_max > spec.address_space_limit) {
    limit.rlim_max = spec.address_space_limit;
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_cur, spec.address_space_limit);
    prlimit(pid, RLIMIT_AS, &limit, nullptr);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  for (int fd : owned) close(fd);
  if (rc != 0) {
    out.start_error = "cannot start " + spec.program + ": " + std::strerror(rc);
    return out;
  }
  out.started = true;
  out.pid = pid;

  // Poll rather than block: the watchdog must be able to act at the deadline.
  // A pidfd (Linux 5.3) wakes the wait the moment the child ends; without
  // one, naps that grow to 10 ms end up to 10 ms late.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(spec.timeout_seconds));
  auto nap = std::chrono::microseconds(200);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      decode(status, out);
      break;
    }
    if (done < 0 && errno != EINTR) {
      out.start_error = std::string("waitpid failed: ") + std::strerror(errno);
      break;
    }
    const bool interrupting = interrupted().load() && !out.interrupted && !spec.finish_when_interrupted;
    if (interrupting || (spec.cancel != nullptr && spec.cancel->load() && !out.cancelled)) {
      // Asked to stop: SIGTERM lets a worker end its loops and write what
      // it has; the deadline below kills it if it does not.
      (interrupting ? out.interrupted : out.cancelled) = true;
      kill(interrupting ? -pid : pid, SIGTERM);
      const auto grace = Clock::now() + std::chrono::seconds(1);
      if (grace < deadline) deadline = grace;
    }
    if (Clock::now() >= deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      decode(status, out);
      out.timed_out = !out.interrupted && !out.cancelled;
      break;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, kFlagPollMs);  // woken by the exit, or soon enough to look at the flags again
    } else {
      std::this_thread::sleep_for(nap);
      nap = std::min(nap * 2, std::chrono::microseconds(10000));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  out.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

std::string describe(const ChildOutcome& o) {
  if (!o.started) return "did not start: " + o.start_error;
  if (o.interrupted) return "ended early: the command was interrupted";
  if (o.timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %.1f s (killed by the watchdog)", o.wall_seconds);
    return buf;
  }
  if (o.exited) return "exit " + std::to_string(o.exit_code);
  if (o.signal != 0) {
    const char* abbrev = sigabbrev_np(o.signal);
    return std::string("killed by SIG") + (abbrev ? abbrev : std::to_string(o.signal)) + " (" +
           strsignal(o.signal) + ")";
  }
  return "ended in an unknown way";
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_of(" \t'\"$\\;&|<>()*?") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string command_line(const ChildSpec& spec) {
  std::string line;
  for (const auto& [k, v] : spec.env) line += k + "=" + shell_quote(v) + " ";
  line += shell_quote(spec.program);
  for (const auto& a : spec.args) line += " " + shell_quote(a);
  return line;
}

}  // namespace lockedges
