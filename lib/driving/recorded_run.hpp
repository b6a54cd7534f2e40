// lockedges — one forced run of a variant in a child, for its recorded
// interleaving.
//
// `explain` draws the interleaving of a real run rather than a drawing made
// by hand, and step mode learns from one how many events to expect and
// which threads take part. Either way the case code runs in a child
// (`lockedges worker ... --mode forced`), never in the calling process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {

struct RecordedRun {
  std::vector<Event> events;              // in seq order, schedule events described
  std::vector<std::string> thread_names;  // Event::thread indexes this
};

// Runs `binary worker <scenario> <variant> --mode forced` in a scratch
// folder (removed afterwards) and reads what it recorded. On failure
// returns nothing and says why in `error`.
std::optional<RecordedRun> record_forced_run(const std::string& binary, const Scenario& scenario,
                                             const Variant& variant, double timeout_seconds, std::string& error);

// The first broken variant of `scenario` (every scenario has one).
const Variant* first_broken(const Scenario& scenario);

}  // namespace lockedges
