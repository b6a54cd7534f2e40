// lockedges — the environment each kind of child gets: sanitizer options,
// their exit statuses, and the CPU profiler's settings. Spelled here only.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lockedges {

using Environment = std::vector<std::pair<std::string, std::string>>;

// The sanitizers' own exit statuses for "ran, and reported something"
// (their `exitcode` option), distinct from every status the worker uses.
inline constexpr int kTsanExitCode = 66;
inline constexpr int kAsanExitCode = 67;

// `path` as a value in a sanitizer's options string, which splits on
// spaces, ':' and ',' outside quotes: in double quotes, or single ones when
// the path holds a double quote. A path with both kinds cannot be said
// there: nullopt (the command line refuses such an --out).
std::optional<std::string> sanitizer_option_value(const std::string& path);

// TSAN_OPTIONS for a ThreadSanitizer child: its log files start with
// `log_base` (TSan appends the pid), and it exits with kTsanExitCode when it
// reported; with `halt_on_error`, at its first report.
Environment tsan_environment(const std::string& log_base, bool halt_on_error);

// ASAN_OPTIONS and UBSAN_OPTIONS for an AddressSanitizer + UBSan child.
Environment asan_environment(const std::string& log_base);

// gperftools' settings for a profiled child, sampling at `hz`.
Environment profiler_environment(int hz);

}  // namespace lockedges
