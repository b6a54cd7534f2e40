// lockedges — the CPU profiler hooks a worker uses.
//
// The plain build links gperftools' libprofiler (lib/worker/profiler_gperftools.cpp);
// the sanitizer builds never do (ThreadSanitizer replaces malloc and its own
// frames would swamp the samples), and get lib/worker/profiler_none.cpp instead.
#pragma once

#include <string>

namespace lockedges::profiler {

// True when this build can profile.
bool available();

// Starts writing a pprof-format CPU profile to `path`; false on failure.
// The sampling rate is CPUPROFILE_FREQUENCY, read when the process starts.
bool start(const std::string& path);

// Flushes and closes the profile. gperftools then prints a "PROFILE:
// interrupts/evictions/bytes" line on standard error; `quiet` (-q) keeps it
// off the terminal.
void stop(bool quiet = false);

// Called at the start of every thread the run starts, so each gets its own
// profiling timer (CPUPROFILE_PER_THREAD_TIMERS) and is sampled, not only
// the thread that happens to be running when a process-wide timer fires.
void register_thread();

}  // namespace lockedges::profiler
