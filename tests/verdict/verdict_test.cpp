// The verdict, decided once: what a variant's forced runs and stress run
// mean, and what a scenario's runs add up to. Every renderer and step mode
// show what is decided here, so each sentence is checked here.
#include <gtest/gtest.h>

#include "case_api/scenario.hpp"
#include "sources/source.hpp"
#include "support/locations.hpp"
#include "verdict/verdict.hpp"

namespace lockedges {
namespace {

// The tags of a real case, deferred-lambda-write (its source is embedded).
const char* const kSource = "cases/deferred_lambda_write.cpp";
const std::string kFramePath = std::string("/src/") + kSource;  // the file as a TSan frame names it

std::vector<Tag> tags() { return find_tags(*embedded_source(kSource)); }

// A data race whose two accesses land on `lines` of the case.
tsan::Finding race_at(std::vector<int> lines) {
  tsan::Finding f;
  f.kind = "data race";
  f.count = 1;
  for (int line : lines) f.locations.push_back(testing::location(kFramePath, line, "write", "T1"));
  return f;
}

VariantReport broken_with(std::vector<ForcedRun> runs) {
  VariantReport v;
  v.name = "broken";
  v.broken = true;
  v.evidence = "detector";
  v.tsan.runs = static_cast<int>(runs.size());
  v.forced_runs = std::move(runs);
  return v;
}

VariantReport clean_fix() {
  VariantReport v;
  v.name = "fixed";
  v.tsan.runs = 3;
  v.tsan.schedule_completed_runs = 3;
  v.forced_runs = {{0, 0}, {0, 0}, {0, 0}};
  v.stress.ran = true;
  v.stress.outcome = "exit 0";
  return v;
}

// 1. A detector reported in every forced run: reproduced.
// 2. One run stayed quiet: not every run, so not reproduced.
TEST(Verdict, ABrokenVariantReproducesOnlyWhenEveryForcedRunReported) {
  VariantReport every = broken_with({{2, 0}, {1, 0}, {3, 0}});
  judge_variant(every, "lost updates");
  EXPECT_TRUE(every.judgement.passed);
  EXPECT_EQ(every.reproduced_runs, 3);
  EXPECT_EQ(every.judgement.reasons, std::vector<std::string>{"broken: a detector reported in 3 of 3 forced runs"});

  VariantReport once_quiet = broken_with({{2, 0}, {0, 0}, {3, 0}});
  judge_variant(once_quiet, "lost updates");
  EXPECT_FALSE(once_quiet.judgement.passed);
  EXPECT_EQ(once_quiet.judgement.reasons,
            std::vector<std::string>{"broken: a detector reported in 2 of 3 forced runs"});
}

// A bug no detector sees counts in a run where its symptom showed and every
// detector stayed quiet; a run where a detector spoke does not count.
TEST(Verdict, ASymptomOnlyBugCountsRunsWithTheSymptomAndNoReport) {
  VariantReport v = broken_with({{0, 5}, {1, 5}, {0, 0}});
  v.evidence = "symptom";
  judge_variant(v, "config reads that waited");
  EXPECT_EQ(v.reproduced_runs, 1);
  EXPECT_EQ(v.runs_with_symptom, 2);
  EXPECT_FALSE(v.judgement.passed);
  EXPECT_EQ(v.judgement.reasons.front(),
            "broken: config reads that waited showed in 1 of 3 forced runs with every detector clean");
}

// Everything that keeps a fix from being clean is named, one sentence each.
TEST(Verdict, AFixIsCleanOnlyWithNoReportNoSymptomNoTimeoutNoCrash) {
  VariantReport clean = clean_fix();
  judge_variant(clean, "lost updates");
  EXPECT_TRUE(clean.judgement.passed);
  EXPECT_TRUE(clean.judgement.reasons.empty());

  VariantReport v = clean_fix();
  v.tsan.warnings = 2;
  v.tsan.schedule_completed_runs = 2;
  v.stress.symptoms = {{"lost updates", 7}};
  v.stress.deadlock = "writer waits for a.mu_ held by reader";
  judge_variant(v, "lost updates");
  EXPECT_FALSE(v.judgement.passed);
  EXPECT_EQ(v.judgement.reasons, (std::vector<std::string>{
                                     "fixed: 2 ThreadSanitizer reports",
                                     "fixed: a schedule point timed out (1 runs)",
                                     "fixed: lost updates = 7 (stress)",
                                     "fixed: stress child deadlocked: writer waits for a.mu_ held by reader",
                                 }));
}

ScenarioReport scenario_with(VariantReport broken, VariantReport fixed) {
  ScenarioReport r;
  r.scenario = "deferred-lambda-write";
  r.source = kSource;
  r.symptom = "lost updates";
  r.runs = 3;
  r.variants = {std::move(broken), std::move(fixed)};
  return r;
}

std::vector<int> tag_lines() {
  std::vector<int> lines;
  for (const auto& t : tags()) lines.push_back(t.line);
  return lines;
}

TEST(Verdict, FindingsOnEveryTagAndACleanFixAreReproducedAndFixed) {
  VariantReport broken = broken_with({{1, 0}, {1, 0}, {1, 0}});
  broken.tsan.findings = {race_at(tag_lines())};
  ScenarioReport r = scenario_with(broken, clean_fix());
  judge(r);
  EXPECT_EQ(r.verdict, kVerdictReproducedAndFixed);
  EXPECT_TRUE(r.ground_truth.matched);
  EXPECT_EQ(r.ground_truth.tags_hit, std::vector<std::string>{"A"});
  EXPECT_EQ(r.reproduced_runs, 3);
  EXPECT_EQ(r.reasons.back(), "every finding on a tagged line; every fix clean under every detector, with no symptom");
  EXPECT_EQ(exit_status({r}), 0);
}

// A finding on an untagged line is a case that does not show what it claims.
TEST(Verdict, AFindingOffTheTagsIsNotReproduced) {
  VariantReport broken = broken_with({{1, 0}, {1, 0}, {1, 0}});
  broken.tsan.findings = {race_at({tag_lines().front(), 1})};
  ScenarioReport r = scenario_with(broken, clean_fix());
  judge(r);
  EXPECT_EQ(r.verdict, kVerdictNotReproduced);
  EXPECT_FALSE(r.ground_truth.matched);
  EXPECT_EQ(r.ground_truth.off_tag, std::vector<std::string>{std::string(kSource) + ":1 (broken, data race)"});
  EXPECT_EQ(r.reasons.back(), "ground truth not matched: findings outside the tagged lines: " +
                                  std::string(kSource) + ":1 (broken, data race)");
  EXPECT_EQ(exit_status({r}), 1);
}

// A tool error outranks everything: the runs said nothing about the code.
TEST(Verdict, AToolErrorMakesTheVerdictErrorWhateverElseHappened) {
  VariantReport broken = broken_with({{1, 0}, {1, 0}, {1, 0}});
  broken.tsan.findings = {race_at(tag_lines())};
  VariantReport fixed = clean_fix();
  fixed.errors = {"tsan-2: worker exit 3: boom"};
  ScenarioReport r = scenario_with(broken, fixed);
  judge(r);
  EXPECT_EQ(r.verdict, kVerdictError);
  EXPECT_EQ(r.reasons, std::vector<std::string>{"fixed: tsan-2: worker exit 3: boom"});
}

// Step mode judges its one stepped run as the driver judges any forced run.
TEST(Verdict, OneRunAloneIsJudgedAsAnyForcedRunAndMustLandOnTheTags) {
  VariantReport on_tags = broken_with({{1, 0}});
  on_tags.tsan.findings = {race_at(tag_lines())};
  const auto good = judge_alone(on_tags, "lost updates", kSource);
  EXPECT_TRUE(good.ok);
  EXPECT_EQ(good.line, "reproduced: broken: a detector reported in 1 of 1 forced runs, on the tagged lines");

  VariantReport off_tags = broken_with({{1, 0}});
  off_tags.tsan.findings = {race_at({1})};
  const auto off = judge_alone(off_tags, "lost updates", kSource);
  EXPECT_FALSE(off.ok);
  EXPECT_EQ(off.line, "not reproduced: ground truth not matched: findings outside the tagged lines: " +
                          std::string(kSource) + ":1 (broken, data race)");

  VariantReport quiet = broken_with({{0, 0}});
  EXPECT_EQ(judge_alone(quiet, "lost updates", kSource).line,
            "not reproduced: broken: a detector reported in 0 of 1 forced runs");

  VariantReport fix = clean_fix();
  fix.forced_symptoms = {{"lost updates", 2}};
  const auto dirty = judge_alone(fix, "lost updates", kSource);
  EXPECT_FALSE(dirty.ok);
  EXPECT_EQ(dirty.line, "not clean: fixed: lost updates = 2 (forced)");
}

}  // namespace
}  // namespace lockedges
