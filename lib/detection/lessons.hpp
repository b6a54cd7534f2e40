// lockedges — which lesson a finding resembles, and why.
//
// signals_of reads a warning for the shapes of signal.hpp; match_lesson
// weighs them against what each scenario declares (Scenario::signatures).
// A lesson is named only at a confidence of 0.5 or more: a report that
// shows one weak sign of a lesson is "no lesson matches", never a guess.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_api/scenario.hpp"
#include "detection/findings.hpp"
#include "detection/frames.hpp"
#include "detection/tsan_log.hpp"

namespace lockedges::tsan {

// signals_of — the signals `warning` shows; `finding` is what group() made
// of it (its locations and mutex names). Sorted, each once.
std::vector<Signal> signals_of(const Warning& warning, const Finding& finding, const UserCode& user);

struct LessonMatch {
  std::string scenario;            // "iteration-during-grow"
  double confidence = 0;           // 0.5 to 1
  std::vector<Signal> why;         // the signals that counted, heaviest first
};

// The least confidence at which a lesson is named.
inline constexpr double kLessonThreshold = 0.5;

// match_lesson — the scenario of `scenarios` whose signatures the finding's
// signals fit best, or nothing under kLessonThreshold. Ties go to the
// scenario listed first.
std::optional<LessonMatch> match_lesson(const Finding& finding, const std::vector<Scenario>& scenarios);

}  // namespace lockedges::tsan
