// lockedges — CPU profiles as collapsed stacks: flat and cumulative shares,
// the difference between two profiles, and a flame graph.
//
// The samples come from gperftools' libprofiler in the plain build's
// children; cpu_profile.hpp reads and symbolises them into stacks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockedges::profile {

// One function's share of a profile.
struct Function {
  std::string name;
  std::int64_t flat = 0;  // samples in the function itself
  double flat_share = 0;  // of all samples, 0..1
  std::int64_t cum = 0;   // samples in it or below it
  double cum_share = 0;
  bool lock = false;      // a lock or futex function: time spent acquiring locks
};

struct Text {
  std::int64_t total = 0;  // samples in all
  std::vector<Function> functions;
};

// A lock, futex or pthread synchronisation function, by name.
bool is_lock_function(std::string_view name);

// One sampled stack: frames root first, and how many samples it got (one
// line of `google-pprof --collapsed`).
struct Stack {
  std::vector<std::string> frames;
  std::int64_t count = 0;
};

std::vector<Stack> parse_collapsed(std::string_view text);

// Flat and cumulative samples per function, from collapsed stacks (the same
// stacks then give the flame graph), sorted by flat samples.
Text summarize(const std::vector<Stack>& stacks);

// A function whose flat share moved between two profiles.
struct Change {
  std::string name;
  double before = 0;  // flat share in the first profile
  double after = 0;   // in the second
  bool lock = false;
};

// The functions whose flat share changed most between `before` and `after`,
// largest change first.
std::vector<Change> diff(const Text& before, const Text& after, std::size_t most = 10);

// A self-contained SVG flame graph (no script, no external references).
// Hand-written: Debian packages no flame graph renderer, and the layout is
// a few dozen lines. Lock functions are drawn in blue so waiting stands out.
std::string flame_graph_svg(const std::vector<Stack>& stacks, const std::string& title);

}  // namespace lockedges::profile
