// lockedges — `lockedges explain <scenario>`: the lesson on the terminal.
//
//   deferred-lambda-write (seed §1.1, 4.1)
//   a scope-exit lambda declared before the lock writes the map after unlock
//
//   The pitfall                 the lesson's prose, wrapped at 78 columns
//   The bad interleaving        its numbered steps
//   The interleaving, as recorded   a real forced run, drawn (diagram.hpp)
//   The racing lines (...)      each ground-truth tag's line and note
//   The fixed lines (...)       each FIX tag's line and note
//   The fix, Guideline, The Go original, What does not carry over to C++
//   Variants                    name and summary
//   See it happen: lockedges run ...
//
// The caller records the run (driving's record_forced_run) and passes the
// lesson in: this renders and prints nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "sources/lesson.hpp"
#include "terminal/color.hpp"

namespace lockedges {

// The forced run `explain` draws: what a run of the scenario's first broken
// variant recorded, or why there is nothing to draw.
struct ExplainRun {
  std::string variant;                    // the variant that ran
  std::vector<Event> events;              // empty: no run was recorded, `error` says why
  std::vector<std::string> thread_names;  // Event::thread indexes this
  std::string error;
};

// render_explain — the whole lesson of `scenario`, its prose from `lesson`,
// the recorded run drawn `width` columns wide, styled by `palette`.
std::string render_explain(const Scenario& scenario, const Lesson& lesson, const ExplainRun& run,
                           const Palette& palette, std::size_t width);

}  // namespace lockedges
