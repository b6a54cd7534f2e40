#include "reports/mermaid.hpp"

#include <map>

#include <fmt/format.h>

#include "reports/pieces.hpp"

namespace lockedges {

std::string mermaid_escape(std::string_view text) {
  // Mermaid reads `;` as the end of a statement, `#` as the start of an
  // entity code and a colon as the start of a message, and a line break
  // ends one; `#name;` entity codes stand for each character it would
  // misread, and the angle brackets and ampersand it would take for HTML.
  std::string out;
  for (char c : text) {
    switch (c) {
      case '#': out += "#35;"; break;
      case ';': out += "#59;"; break;
      case ':': out += "#58;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      case '"': out += "#quot;"; break;
      case '`': out += "#96;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string mermaid_sequence(const VariantReport& v) {
  std::string out = "sequenceDiagram\n";
  // Participants get safe ids (T0, T1, ...) and the thread name as alias.
  for (int t : interleaving_threads(v))
    out += fmt::format("    participant T{} as {}\n", t, mermaid_escape(thread_name(v, t)));
  std::map<int, int> active;  // thread -> locks held, so no deactivate is unmatched
  for (const auto& e : v.interleaving) {
    out += fmt::format("    Note over T{}: {} \u2014 {}\n", e.thread, duration_text(e.t_ns),
                       mermaid_escape(event_text(e)));
    if (e.kind == "lock") {
      out += fmt::format("    activate T{}\n", e.thread);
      ++active[e.thread];
    } else if (e.kind == "unlock" && active[e.thread] > 0) {
      out += fmt::format("    deactivate T{}\n", e.thread);
      --active[e.thread];
    }
  }
  return out;
}

}  // namespace lockedges
