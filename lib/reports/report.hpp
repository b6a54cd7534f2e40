// lockedges — the report model and its renderers.
//
// The driver fills a ScenarioReport per scenario and the verdict
// (lib/verdict) judges it; renderers turn a list of
// them into the terminal table, JSON (the schema reports/README.md
// documents) and Markdown. Renderers only format: every number is the driver's and
// every judgement the verdict's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
  double ops_per_second = 0;
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
  std::vector<profile::Function> top;  // by flat samples
  std::string error;        // why there is no profile (never a verdict)
};

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

nlohmann::json to_json(const ProfileResult& profile);
nlohmann::json to_json(const ScenarioReport& report);
nlohmann::json to_json(const std::vector<ScenarioReport>& reports);

// The terminal rendering: a side-by-side table per scenario, and a summary
// table when there is more than one.
std::string render_text(const std::vector<ScenarioReport>& reports);
std::string render_markdown(const std::vector<ScenarioReport>& reports);

// Rows of cells as left-aligned text columns, three spaces apart, each line
// starting with `indent`.
std::string text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent);

// "3.2M", "850k", "12" — for ops/s in narrow columns.
std::string human_count(double value);

// ---------------------------------------------------------------------------
// Pieces the text, Markdown and HTML renderers share, so that they say the
// same thing.
// ---------------------------------------------------------------------------

using Rows = std::vector<std::vector<std::string>>;

// The detector matrix: a header row (an empty label, then the variants'
// names), then one row per detector, symptom and measure.
Rows comparison_rows(const ScenarioReport& report);
// The summary table of several scenarios, with a header row.
Rows summary_rows(const std::vector<ScenarioReport>& reports);

// "shared M83, exclusive M9", or "no lock held".
std::string mutex_text(const std::vector<tsan::HeldMutex>& mutexes);
// A case file's path from "cases/" on (how the sources are embedded).
std::string display_file(const std::string& file);
// The ground-truth tag on `line`, or null.
const Tag* tag_at(const GroundTruth& ground_truth, int line);
// The name of the thread an interleaving event ran on ("?" if unknown).
std::string thread_name(const VariantReport& variant, int thread);

// SourceExcerpt — the case source around a finding's locations, from the
// sources embedded in the binary: one excerpt per file, neighbouring
// locations merged into one window.
struct SourceExcerpt {
  std::string file;                // "cases/x.cpp"
  int first = 0;                   // the line number of lines[0]
  std::vector<std::string> lines;
  std::vector<int> marked;         // the finding's lines, to highlight
};
std::vector<SourceExcerpt> source_excerpts(const tsan::Finding& finding, int context = 3);

// The recorded interleaving as a Mermaid sequenceDiagram (without the
// fence): a participant per thread, a note per event with its time, and a
// thread's activation while it holds a lock. Text is escaped with Mermaid's
// entity codes, so any event text is safe.
std::string mermaid_sequence(const VariantReport& variant);
std::string mermaid_escape(std::string_view text);

}  // namespace lockedges
