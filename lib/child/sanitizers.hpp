// lockedges — the environment each kind of child gets: sanitizer options,
// their exit statuses, and the CPU profiler's settings. Spelled here only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lockedges {

using Environment = std::vector<std::pair<std::string, std::string>>;

// The sanitizers' own exit statuses for "ran, and reported something"
// (their `exitcode` option), distinct from every status the worker uses.
inline constexpr int kTsanExitCode = 66;
inline constexpr int kAsanExitCode = 67;

// The memory a child may take before it is ended as out of memory: a plain
// child's address space (ChildSpec::address_space_limit), a sanitizer
// child's resident set (hard_rss_limit_mb). The cases need a few hundred MB.
inline constexpr std::uint64_t kPlainAddressSpaceBytes = std::uint64_t{16} << 30;
inline constexpr int kSanitizerRssLimitMb = 4096;

// `path` as a value in a sanitizer's options string, which splits on
// spaces, ':' and ',' outside quotes: in double quotes, or single ones when
// the path holds a double quote. A path with both kinds cannot be said
// there: nullopt (the command line refuses such an --out).
std::optional<std::string> sanitizer_option_value(const std::string& path);

// TSAN_OPTIONS for a ThreadSanitizer child: its log files start with
// `log_base` (TSan appends the pid), and it exits with kTsanExitCode when it
// reported; with `halt_on_error`, at its first report. Without
// `symbolise`, it leaves its frames unsymbolised, for a Symboliser
// (child/symboliser.hpp) to finish.
Environment tsan_environment(const std::string& log_base, bool halt_on_error, bool symbolise = true);

// ASAN_OPTIONS and UBSAN_OPTIONS for an AddressSanitizer + UBSan child.
Environment asan_environment(const std::string& log_base);

// The line of a sanitizer's log or standard error saying it could not get
// the memory it needs (its shadow memory at start under a low `ulimit -v`,
// its allocator or RSS limit later), or "" when there is none. Such a run
// says nothing about the code: it is a tool failure, never a finding.
std::string sanitizer_out_of_memory(std::string_view text);

// Whether ThreadSanitizer refused to start because the address-space layout
// did not suit it ("FATAL: ThreadSanitizer: unexpected memory mapping"),
// which a rerun without address randomisation (ChildSpec::no_aslr) avoids.
bool sanitizer_layout_failure(std::string_view text);

// gperftools' settings for a profiled child, sampling at `hz`.
Environment profiler_environment(int hz);

}  // namespace lockedges
