// lockedges — a recorded interleaving as an SVG sequence diagram, for the
// HTML report.
//
// Drawn here by hand: no Debian-packaged tool draws a sequence diagram from
// our events without a JavaScript runtime or a network (Mermaid needs a
// browser to lay out; PlantUML a JVM and its own syntax), and the layout is a
// column per thread and a row per event.
#pragma once

#include <string>

#include "reports/report.hpp"

namespace lockedges {

// The recorded interleaving as an SVG sequence diagram: one lifeline per
// thread, each event a box on its thread's lifeline in the order it
// happened, with its time since the run started; a bar on a lifeline while
// the thread holds a lock. Empty when the variant recorded no events.
std::string sequence_diagram_svg(const VariantReport& variant);

// The colours of an event's box by its kind ("lock", "unlock", "wait",
// "schedule", "step", "note"), for the diagram and its legend.
struct EventStyle {
  const char* fill;
  const char* stroke;
};
EventStyle event_style(const std::string& kind);

}  // namespace lockedges
