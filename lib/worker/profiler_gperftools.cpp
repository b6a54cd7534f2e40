#include <gperftools/profiler.h>

#include "worker/profiler.hpp"

namespace lockedges::profiler {

bool available() { return true; }

bool start(const std::string& path) { return ProfilerStart(path.c_str()) != 0; }

void stop() {
  ProfilerFlush();
  ProfilerStop();
}

void register_thread() { ProfilerRegisterThread(); }

}  // namespace lockedges::profiler
