// lockedges — reading and symbolising gperftools CPU profiles.
//
// google-pprof does both, but each call costs about 0.6 s (a Perl script
// that reruns nm over every mapped object), which would double the time of
// `lockedges run`. The file format is small and documented (gperftools'
// docs/cpuprofile-fileformat), and binutils' addr2line and nm, which
// google-pprof itself calls, do the symbolising: one addr2line over the
// profile's distinct addresses in the executable (inlined frames included),
// and one nm per shared library (of its detached debug symbols when they are
// installed, as for libc with libc6-dbg), kept for the rest of the process. The files
// stay pprof-format: google-pprof still reads every one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/profile.hpp"

namespace lockedges::profile {

// One region of the profiled process's address space, from the profile's
// trailing /proc/self/maps text.
struct Mapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t offset = 0;  // file offset of `start`
  std::string path;          // "" for anonymous memory
};

struct RawProfile {
  std::uint64_t period_us = 0;  // sampling period
  struct Sample {
    std::uint64_t count = 0;
    std::vector<std::uint64_t> pcs;  // leaf first; all but the first are return addresses
  };
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;  // executable regions only
};

// Parses the binary profile (64-bit, little-endian, as gperftools writes it
// on x86-64). Returns nothing and sets `error` for anything else.
std::optional<RawProfile> read_cpu_profile(std::string_view bytes, std::string& error);

// The profile's stacks, root first, each frame a demangled function name
// (inlined functions as their own frames, "[inline]" marked), ready for
// summarize() and flame_graph_svg(). `executable` is the profiled binary;
// addresses nothing can name stay as "0x..." (as google-pprof prints them).
std::vector<Stack> symbolize(const RawProfile& profile, const std::string& executable, std::string& error);

// Collapsed-stack text, one "frame;frame;frame count" line per stack (the
// format google-pprof --collapsed and flame graph tools share).
std::string collapsed_text(const std::vector<Stack>& stacks);

}  // namespace lockedges::profile
