// lockedges — `diagnose`: an engineer's own sanitizer logs, read, grouped,
// explained and matched to the lesson each finding most resembles.
//
// The input is whatever the engineer has: TSan's log_path files, a whole
// test run's output with other text between the reports, several
// processes' logs at once, AddressSanitizer/UBSan reports. Every report is
// parsed by the parsers `run` uses (detection/), every finding is keyed on
// its fingerprint, so one bug reported by many processes, runs and builds
// is one finding, and each finding names the scenario whose lesson it
// resembles, with the signals that led there and a confidence, or none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_api/scenario.hpp"
#include "detection/findings.hpp"
#include "detection/lessons.hpp"

namespace lockedges {

// One log as it was read: its name as the user gave it ("-" for standard
// input) and its text.
struct DiagnoseInput {
  std::string name;
  std::string text;
};

// Where the user's code is and how to show its paths.
struct SourceSettings {
  // --src-root: only frames under it are the user's code, and source lines
  // are read from it; "" means every frame that is not the standard
  // library's or the sanitizer's.
  std::string src_root;
  // --strip-prefix: cut from the front of every path shown, and tried in
  // turn when a file named in the log is looked for under src_root.
  std::vector<std::string> strip_prefixes;
};

struct DiagnosedFinding {
  tsan::Finding finding;             // count = reports merged, across inputs
  std::string tool;                  // "ThreadSanitizer", "AddressSanitizer", "UndefinedBehaviorSanitizer"
  std::vector<std::string> inputs;   // the inputs it was reported in, in order
  std::optional<tsan::LessonMatch> lesson;
  // The user's own line of each location where the file could be read,
  // "" where not; same order as finding.locations.
  std::vector<std::string> source_lines;
  // With --baseline: "new" (the baseline does not have its fingerprint) or
  // "known"; "" without one.
  std::string baseline;
};

// A finding of an earlier diagnosis, as a baseline file keeps it.
struct KnownFinding {
  std::string fingerprint;
  std::string kind;
  std::string summary;
};

struct Diagnosis {
  std::vector<std::string> inputs;
  int reports = 0;                         // sanitizer reports read, all inputs
  std::vector<DiagnosedFinding> findings;  // in order of first appearance
  // The sanitizer failing rather than reporting ("FATAL: ThreadSanitizer:
  // unexpected memory mapping"), each "input: line".
  std::vector<std::string> tool_errors;
  // --baseline: its file ("" without one), and its findings that no input
  // reported again.
  std::string baseline;
  std::vector<KnownFinding> gone;

  // How many findings the baseline did not have (every finding without a
  // baseline): what makes the exit status 1.
  int new_findings() const;
};

// diagnose — reads every input. Never throws on any text.
Diagnosis diagnose(const std::vector<DiagnoseInput>& inputs, const SourceSettings& settings,
                   const std::vector<Scenario>& scenarios);

// read_baseline — the findings of an earlier `diagnose --format json` or
// `--sarif` file. False, saying why in `error`, for text that is neither.
bool read_baseline(std::string_view text, std::vector<KnownFinding>& known, std::string& error);

// compare_with_baseline — marks each finding new or known, and lists the
// baseline's findings that are gone.
void compare_with_baseline(Diagnosis& d, const std::string& file, const std::vector<KnownFinding>& known);

// shown_path — `path` without the first of `settings.strip_prefixes` it
// starts with.
std::string shown_path(const std::string& path, const SourceSettings& settings);

// held_text — the locks of one location in words: "holding shared
// idx.mu_, exclusive M3", "no lock held", "mutex batch_writer.cpp:12" (the
// one a misuse report is about), or "" where the detector does not track
// locks.
std::string held_text(const tsan::Location& l);

// diagnosis_totals — "3 inputs, 96 reports, 17 findings"; baseline_summary —
// "Baseline: 1 new, 2 known, 0 gone (against FILE)."; for every output.
std::string diagnosis_totals(const Diagnosis& d);
std::string baseline_summary(const Diagnosis& d);

// Renderers. Text fits `width` columns (80 on a projector); JSON is
// described in reports/schema.json ($defs/diagnosis).
std::string diagnosis_text(const Diagnosis& d, const SourceSettings& settings, bool color, std::size_t width = 80);
std::string diagnosis_json(const Diagnosis& d, const SourceSettings& settings);
// Markdown (a pull request's comment), an HTML page in the run report's
// look, and JUnit XML: a test case per finding, failed unless the baseline
// knew it, one per gone finding that passes.
std::string diagnosis_markdown(const Diagnosis& d, const SourceSettings& settings);
std::string diagnosis_html(const Diagnosis& d, const SourceSettings& settings);
std::string diagnosis_junit(const Diagnosis& d, const SourceSettings& settings);
// SARIF 2.1.0 for code-scanning pages: a rule per report kind, its help
// from the lessons its findings resemble; a result per finding.
std::string diagnosis_sarif(const Diagnosis& d, const SourceSettings& settings, const std::vector<Scenario>& scenarios);

}  // namespace lockedges
