// diagnose --baseline: an earlier diagnosis (its --format json or its
// --sarif file) against today's, by fingerprint.
#include <set>

#include <nlohmann/json.hpp>

#include "diagnosis/diagnosis.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

std::string string_at(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

bool read_baseline(std::string_view text, std::vector<KnownFinding>& known, std::string& error) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not JSON: a baseline is an earlier `diagnose --format json` or `--sarif` file";
    return false;
  }
  if (string_at(doc, "command") == "diagnose" && doc.contains("findings") && doc["findings"].is_array()) {
    for (const json& f : doc["findings"]) {
      if (!f.is_object() || string_at(f, "fingerprint").empty()) {
        error = "a finding without a fingerprint: not a `diagnose --format json` file";
        return false;
      }
      known.push_back({string_at(f, "fingerprint"), string_at(f, "kind"), string_at(f, "summary")});
    }
    return true;
  }
  if (string_at(doc, "version") == "2.1.0" && doc.contains("runs") && doc["runs"].is_array()) {
    for (const json& run : doc["runs"]) {
      if (!run.is_object() || !run.contains("results") || !run["results"].is_array()) continue;
      for (const json& r : run["results"]) {
        if (!r.is_object() || string_at(r, "baselineState") == "absent") continue;  // already gone then
        const json fp = r.value("partialFingerprints", json::object());
        const json props = r.value("properties", json::object());
        if (!fp.is_object() || string_at(fp, "lockedges/v1").empty()) continue;  // not a result of ours
        known.push_back({string_at(fp, "lockedges/v1"), props.is_object() ? string_at(props, "kind") : "",
                         props.is_object() ? string_at(props, "summary") : ""});
      }
    }
    return true;
  }
  error = "neither a `diagnose --format json` file (\"command\": \"diagnose\") nor SARIF 2.1.0";
  return false;
}

void compare_with_baseline(Diagnosis& d, const std::string& file, const std::vector<KnownFinding>& known) {
  d.baseline = file;
  std::set<std::string> before, now;
  for (const KnownFinding& k : known) before.insert(k.fingerprint);
  for (DiagnosedFinding& f : d.findings) {
    f.baseline = before.contains(f.finding.fingerprint) ? "known" : "new";
    now.insert(f.finding.fingerprint);
  }
  std::set<std::string> listed;
  for (const KnownFinding& k : known)
    if (!now.contains(k.fingerprint) && listed.insert(k.fingerprint).second) d.gone.push_back(k);
}

int Diagnosis::new_findings() const {
  int n = 0;
  for (const DiagnosedFinding& f : findings) n += f.baseline != "known";
  return n;
}

}  // namespace lockedges
