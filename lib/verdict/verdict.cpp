#include "verdict/verdict.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "sources/source.hpp"
#include "util/exit_status.hpp"
#include "util/text.hpp"

namespace lockedges {

namespace {

// A broken variant reproduces in a forced run when a detector reported in
// it, or, for a bug no detector sees, when its symptom showed while every
// detector stayed quiet.
void count_runs(VariantReport& v) {
  v.reproduced_runs = 0;
  v.runs_with_symptom = 0;
  for (const ForcedRun& run : v.forced_runs) {
    const bool symptom = run.symptom > 0;
    if (symptom) ++v.runs_with_symptom;
    if (v.evidence == "symptom" ? symptom && run.reports == 0 : run.reports > 0) ++v.reproduced_runs;
  }
}

std::string reproduction(const VariantReport& broken, const std::string& symptom) {
  return broken.evidence == "symptom"
             ? fmt::format("{}: {} showed in {} of {} forced runs with every detector clean", broken.name, symptom,
                           broken.reproduced_runs, broken.tsan.runs)
             : fmt::format("{}: a detector reported in {} of {} forced runs", broken.name, broken.reproduced_runs,
                           broken.tsan.runs);
}

// What keeps a fix from being clean, one "fixed: ..." sentence each.
std::vector<std::string> fix_problems(const VariantReport& v) {
  std::vector<std::string> problems;
  for (const auto* d : {&v.tsan, &v.asan})
    if (d->warnings > 0)
      problems.push_back(fmt::format("{}: {} {} reports", v.name, d->warnings,
                                     d == &v.tsan ? "ThreadSanitizer" : "AddressSanitizer/UBSan"));
  if (v.tsan.schedule_completed_runs < v.tsan.runs)
    problems.push_back(fmt::format("{}: a schedule point timed out ({} runs)", v.name,
                                   v.tsan.runs - v.tsan.schedule_completed_runs));
  for (const auto* symptoms : {&v.forced_symptoms, &v.stress.symptoms})
    for (const auto& [name, count] : *symptoms)
      if (count != 0)
        problems.push_back(fmt::format("{}: {} = {} ({})", v.name, name, count,
                                       symptoms == &v.stress.symptoms ? "stress" : "forced"));
  if (v.stress.signal != 0 || v.stress.timed_out || !v.stress.deadlock.empty())
    problems.push_back(v.name + ": stress child " +
                       (v.stress.deadlock.empty() ? v.stress.outcome : "deadlocked: " + v.stress.deadlock));
  return problems;
}

// The tags of the case source, or why there are none.
std::optional<std::vector<Tag>> case_tags(const std::string& source, std::string& note) {
  const auto text = embedded_source(source);
  if (!text) {
    note = "the case source " + source + " is not embedded in this binary";
    return std::nullopt;
  }
  return find_tags(*text);
}

// The ground-truth problems of one broken variant: any finding at all for a
// bug no detector should see; no finding for a bug a detector must report.
// Adds the locations of its findings that are on no tag to `off_tag`, and
// the ids of the tags they reached to `hit`.
std::vector<std::string> ground_truth_problems(const VariantReport& v, const std::string& source,
                                               const std::vector<Tag>& tags, std::vector<std::string>& off_tag,
                                               std::set<std::string>& hit) {
  std::vector<std::string> problems;
  const std::size_t found = v.tsan.findings.size() + v.asan.findings.size();
  if (v.evidence == "symptom") {
    // Its bug is one no detector sees (or it is correct but slow): any
    // finding means the case is not what it claims.
    if (found > 0) problems.push_back(v.name + " should be invisible to the detectors, yet has findings");
    return problems;
  }
  if (found == 0) problems.push_back(v.name + " got no finding from any detector");
  for (const auto* list : {&v.tsan.findings, &v.asan.findings})
    for (const auto& f : *list)
      for (const auto& l : f.locations) {
        const auto tag = std::find_if(tags.begin(), tags.end(), [&](const Tag& t) {
          return t.line == l.line && is_source_file(l.file, source);
        });
        if (tag == tags.end())
          off_tag.push_back((l.file.empty() ? std::string("(no frame in the case)") : source) + ":" +
                            std::to_string(l.line) + " (" + v.name + ", " + f.kind + ")");
        else
          hit.insert(tag->id);
      }
  return problems;
}

void check_ground_truth(ScenarioReport& report) {
  GroundTruth& gt = report.ground_truth;
  gt = GroundTruth{};
  const auto tags = case_tags(report.source, gt.note);
  if (!tags) return;
  gt.tags = *tags;
  std::set<std::string> hit;
  std::vector<std::string> problems;
  for (const auto& v : report.variants)
    if (v.broken)
      for (auto& p : ground_truth_problems(v, report.source, gt.tags, gt.off_tag, hit)) problems.push_back(std::move(p));
  gt.tags_hit.assign(hit.begin(), hit.end());
  std::set<std::string> all;
  for (const auto& t : gt.tags) all.insert(t.id);
  if (!gt.off_tag.empty()) problems.push_back("findings outside the tagged lines: " + gt.off_tag.front());
  if (hit != all) problems.push_back("some tags were never reached by a finding");
  gt.matched = problems.empty();
  if (!problems.empty()) gt.note = problems.front();
}

}  // namespace

void judge_variant(VariantReport& v, const std::string& symptom) {
  VariantJudgement& j = v.judgement;
  if (v.broken) {
    count_runs(v);
    j.passed = v.reproduced_runs >= v.tsan.runs;
    j.reasons = {reproduction(v, symptom)};
  } else {
    j.reasons = fix_problems(v);
    j.passed = j.reasons.empty();
  }
}

void judge(ScenarioReport& report) {
  std::vector<std::string> errors, not_reproduced, fix_failed;
  std::vector<std::string> shown;  // per broken variant, how it showed
  bool first_broken = true;
  for (auto& v : report.variants) {
    judge_variant(v, report.symptom);
    for (const auto& e : v.errors) errors.push_back(v.name + ": " + e);
    if (v.broken) {
      // A crash or hang of the broken variant is a finding, never an error.
      report.reproduced_runs =
          first_broken ? v.reproduced_runs : std::min(report.reproduced_runs, v.reproduced_runs);
      first_broken = false;
      auto& into = v.judgement.passed ? shown : not_reproduced;
      into.insert(into.end(), v.judgement.reasons.begin(), v.judgement.reasons.end());
    } else {
      fix_failed.insert(fix_failed.end(), v.judgement.reasons.begin(), v.judgement.reasons.end());
    }
  }
  check_ground_truth(report);
  if (!report.ground_truth.matched) not_reproduced.push_back("ground truth not matched: " + report.ground_truth.note);
  if (!errors.empty()) {
    report.verdict = kVerdictError;
    report.reasons = errors;
  } else if (!not_reproduced.empty()) {
    report.verdict = kVerdictNotReproduced;
    report.reasons = not_reproduced;
    report.reasons.insert(report.reasons.end(), fix_failed.begin(), fix_failed.end());
  } else if (!fix_failed.empty()) {
    report.verdict = kVerdictFixFailed;
    report.reasons = fix_failed;
  } else {
    report.verdict = kVerdictReproducedAndFixed;
    report.reasons = shown;
    report.reasons.push_back("every finding on a tagged line; every fix clean under every detector, "
                             "with no symptom");
  }
}

VariantVerdict judge_alone(VariantReport& v, const std::string& symptom, const std::string& source) {
  judge_variant(v, symptom);
  const VariantJudgement& j = v.judgement;
  if (!v.broken)
    return {j.passed, j.passed ? "clean: no report, no symptom, every schedule point met"
                               : "not clean: " + joined(j.reasons, "; ")};
  if (!j.passed) return {false, "not reproduced: " + joined(j.reasons, "; ")};
  std::string note;
  const auto tags = case_tags(source, note);
  if (!tags) return {false, "not reproduced: ground truth not matched: " + note};
  std::vector<std::string> off_tag;
  std::set<std::string> hit;
  auto problems = ground_truth_problems(v, source, *tags, off_tag, hit);
  if (!off_tag.empty()) problems.push_back("findings outside the tagged lines: " + off_tag.front());
  if (!problems.empty()) return {false, "not reproduced: ground truth not matched: " + problems.front()};
  return {true, "reproduced: " + joined(j.reasons, "; ") + ", on the tagged lines"};
}

void judge_interrupted(ScenarioReport& report, const std::string& signal) {
  report.verdict = kVerdictInterrupted;
  // What the runs so far would have said is no judgement: it is left out.
  report.reasons = {"interrupted by " + signal + " before its runs finished: what ran is shown, not judged"};
}

int exit_status(const std::vector<ScenarioReport>& reports) {
  int status = reports.empty() ? kExitFailed : kExitOk;
  for (const auto& r : reports) {
    if (r.verdict == kVerdictError || r.verdict == kVerdictInterrupted) return kExitEnvironment;
    if (r.verdict != kVerdictReproducedAndFixed) status = kExitFailed;
  }
  return status;
}

}  // namespace lockedges
