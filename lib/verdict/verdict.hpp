// lockedges — the verdict: what the runs of a scenario mean, decided once.
//
// The driver fills a ScenarioReport with what its children showed; judge()
// decides, and writes the decision into the report: per variant, whether it
// did what it should (a broken variant reproduced in every forced run, a fix
// clean) and why; for the scenario, whether the findings landed on the case's
// tags, the verdict and its reasons. Every renderer (text, Markdown, HTML,
// JSON, JUnit) and step mode only show what is written there.
#pragma once

#include <vector>

#include "reports/report.hpp"

namespace lockedges {

// Judges one variant from its own results: counts the forced runs that
// reproduced (broken) and fills v.judgement. `symptom` is the scenario's.
void judge_variant(VariantReport& v, const std::string& symptom);

// Judges every variant, checks the findings against the ground-truth tags of
// the case source, and decides the scenario's verdict and reasons.
void judge(ScenarioReport& report);

// The verdict on one variant run on its own (`run --step`): its judgement,
// and for a broken variant whether its findings landed on the case's tags.
// `ok` when the variant did what it should; `line` says what it did.
struct VariantVerdict {
  bool ok = false;
  std::string line;
};
VariantVerdict judge_alone(VariantReport& v, const std::string& symptom, const std::string& source);

// Exit status for a set of reports: 0 when all are reproduced-and-fixed.
int exit_status(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
