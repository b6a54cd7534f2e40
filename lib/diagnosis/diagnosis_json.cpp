// diagnose --format json: described in reports/schema.json ($defs/diagnosis).
#include <nlohmann/json.hpp>

#include "diagnosis/diagnosis.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

json location_json(const tsan::Location& l, const std::string& source_line, const SourceSettings& settings) {
  json mutexes = json::array();
  for (const tsan::HeldMutex& m : l.mutexes)
    mutexes.push_back({{"id", m.id}, {"name", tsan::mutex_label(m)}, {"mode", tsan::mode_word(m)}});
  json stack = json::array();
  for (const tsan::Frame& f : l.stack)
    stack.push_back({{"function", f.function}, {"file", shown_path(f.file, settings)}, {"line", f.line}});
  return {{"file", shown_path(l.file, settings)},
          {"line", l.line},
          {"function", l.function},
          {"access", l.access},
          {"thread", l.thread},
          {"mutexes_known", l.mutexes_known},
          {"mutexes", mutexes},
          {"source", source_line},
          {"stack", stack}};
}

json lesson_json(const std::optional<tsan::LessonMatch>& m) {
  if (!m) return nullptr;
  json why = json::array();
  for (Signal s : m->why) why.push_back({{"signal", signal_id(s)}, {"text", signal_text(s)}});
  return {{"scenario", m->scenario},
          {"confidence", m->confidence},
          {"why", why},
          {"commands", {"lockedges explain " + m->scenario, "lockedges run " + m->scenario}}};
}

}  // namespace

std::string diagnosis_json(const Diagnosis& d, const SourceSettings& settings) {
  json findings = json::array();
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    json locations = json::array();
    for (std::size_t i = 0; i < f.locations.size(); ++i)
      locations.push_back(location_json(f.locations[i], i < df.source_lines.size() ? df.source_lines[i] : "", settings));
    json signals = json::array();
    for (Signal s : f.signals) signals.push_back(signal_id(s));
    json finding{{"kind", f.kind},
                        {"tool", df.tool},
                        {"fingerprint", f.fingerprint},
                        {"count", f.count},
                        {"complete", !f.incomplete},
                        {"inputs", df.inputs},
                        {"summary", f.summary},
                        {"diagnosis", f.diagnosis},
                        {"locations", locations},
                        {"signals", signals},
                        {"lesson", lesson_json(df.lesson)}};
    if (!df.baseline.empty()) finding["baseline"] = df.baseline;
    findings.push_back(finding);
  }
  json doc = {{"command", "diagnose"},
              {"inputs", d.inputs},
              {"reports", d.reports},
              {"tool_errors", d.tool_errors},
              {"findings", findings}};
  if (!d.baseline.empty()) {
    doc["baseline"] = d.baseline;
    json gone = json::array();
    for (const KnownFinding& g : d.gone)
      gone.push_back({{"fingerprint", g.fingerprint}, {"kind", g.kind}, {"summary", g.summary}});
    doc["gone"] = gone;
  }
  return doc.dump(2) + "\n";
}

}  // namespace lockedges
