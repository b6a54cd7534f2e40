// lockedges — the HTML report: one self-contained page.
//
// `run` writes index.html beside report.md and report.json, `profile` beside
// profile.json. The page fetches nothing: its style sheet, the flame graphs
// and the sequence diagrams are inline, and it has no script, so it opens
// from a file, on a projector, attached to a bug, or printed. Renderers only
// format: every number and verdict comes from the report model.

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/html_page.hpp"
#include "reports/profile_report.hpp"
#include "reports/report.hpp"

namespace lockedges {

// The recorded interleaving as an SVG sequence diagram: one lifeline per
// thread, each event a box on its thread's lifeline in the order it
// happened, with its time since the run started; a bar on a lifeline while
// the thread holds a lock. Empty when the variant recorded no events.
std::string sequence_diagram_svg(const VariantReport& variant);

// The `run` report. Every scenario gets a section with id `<scenario>` and
// sub-sections `<scenario>-lesson`, `-matrix`, `-findings`, `-cost`,
// `-profile` and `-interleaving`.
std::string render_html(const std::vector<ScenarioReport>& reports);

// The `profile` report: the session, then per variant its top functions and
// flame graph, in sections with id `profile-<scenario>`.
std::string render_profile_html(const ProfileSession& session);

}  // namespace lockedges
