#include "worker/profiler.hpp"

namespace lockedges::profiler {

bool available() { return false; }
bool start(const std::string&) { return false; }
void stop(bool) {}
void register_thread() {}

}  // namespace lockedges::profiler
