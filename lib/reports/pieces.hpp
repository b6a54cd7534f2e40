// lockedges — the pieces the text, Markdown and HTML renderers share, so
// that they say the same thing: the tables' rows, how a held lock, a file, a
// duration and a count are written, and the source around a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/report.hpp"

namespace lockedges {

using Rows = std::vector<std::vector<std::string>>;

// The detector matrix: a header row (an empty label, then the variants'
// names), then one row per detector, symptom and measure.
Rows comparison_rows(const ScenarioReport& report);
// The summary table of several scenarios, with a header row.
Rows summary_rows(const std::vector<ScenarioReport>& reports);

// A Markdown table of `rows`, the first its header.
std::string markdown_table(const Rows& rows);
// A Markdown table cell: a `|` would end the cell, a newline the row.
std::string md_inline(std::string_view text);
// Inline code that survives backticks in the text.
std::string md_code(std::string_view text);

// The locks of a stress run, one row per family: locks whose names differ
// only in the numbers in brackets (a striped store's "sessions[3].mu_") are
// merged (merge_into) under "sessions[*].mu_, 512 locks", so a table of
// locks stays readable; a lock alone in its family keeps its own name. In
// the order each family first appears.
std::vector<LockStats> lock_families(const std::vector<LockStats>& locks);

// "shared M83, exclusive M9", or "no lock held".
std::string mutex_text(const std::vector<tsan::HeldMutex>& mutexes);
// What a finding grouped from cut-short reports says after its count
// (Finding::incomplete); "" for any other.
std::string incomplete_note(const tsan::Finding& finding);
// A case file's path from "cases/" on (how the sources are embedded).
std::string display_file(const std::string& file);
// The ground-truth tag on `line`, or null.
const Tag* tag_at(const GroundTruth& ground_truth, int line);
// The name of the thread an interleaving event ran on ("?" if unknown).
std::string thread_name(const VariantReport& variant, int thread);
// The threads that act in the variant's interleaving, ascending.
std::vector<int> interleaving_threads(const VariantReport& variant);
// What an interleaving event says: its text, or its kind when it has none.
std::string event_text(const Event& event);

// "3.2M", "850k", "12" — for ops/s in narrow columns.
std::string human_count(double value);
// The unit human_count writes `value` in: its scale and suffix (1e6, "M").
std::pair<double, const char*> count_unit(double value);
// " (11.9-12.8)": the least and the most of repetitions around `value`, in
// the unit human_count writes `value` in.
std::string spread_text(double value, double least, double most);
// "12.30M ops/s (11.0-13.1)": the stress throughput (the repetitions'
// median), `unit`, and with repetitions their spread; "-" if none ran.
std::string throughput_text(const StressResult& stress, std::string_view unit);
// "1.5 ms", "12.0 us", "850 ns". `micro` spells the microsecond: "us" in
// plain text, "\u00b5s" (µs) on the HTML page.
std::string duration_text(std::int64_t ns, std::string_view micro = "us");
// `text`, or its first `max - 3` bytes and "..." when it is longer than `max`.
std::string shortened(const std::string& text, std::size_t max);

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

}  // namespace lockedges
