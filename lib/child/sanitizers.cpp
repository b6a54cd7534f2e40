#include "child/sanitizers.hpp"

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

}  // namespace

Environment tsan_environment(const std::string& log_base, bool halt_on_error) {
  // history_size=7: with less, the earlier access of a rehash race is
  // "[failed to restore the stack]" and lands on no line.
  return {{"TSAN_OPTIONS", log_path(log_base) + " exitcode=" + std::to_string(kTsanExitCode) +
                               " halt_on_error=" + (halt_on_error ? "1" : "0") +
                               " second_deadlock_stack=1 history_size=7"}};
}

Environment asan_environment(const std::string& log_base) {
  return {{"ASAN_OPTIONS", log_path(log_base) + " exitcode=" + std::to_string(kAsanExitCode) +
                               " detect_stack_use_after_return=1 detect_leaks=1"},
          {"UBSAN_OPTIONS", log_path(log_base) + " print_stacktrace=1"}};
}

Environment profiler_environment(int hz) {
  // Per-thread timers: every worker thread is sampled for its own CPU time.
  return {{"CPUPROFILE_FREQUENCY", std::to_string(hz)}, {"CPUPROFILE_PER_THREAD_TIMERS", "1"}};
}

}  // namespace lockedges
