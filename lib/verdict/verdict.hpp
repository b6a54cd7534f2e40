// lockedges — the verdict: what the runs of a scenario mean, decided once.
//
// The driver fills a ScenarioReport with what its children showed; judge()
// decides, and writes the decision into the report: per variant, whether it
// did what it should (a broken variant reproduced in every forced run, a fix
// clean) and why; for the scenario, whether the findings landed on the case's
// tags, the verdict and its reasons. Every renderer (text, Markdown, HTML,
// JSON, JUnit) and step mode only show what is written there.
#pragma once

#include <string>
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

// A scenario cut short by `signal` ("SIGINT (Ctrl-C)"): its verdict is
// `interrupted`, whatever its runs showed so far, and its one reason says so.
void judge_interrupted(ScenarioReport& report, const std::string& signal);

// Exit status for a set of reports (util/exit_status.hpp): kExitOk when all
// are reproduced-and-fixed; kExitEnvironment when one is `error` (the tool
// could not judge it); kExitFailed otherwise.
int exit_status(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
