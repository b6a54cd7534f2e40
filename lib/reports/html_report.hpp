// lockedges — the HTML report: one self-contained page.
//
// `run` writes index.html beside report.md and report.json (writer.hpp);
// `profile` writes its own page (html_profile.hpp) beside profile.json. A
// page fetches nothing: its style sheet (html_page.hpp), the flame graphs
// and the sequence diagrams (sequence_svg.hpp) are inline, and it has no
// script, so it opens from a file, on a projector, attached to a bug, or
// printed. Renderers only format: every number and verdict comes from the
// report model.
#pragma once

#include <string>
#include <vector>

#include "reports/report.hpp"

namespace lockedges {

// The `run` report. Every scenario gets a section with id `<scenario>` and
// sub-sections `<scenario>-lesson`, `-matrix`, `-findings`, `-cost`,
// `-profile` and `-interleaving`.
std::string render_html(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
