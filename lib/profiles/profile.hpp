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
  std::string name;  // short, as google-pprof --text shows it (frames.hpp short_name)
  std::int64_t flat = 0;  // samples in the function itself
  double flat_share = 0;  // of all samples, 0..1
  std::int64_t cum = 0;   // samples in it or below it
  double cum_share = 0;
  bool lock = false;      // a lock or futex function: time spent acquiring locks
  std::string full_name{};  // the demangled name, template arguments and parameters included
};

struct Text {
  std::int64_t total = 0;    // samples in all
  std::int64_t harness = 0;  // of them, samples the harness spent (frames.hpp): one kHarnessFrame row
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
// stacks then give the flame graph), sorted by flat samples. Samples the
// harness spent (is_harness_sample) count in one kHarnessFrame function,
// flat and cum alike, and harness frames get no row of their own: the rows
// are the case's.
Text summarize(const std::vector<Stack>& stacks);

// A function whose flat share moved between two profiles.
struct Change {
  std::string name;  // short, as Function::name
  double before = 0;  // flat share in the first profile
  double after = 0;   // in the second
  bool lock = false;
  std::string full_name{};  // as Function::full_name
};

// The functions whose flat share changed most between `before` and `after`,
// largest change first. A function whose share did not move, or is under
// 0.05% in both (a "0.0% -> 0.0%" row), is left out, and so is the harness
// row: the harness is no part of the fix.
std::vector<Change> diff(const Text& before, const Text& after, std::size_t most = 10);

// A self-contained SVG flame graph (no script, no external references).
// Hand-written: Debian packages no flame graph renderer, and the layout is
// a few dozen lines. Lock functions are drawn in blue so waiting stands out.
std::string flame_graph_svg(const std::vector<Stack>& stacks, const std::string& title);

}  // namespace lockedges::profile
