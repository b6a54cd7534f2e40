#include <fcntl.h>
#include <gperftools/profiler.h>
#include <unistd.h>

#include "worker/profiler.hpp"

namespace lockedges::profiler {

bool available() { return true; }

bool start(const std::string& path) { return ProfilerStart(path.c_str()) != 0; }

void stop(bool quiet) {
  ProfilerFlush();
  // gperftools writes its summary to stderr with no option to leave it out:
  // with `quiet`, stderr is /dev/null for as long as the call takes.
  const int saved = quiet ? dup(STDERR_FILENO) : -1;
  const int null = saved >= 0 ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
  if (null >= 0) dup2(null, STDERR_FILENO);
  ProfilerStop();
  if (null >= 0) {
    dup2(saved, STDERR_FILENO);
    close(null);
  }
  if (saved >= 0) close(saved);
}

void register_thread() { ProfilerRegisterThread(); }

}  // namespace lockedges::profiler
