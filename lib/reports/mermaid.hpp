// lockedges — a recorded interleaving as a Mermaid sequence diagram, for
// report.md (GitHub and GitLab draw the ```mermaid block).
#pragma once

#include <string>
#include <string_view>

#include "reports/report.hpp"

namespace lockedges {

// The recorded interleaving as a Mermaid sequenceDiagram (without the
// fence): a participant per thread, a note per event with its time, and a
// thread's activation while it holds a lock. Text is escaped with Mermaid's
// entity codes, so any event text is safe.
std::string mermaid_sequence(const VariantReport& variant);
std::string mermaid_escape(std::string_view text);

}  // namespace lockedges
