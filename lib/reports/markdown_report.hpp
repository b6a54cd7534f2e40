// lockedges — the report as Markdown (report.md, `run --format md`): the
// summary table, then per scenario its verdict, lesson, detector matrix,
// findings with the source around them, CPU profiles and the recorded
// interleaving as a Mermaid diagram (mermaid.hpp).
#pragma once

#include <string>
#include <vector>

#include "reports/report.hpp"

namespace lockedges {

std::string render_markdown(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
