// lockedges — the HTML report: one self-contained page.
//
// `run` writes index.html beside report.md and report.json, `profile` beside
// profile.json. The page fetches nothing: its style sheet, the flame graphs
// and the sequence diagrams are inline, and it has no script, so it opens
// from a file, on a projector, attached to a bug, or printed. Renderers only
// format: every number and verdict comes from the report model.
//
// Written with fmt and a small escape function rather than a template
// library: Debian's C++ template libraries (kainjow Mustache 4.1, mstch
// 1.0.2) are logic-less and no longer developed upstream, and most of this
// page is computed (tables from the shared rows, SVG drawn from events), so a
// template would only move the same code into a data tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench_report.hpp"
#include "profile_report.hpp"
#include "report.hpp"

namespace lockedges {

// `&`, `<`, `>`, `"` and `'` as character references: safe in element text
// and in quoted attribute values.
std::string html_escape(std::string_view text);

// The recorded interleaving as an SVG sequence diagram: one lifeline per
// thread, each event a box on its thread's lifeline in the order it
// happened, with its time since the run started; a bar on a lifeline while
// the thread holds a lock. Empty when the variant recorded no events.
std::string sequence_diagram_svg(const VariantReport& variant);

// The `run` report. Every scenario gets a section with id `<scenario>` and
// sub-sections `<scenario>-lesson`, `-matrix`, `-findings`, `-cost`,
// `-profile` and `-interleaving`.
std::string render_html(const std::vector<ScenarioReport>& reports);

// The `bench` report: one table per benchmark table (bench_report.hpp), in
// sections with id `bench-<group>-<table>`; `results` (Google Benchmark's
// JSON) gives the machine and date.
std::string render_bench_html(const std::vector<BenchTable>& tables, const nlohmann::json& results);

// The `profile` report: the session, then per variant its top functions and
// flame graph, in sections with id `profile-<scenario>`.
std::string render_profile_html(const ProfileSession& session);

}  // namespace lockedges
