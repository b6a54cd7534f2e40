// lockedges — the report model: what a run found, for every renderer.
//
// The driver fills a ScenarioReport per scenario and the verdict
// (lib/verdict) judges it. Renderers, one per file, turn a list of them into
// JSON (json_report.hpp; the schema reports/README.md documents), the
// terminal table (text_report.hpp), Markdown (markdown_report.hpp), the HTML
// page (html_report.hpp) and JUnit XML (junit.hpp); pieces.hpp holds what
// they share, so they say the same thing. Renderers only format: every
// number is the driver's and every judgement the verdict's. This header
// holds the model only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "profiles/profile.hpp"
#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"
#include "sources/lesson.hpp"
#include "sources/source.hpp"
#include "detection/tsan_log.hpp"

namespace lockedges {

// What one detector (ThreadSanitizer, or AddressSanitizer + UBSan) said about
// one variant over all its forced runs.
struct DetectorResult {
  int runs = 0;                // forced-schedule children started
  int runs_with_warnings = 0;  // children whose log had at least one report
  int warnings = 0;            // all reports, all runs
  std::vector<tsan::Finding> findings;  // grouped over all runs; count sums the runs
  std::vector<std::string> logs;        // log files kept under the report folder
  std::vector<std::string> outcomes;    // per run: "exit 66", "killed by SIGSEGV", ...
  int schedule_completed_runs = 0;      // runs whose schedule points all met
};

// What one free-running child showed.
struct StressResult {
  bool ran = false;
  double seconds = 0;
  std::uint64_t ops = 0;
  // With repetitions (the stress time split into runs back to back), the
  // median of their rates, and their least and most; without, ops / seconds
  // for all three.
  double ops_per_second = 0;
  double ops_per_second_min = 0;
  double ops_per_second_max = 0;
  std::vector<double> repetition_rates;  // each repetition's ops per second, in order
  std::map<std::string, std::int64_t> symptoms;
  std::string outcome;      // "exit 0", "killed by SIGSEGV (...)", "timed out ..."
  int signal = 0;           // non-zero: the child died of this signal
  bool timed_out = false;   // the watchdog ended it (a hang or a deadlock)
  std::vector<LockStats> locks;
  std::string deadlock;     // the watchdog's description, when the threads deadlocked
};

// A short CPU profile of the variant's stress workload (plain build,
// gperftools).
struct ProfileResult {
  bool ran = false;
  std::string file;         // the pprof-format profile
  std::string flame_graph;  // the SVG drawn from its collapsed stacks
  double seconds = 0;
  std::int64_t samples = 0;
  std::int64_t harness_samples = 0;    // of them, the harness's (profiles/frames.hpp): the "harness" row
  std::vector<profile::Function> top;  // by flat samples
  std::string error;        // why there is no profile (never a verdict)
};

// A profile asked for that could not be taken or named (a child that failed,
// a missing addr2line), as against one that came back with no samples.
inline bool profile_failed(const ProfileResult& p) { return !p.error.empty() && p.flame_graph.empty(); }

// The share of a profile's samples the harness spent, 0..1.
inline double harness_share(const ProfileResult& p) {
  return p.samples > 0 ? static_cast<double>(p.harness_samples) / static_cast<double>(p.samples) : 0;
}

// What one forced run showed, both detectors together: their reports, and
// the scenario's symptom counter.
struct ForcedRun {
  int reports = 0;
  std::int64_t symptom = 0;
};

// The verdict's judgement of one variant (lib/verdict), for every renderer.
struct VariantJudgement {
  // A broken variant: it showed its bug in every forced run. A fix: clean.
  bool passed = false;
  // A broken variant: how it showed, as "broken: a detector reported in 3 of
  // 3 forced runs". A fix: what keeps it from being clean (reports, a
  // timed-out schedule point, a symptom, a crash, hang or deadlock), one
  // "fixed: ..." sentence each; empty when it is clean.
  std::vector<std::string> reasons;
};

// Where a variant's time went, in seconds (`run -v` and the JSON's
// `timings`).
struct VariantTimings {
  double forced = 0;     // the forced-schedule children, the first's start to the last's end
  double symbolise = 0;  // their reports symbolised (child/symboliser.hpp), after them
  double stress = 0;     // the stress child, start to end (its CPU profile included)
  double profile = 0;    // a profiled child of its own (--profile-seconds over --stress-seconds); 0: none
  // The CPU profile symbolised (addr2line, nm): beside the next variant's
  // children, so not part of wall_seconds.
  double profile_symbolise = 0;
};

struct VariantReport {
  std::string name;
  bool broken = false;
  std::string evidence;  // broken variants: "detector" or "symptom"
  std::string summary;
  DetectorResult tsan;
  DetectorResult asan;
  // Forced runs: the scenario's symptom summed over runs, and how many runs
  // showed it (a contention scenario's broken variant must, every run).
  std::map<std::string, std::int64_t> forced_symptoms;
  int runs_with_symptom = 0;
  int reproduced_runs = 0;  // broken variants: forced runs that showed the bug
  std::vector<ForcedRun> forced_runs;  // one per forced run, in order
  VariantJudgement judgement;
  StressResult stress;
  ProfileResult profile;
  std::vector<Event> interleaving;        // recorded in the first forced run
  std::vector<std::string> thread_names;  // Event::thread indexes this
  std::vector<std::string> errors;        // tool errors: the run says nothing about the code
  double wall_seconds = 0;                // every child of this variant, start to finish
  VariantTimings timings;
};

struct GroundTruth {
  bool matched = false;
  std::vector<Tag> tags;                 // RACE(X) tags in the case source
  std::vector<std::string> tags_hit;     // ids reached by some finding
  std::vector<std::string> off_tag;      // "file:line" of findings that missed every tag
  std::string note;                      // why not matched, in a sentence
};

inline constexpr const char* kVerdictReproducedAndFixed = "reproduced-and-fixed";
inline constexpr const char* kVerdictNotReproduced = "not-reproduced";
inline constexpr const char* kVerdictFixFailed = "fix-failed";
inline constexpr const char* kVerdictError = "error";
inline constexpr const char* kVerdictInterrupted = "interrupted";  // Ctrl-C or SIGTERM cut its runs short

struct ScenarioReport {
  std::string scenario;
  std::string title;
  std::string seed;
  std::string source;  // "cases/x.cpp"
  std::string symptom;
  Lesson lesson;  // the case's explanation, for reports that teach
  std::string verdict;
  std::vector<std::string> reasons;  // why the verdict is what it is
  int runs = 0;
  int reproduced_runs = 0;
  GroundTruth ground_truth;
  std::vector<VariantReport> variants;
  // Functions whose CPU share moved most from the first broken variant to
  // the first fix.
  std::vector<profile::Change> profile_diff;
  double wall_seconds = 0;
  std::string report_dir;
};

}  // namespace lockedges
