// lockedges — the report on the terminal: what `run` prints.
#pragma once

#include <string>
#include <vector>

#include "reports/pieces.hpp"
#include "reports/report.hpp"

namespace lockedges {

// A side-by-side table per scenario, its findings, profile moves and
// verdict; then a summary table when there is more than one.
std::string render_text(const std::vector<ScenarioReport>& reports);

// Rows of cells as left-aligned text columns, three spaces apart, each line
// starting with `indent`.
std::string text_table(const Rows& rows, const std::string& indent);

}  // namespace lockedges
