// A ScenarioReport with every part filled that a quick real run leaves
// empty: findings with locations and held mutexes, a deadlock, lock
// statistics, a CPU profile and its broken-to-fixed diff, a recorded
// interleaving, tool errors. The numbers are made up but consistent, so the
// schema test and the JUnit test can check renderers against known answers.
//
// Variants, and what the JUnit test cases must say of them:
//   broken      detector evidence, 2 of 3 forced runs reported  -> "broken reproduced" fails
//   broken-slow symptom evidence, 3 of 3 runs showed it          -> "broken-slow reproduced" passes
//   fixed       one TSan report, a stress deadlock               -> "fixed clean" fails
//   fixed-io    its report folder could not be made              -> "fixed-io clean" is an error
// and the ground truth is not matched (a finding off the tags) -> fails.
#pragma once

#include "reports/report.hpp"
#include "support/locations.hpp"
#include "verdict/verdict.hpp"

namespace lockedges::testing {

inline tsan::Finding sample_finding() {
  tsan::Finding f;
  f.kind = "data race";
  f.count = 2;
  f.summary = "data race cases/sample.cpp:60 in operator()";
  f.diagnosis = "write under a shared (read) lock: T1's write holds M7 only in shared mode.";
  tsan::Location write = location("cases/sample.cpp", 60, "write", "T1", {held("M7", true)});
  tsan::Location read = location("cases/sample.cpp", 46, "read", "T2", {held("M7", true), held("M9", false)});
  f.locations = {write, read};
  return f;
}

// What AddressSanitizer says of a callback that reads a map freed by another
// thread: no lock information (ASan tracks none).
inline tsan::Finding sample_asan_finding() {
  tsan::Finding f;
  f.kind = "heap-use-after-free";
  f.count = 1;
  f.summary = "heap-use-after-free cases/sample.cpp:75 in callback";
  f.diagnosis = "a callback read the map after another thread freed it.";
  f.locations = {location("cases/sample.cpp", 75, "read", "T3", {}, false),
                 location("cases/sample.cpp", 80, "free", "T1", {}, false),
                 location("", 0, "alloc", "main thread", {}, false)};
  return f;
}

inline DetectorResult sample_detector(int runs, int runs_with_warnings, const std::string& dir,
                                      const std::string& tool) {
  DetectorResult d;
  d.runs = runs;
  d.runs_with_warnings = runs_with_warnings;
  d.warnings = 2 * runs_with_warnings;
  d.schedule_completed_runs = runs;
  if (runs_with_warnings > 0) d.findings = {sample_finding()};
  for (int i = 1; i <= runs; ++i) {
    d.logs.push_back(dir + "/" + tool + "-" + std::to_string(i) + ".log");
    d.outcomes.push_back(i <= runs_with_warnings ? "exit 66" : "exit 0");
  }
  return d;
}

// What each forced run showed: `reported` of them with two reports each,
// the first `with_symptom` with the symptom counter at 2.
inline std::vector<ForcedRun> sample_forced_runs(int runs, int reported, int with_symptom) {
  std::vector<ForcedRun> out;
  for (int i = 0; i < runs; ++i) out.push_back({i < reported ? 2 : 0, i < with_symptom ? 2 : 0});
  return out;
}

inline ProfileResult sample_profile(const std::string& dir, double lock_share) {
  ProfileResult p;
  p.ran = true;
  p.file = dir + "/cpu.prof";
  p.flame_graph = dir + "/flame.svg";
  p.seconds = 0.25;
  p.samples = 200;
  p.harness_samples = 10;
  p.top = {{"pthread_rwlock_wrlock", static_cast<std::int64_t>(200 * lock_share), lock_share,
            static_cast<std::int64_t>(200 * lock_share), lock_share, true, "pthread_rwlock_wrlock"},
           {"bump", 20, 0.1, 180, 0.9, false, "bump(std::vector<int, std::allocator<int> >&)"},
           {"harness", 10, 0.05, 10, 0.05, false, "harness"}};
  return p;
}

inline VariantReport sample_variant(const std::string& dir, const std::string& name, bool broken) {
  VariantReport v;
  v.name = name;
  v.broken = broken;
  v.evidence = broken ? "detector" : "";
  v.summary = name + " variant of the sample";
  v.tsan = sample_detector(3, broken ? 3 : 0, dir + "/" + name, "tsan");
  v.asan = sample_detector(1, 0, dir + "/" + name, "asan");
  v.forced_symptoms = {{"lost updates", broken ? 4 : 0}};
  v.runs_with_symptom = broken ? 2 : 0;
  v.stress.ran = true;
  v.stress.seconds = 0.5;
  v.stress.ops = 1'000'000;
  v.stress.ops_per_second = 2e6;  // the median of the repetitions below
  v.stress.ops_per_second_min = 1.8e6;
  v.stress.ops_per_second_max = 2.3e6;
  v.stress.repetition_rates = {2.3e6, 1.8e6, 2e6};
  v.stress.symptoms = {{"lost updates", broken ? 1234 : 0}};
  v.stress.outcome = "exit 0";
  v.stress.locks = {{.name = "store.mu_",
                     .exclusive_acquisitions = 10,
                     .shared_acquisitions = 900,
                     .contended = 30,
                     .timed_waits = 4,
                     .total_wait_ns = 5'000'000,
                     .max_wait_ns = 400'000,
                     .p99_wait_ns = 262'143,
                     .hold_samples = 2,
                     .total_hold_ns = 80'000,
                     .max_hold_ns = 9'000}};
  v.profile = sample_profile(dir + "/" + name, broken ? 0.1 : 0.6);
  v.thread_names = {"main", "writer", "reader"};
  v.interleaving = {{0, 1000, 1, "lock", "takes shared lock store.mu_", -1},
                    {1, 2000, 1, "step", "reads visits = 0", -1},
                    {2, 2500, 2, "wait", "waits for exclusive lock store.mu_", -1},
                    {3, 3000, 1, "schedule", "goes on: reader is blocked on store.mu_", 2},
                    {4, 3500, 1, "unlock", "releases shared lock store.mu_", -1},
                    {5, 4000, 0, "note", "both threads joined", -1}};
  v.forced_runs = sample_forced_runs(3, broken ? 3 : 0, v.runs_with_symptom);
  v.wall_seconds = 1.5;
  judge_variant(v, "lost updates");
  return v;
}

inline ScenarioReport sample_report() {
  ScenarioReport r;
  r.scenario = "sample-scenario";
  r.title = "a made-up scenario with every report part filled";
  r.seed = "9.9";
  r.source = "cases/sample.cpp";
  r.symptom = "lost updates";
  r.lesson = {"A write under a read lock.", {"writer reads", "reader reads", "writer writes"},
              "Take the exclusive lock.", "CP.2", "The study's 9.9.", "Nothing differs."};
  r.runs = 3;
  r.report_dir = "/tmp/sample/sample-scenario";

  VariantReport broken = sample_variant(r.report_dir, "broken", true);
  broken.tsan = sample_detector(3, 2, r.report_dir + "/broken", "tsan");
  broken.forced_runs = sample_forced_runs(3, 2, 2);
  broken.asan.runs_with_warnings = 1;
  broken.asan.warnings = 1;
  broken.asan.findings = {sample_asan_finding()};
  broken.asan.outcomes = {"exit 1"};
  VariantReport slow = sample_variant(r.report_dir, "broken-slow", true);
  slow.evidence = "symptom";
  slow.tsan = sample_detector(3, 0, r.report_dir + "/broken-slow", "tsan");
  slow.forced_runs = sample_forced_runs(3, 0, 3);
  VariantReport fixed = sample_variant(r.report_dir, "fixed", false);
  fixed.tsan = sample_detector(3, 1, r.report_dir + "/fixed", "tsan");
  fixed.stress.timed_out = true;
  fixed.stress.signal = 9;
  fixed.stress.outcome = "timed out after 2.5 s";
  fixed.stress.deadlock = "writer waits for exclusive store.mu_, held shared by reader; reader waits for b.mu_";
  VariantReport io = sample_variant(r.report_dir, "fixed-io", false);
  io.errors = {"cannot create /tmp/sample/sample-scenario/fixed-io: Permission denied"};
  r.variants = {broken, slow, fixed, io};
  for (auto& v : r.variants) judge_variant(v, r.symptom);

  r.ground_truth.matched = false;
  r.ground_truth.note = "findings outside the tagged lines: cases/sample.cpp:61 (broken, data race)";
  r.ground_truth.tags = {{"RACE", "A", 60, "write under the shared lock"}, {"RACE", "A", 46, "the read"}};
  r.ground_truth.tags_hit = {"A"};
  r.ground_truth.off_tag = {"cases/sample.cpp:61 (broken, data race)"};
  r.profile_diff = {{"pthread_rwlock_wrlock", 0.1, 0.6, true}, {"bump", 0.1, 0.1, false}};
  r.verdict = kVerdictError;
  r.reasons = {"fixed-io: " + io.errors.front()};
  r.wall_seconds = 6.0;
  return r;
}

}  // namespace lockedges::testing
