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
};

struct Diagnosis {
  std::vector<std::string> inputs;
  int reports = 0;                         // sanitizer reports read, all inputs
  std::vector<DiagnosedFinding> findings;  // in order of first appearance
  // The sanitizer failing rather than reporting ("FATAL: ThreadSanitizer:
  // unexpected memory mapping"), each "input: line".
  std::vector<std::string> tool_errors;
};

// diagnose — reads every input. Never throws on any text.
Diagnosis diagnose(const std::vector<DiagnoseInput>& inputs, const SourceSettings& settings,
                   const std::vector<Scenario>& scenarios);

// shown_path — `path` without the first of `settings.strip_prefixes` it
// starts with.
std::string shown_path(const std::string& path, const SourceSettings& settings);

// Renderers. Text fits `width` columns (80 on a projector); JSON is
// described in reports/schema.json ($defs/diagnosis).
std::string diagnosis_text(const Diagnosis& d, const SourceSettings& settings, bool color, std::size_t width = 80);
std::string diagnosis_json(const Diagnosis& d, const SourceSettings& settings);

}  // namespace lockedges
