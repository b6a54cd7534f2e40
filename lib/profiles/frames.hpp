// lockedges — what a profile frame's name says: its short form, and whether
// the suite's harness, rather than the case, spent the time.
//
// A profile of a case should show the case: its map operations, its locks,
// its own loops. The plain worker also runs the suite's machinery (the run
// loop, thread start, std::function plumbing, the instrumented lock's
// bookkeeping); summarize() folds samples whose leaf is that machinery into
// one "harness" row, so that the tables rank the case's own functions. The
// raw cpu.prof and the collapsed stacks keep every frame.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockedges::profile {

// The label of the one row that stands for every harness sample.
inline constexpr const char* kHarnessFrame = "harness";

// A demangled name as google-pprof --text shows it: template arguments and
// parameter lists dropped, and a leading return type, so that
// `std::vector<int, std::allocator<int> >::push_back(int const&)` reads
// `std::vector::push_back`. Operators keep their symbol (`operator()`,
// `operator<<`), `(anonymous namespace)` stays, a lambda keeps its number
// (`{lambda()#1}`), and a trailing "[inline]" or " [clone .cold]" stays.
std::string short_name(std::string_view full);

// A frame of the suite's own machinery, by its short name: see the list in
// frames.cpp for what is and why.
bool is_harness_frame(std::string_view short_frame);

// A sampled stack (frames root first, full names) whose time the harness
// spent: its leaf is a harness frame, or a clock read or yield that the
// suite's library code made (the instrumented lock timing itself, the stress
// loop's deadline).
bool is_harness_sample(const std::vector<std::string>& frames);

}  // namespace lockedges::profile
