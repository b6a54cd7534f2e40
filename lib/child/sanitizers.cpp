#include "child/sanitizers.hpp"

#include "child/symboliser.hpp"

namespace lockedges {

std::optional<std::string> sanitizer_option_value(const std::string& path) {
  if (path.find('"') == std::string::npos) return '"' + path + '"';
  if (path.find('\'') == std::string::npos) return '\'' + path + '\'';
  return std::nullopt;
}

namespace {

// The log path option; a path that cannot be quoted was refused on the
// command line, so this one is only ever given what can.
std::string log_path(const std::string& log_base) {
  return "log_path=" + sanitizer_option_value(log_base).value_or(log_base);
}

// A sanitizer child whose resident memory passes this is ended by its own
// runtime ("hard rss limit exhausted"): RLIMIT_AS cannot bound a runtime
// that reserves terabytes of shadow address space at start.
std::string rss_limit() { return " hard_rss_limit_mb=" + std::to_string(kSanitizerRssLimitMb); }

// Frames as module and offset, nothing looked up (child/symboliser.hpp).
std::string unsymbolised() {
  return std::string(" symbolize=0 stack_trace_format=") + sanitizer_option_value(kUnsymbolisedFrameFormat).value();
}

}  // namespace

Environment tsan_environment(const std::string& log_base, bool halt_on_error, bool symbolise) {
  // history_size=7: with less, the earlier access of a rehash race is
  // "[failed to restore the stack]" and lands on no line.
  return {{"TSAN_OPTIONS", log_path(log_base) + " exitcode=" + std::to_string(kTsanExitCode) +
                               " halt_on_error=" + (halt_on_error ? "1" : "0") +
                               " second_deadlock_stack=1 history_size=7" + rss_limit() +
                               (symbolise ? "" : unsymbolised())}};
}

Environment asan_environment(const std::string& log_base) {
  return {{"ASAN_OPTIONS", log_path(log_base) + " exitcode=" + std::to_string(kAsanExitCode) +
                               " detect_stack_use_after_return=1 detect_leaks=1" + rss_limit()},
          {"UBSAN_OPTIONS", log_path(log_base) + " print_stacktrace=1"}};
}

Environment profiler_environment(int hz) {
  // Per-thread timers: every worker thread is sampled for its own CPU time.
  return {{"CPUPROFILE_FREQUENCY", std::to_string(hz)}, {"CPUPROFILE_PER_THREAD_TIMERS", "1"}};
}

std::string sanitizer_out_of_memory(std::string_view text) {
  // The runtimes' own wordings (compiler-rt: sanitizer_common's mmap
  // failures, the allocators' out-of-memory and RSS-limit reports).
  static constexpr std::string_view kMarkers[] = {
      "out of memory: allocator is trying to allocate", "allocator is out of memory",
      "hard rss limit exhausted", "failed to allocate 0x", "ERROR: Failed to mmap",
      "ReserveShadowMemoryRange failed"};
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    for (std::string_view marker : kMarkers)
      if (line.find(marker) != std::string_view::npos &&
          (line.find("Sanitizer") != std::string_view::npos || line.find("ERROR:") != std::string_view::npos))
        return std::string(line);
    start = end + 1;
  }
  return "";
}

bool sanitizer_layout_failure(std::string_view text) {
  return text.find("ThreadSanitizer: unexpected memory mapping") != std::string_view::npos;
}

}  // namespace lockedges
