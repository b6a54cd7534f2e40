// lockedges — a case as the log parsers see it: its file is the program's
// own code, and its source (embedded in the binary) names its mutexes.
#pragma once

#include "case_api/scenario.hpp"
#include "detection/tsan_log.hpp"

namespace lockedges {

// case_program — tsan::group's view of `scenario`'s case file.
tsan::Program case_program(const Scenario& scenario);

}  // namespace lockedges
