// diagnose --sarif: SARIF 2.1.0 (the OASIS standard), the format GitHub code
// scanning and other review pages read. nlohmann::json builds the document;
// the shape (rules, results, codeFlows, partialFingerprints) is SARIF's.
#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "detection/frames.hpp"
#include "diagnosis/diagnosis.hpp"
#include "sources/lesson.hpp"
#include "util/text.hpp"

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The key lockedges's fingerprint goes under in partialFingerprints; the
// version says how it is computed, so a later change of the recipe can
// take a new key rather than mismatch an old baseline.
constexpr const char* kFingerprintKey = "lockedges/v1";
constexpr const char* kSrcRoot = "SRCROOT";

// "lock-order-inversion (potential deadlock)" -> "lock-order-inversion-potential-deadlock".
std::string rule_id(std::string_view kind) {
  std::string id;
  for (char c : lowercase(kind)) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word) id += c;
    else if (!id.empty() && id.back() != '-') id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id.empty() ? "report" : id;
}

// "data-race" -> "DataRace": the rule's name, which SARIF wants readable and
// different from its id.
std::string rule_name(std::string_view id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return name;
}

// What each kind means, for the rule's description; the sanitizers'
// documentation defines the kinds, the sentences are ours. A kind not
// listed gets a sentence naming it.
std::string kind_description(std::string_view kind) {
  static const std::map<std::string, std::string, std::less<>> kKnown{
      {"data race", "Two threads accessed the same memory, at least one of them writing, and no lock or "
                    "atomic ordered the two accesses."},
      {"lock-order-inversion (potential deadlock)",
       "Threads took the same mutexes in different orders: a cycle in the lock graph, which can deadlock "
       "even if this run did not."},
      {"heap-use-after-free", "Memory was used after it was freed."},
      {"thread leak", "A thread was neither joined nor detached before the program ended."},
      {"double lock of a mutex", "A thread locked a mutex it already held."},
      {"unlock of an unlocked mutex", "A mutex was unlocked that no thread held (or another thread held)."},
      {"destroy of a locked mutex", "A mutex was destroyed while a thread held it."},
      {"read lock of a write locked mutex", "A thread took a read lock on a rwlock it held for writing."},
      {"read unlock of a write locked mutex", "A thread released as a reader a rwlock it held for writing."},
      {"signal-unsafe call inside of a signal", "A signal handler called a function that is not async-signal-safe."},
      {"signal handler spoils errno", "A signal handler changed errno without restoring it."},
  };
  // "unlock of an unlocked mutex (or by a wrong thread)": the kind, then
  // TSan's own aside.
  for (const auto& [known, description] : kKnown)
    if (kind.starts_with(known)) return description;
  return fmt::format("The sanitizer reported: {}.", kind);
}

std::string level_of(std::string_view kind) {
  return kind == "thread leak" || kind.starts_with("signal") ? "warning" : "error";
}

// A path as a URI reference: RFC 3986 percent-encoding of every byte that
// is not unreserved or '/'. Written here because none of the project's
// libraries encodes URIs, and this is the whole of what SARIF needs.
std::string uri_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '/';
    out += keep ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

// An artifactLocation: a shown path relative to SRCROOT, an absolute one as
// a file: URI.
json artifact(const std::string& file, const SourceSettings& settings) {
  const std::string shown = shown_path(file, settings);
  if (!shown.empty() && shown.front() == '/') return {{"uri", "file://" + uri_path(shown)}};
  return {{"uri", uri_path(shown)}, {"uriBaseId", kSrcRoot}};
}

json physical(const std::string& file, int line, const std::string& source, const SourceSettings& settings) {
  json p{{"artifactLocation", artifact(file, settings)}};
  if (line > 0) {
    json region{{"startLine", line}};
    if (!source.empty()) region["snippet"] = {{"text", source}};
    p["region"] = region;
  }
  return p;
}

// "T2's write, holding shared mu_ (M9)".
std::string location_words(const tsan::Location& l) {
  std::string words = (l.thread.empty() ? std::string() : l.thread + "'s ") + l.access;
  if (const std::string held = held_text(l); !held.empty()) words += ", " + held;
  return words;
}

json location_json(const tsan::Location& l, const std::string& source, int id, const SourceSettings& settings) {
  json loc{{"id", id}, {"message", {{"text", location_words(l)}}}};
  if (!l.file.empty()) loc["physicalLocation"] = physical(l.file, l.line, source, settings);
  if (!l.function.empty()) loc["logicalLocations"] = json::array({{{"fullyQualifiedName", l.function}, {"kind", "function"}}});
  return loc;
}

// One threadFlow per access: its stack, outermost frame first as a
// threadFlow runs, the access's own frame essential, the sanitizer's and
// the standard library's frames unimportant.
json thread_flow(const tsan::Location& l, std::size_t index, const SourceSettings& settings) {
  json locations = json::array();
  const int depth = static_cast<int>(l.stack.size());
  for (int i = depth - 1; i >= 0; --i) {
    const tsan::Frame& f = l.stack[static_cast<std::size_t>(i)];
    if (f.function.empty() && f.file.empty()) continue;  // "<null>": no code at all
    json at{{"message", {{"text", f.function.empty() ? std::string("(unknown function)") : f.function}}}};
    if (!f.file.empty()) {
      json p{{"artifactLocation", artifact(f.file, settings)}};
      if (f.line > 0) p["region"] = {{"startLine", f.line}};
      at["physicalLocation"] = p;
    }
    const bool own = f.file == l.file && f.line == l.line;
    locations.push_back({{"location", at},
                         {"nestingLevel", static_cast<int>(locations.size())},
                         {"importance", own ? "essential" : tsan::is_runtime_frame(f) ? "unimportant" : "important"}});
  }
  return {{"id", fmt::format("{}-{}", l.thread.empty() ? "thread" : l.thread, index + 1)},
          {"message", {{"text", location_words(l)}}},
          {"locations", locations}};
}

std::string result_message(const DiagnosedFinding& df) {
  std::string text = df.finding.diagnosis.empty() ? df.finding.kind + "." : df.finding.diagnosis;
  if (df.lesson)
    text += fmt::format(" It resembles the lesson {} (confidence {:.2f}): run `lockedges explain {}`.",
                        df.lesson->scenario, df.lesson->confidence, df.lesson->scenario);
  else
    text += " No lesson matches.";
  return text;
}

// The rule's help: what the kind is, then each lesson its findings
// resemble, as the case's own header comment tells it.
json rule_json(const std::string& kind, const std::vector<std::string>& lessons, const std::vector<Scenario>& scenarios) {
  std::string text = kind_description(kind);
  std::string markdown = text;
  for (const std::string& name : lessons) {
    const auto s = std::find_if(scenarios.begin(), scenarios.end(), [&](const Scenario& x) { return x.name == name; });
    if (s == scenarios.end()) continue;
    const Lesson lesson = lesson_of(*s);
    text += fmt::format("\n\nLesson {}: {}. {} Fix: {} See it: lockedges explain {}; lockedges run {}.", name, s->title,
                        lesson.pitfall, lesson.fix, name, name);
    markdown += fmt::format("\n\n**Lesson `{}`: {}.** {}\n\n*Fix:* {} ({})\n\nSee it: `lockedges explain {}`, "
                            "`lockedges run {}`.",
                            name, s->title, lesson.pitfall, lesson.fix, lesson.guideline, name, name);
  }
  return {{"id", rule_id(kind)},
          {"name", rule_name(rule_id(kind))},
          {"shortDescription", {{"text", kind_description(kind)}}},
          {"fullDescription", {{"text", kind_description(kind)}}},
          {"help", {{"text", text}, {"markdown", markdown}}},
          {"defaultConfiguration", {{"level", level_of(kind)}}},
          {"properties", {{"tags", {"concurrency", "sanitizer"}}}}};
}

}  // namespace

std::string diagnosis_sarif(const Diagnosis& d, const SourceSettings& settings, const std::vector<Scenario>& scenarios) {
  // A rule per kind, in order of first appearance, with the lessons its
  // findings resemble.
  std::vector<std::string> kinds;
  std::map<std::string, std::vector<std::string>> lessons;
  const auto add_kind = [&](const std::string& kind) {
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  };
  for (const DiagnosedFinding& df : d.findings) {
    add_kind(df.finding.kind);
    auto& named = lessons[df.finding.kind];
    if (df.lesson && std::find(named.begin(), named.end(), df.lesson->scenario) == named.end())
      named.push_back(df.lesson->scenario);
  }
  for (const KnownFinding& g : d.gone) add_kind(g.kind);
  json rules = json::array();
  for (const std::string& kind : kinds) rules.push_back(rule_json(kind, lessons[kind], scenarios));
  const auto rule_index = [&](const std::string& kind) {
    return static_cast<int>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
  };

  json results = json::array();
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    json locations = json::array();
    json flows = json::array();
    for (std::size_t i = 0; i < f.locations.size(); ++i) {
      const tsan::Location& l = f.locations[i];
      const std::string& source = i < df.source_lines.size() ? df.source_lines[i] : std::string();
      if (!l.file.empty()) locations.push_back(location_json(l, source, static_cast<int>(i), settings));
      if (!l.stack.empty()) flows.push_back(thread_flow(l, i, settings));
    }
    json r{{"ruleId", rule_id(f.kind)},
           {"ruleIndex", rule_index(f.kind)},
           {"level", level_of(f.kind)},
           {"message", {{"text", result_message(df)}}},
           {"partialFingerprints", {{kFingerprintKey, f.fingerprint}}},
           {"occurrenceCount", f.count},
           {"properties",
            {{"kind", f.kind},
             {"tool", df.tool},
             {"summary", f.summary},
             {"complete", !f.incomplete},
             {"inputs", df.inputs},
             {"lesson", df.lesson ? json(df.lesson->scenario) : json(nullptr)},
             {"confidence", df.lesson ? df.lesson->confidence : 0.0}}}};
    if (!locations.empty()) r["locations"] = locations;
    if (!flows.empty())
      r["codeFlows"] = json::array({{{"message", {{"text", f.kind}}}, {"threadFlows", flows}}});
    if (!df.baseline.empty()) r["baselineState"] = df.baseline == "new" ? "new" : "unchanged";
    results.push_back(r);
  }
  for (const KnownFinding& g : d.gone)
    results.push_back({{"ruleId", rule_id(g.kind)},
                       {"ruleIndex", rule_index(g.kind)},
                       {"level", level_of(g.kind)},
                       {"message", {{"text", g.summary.empty() ? g.kind + ": no longer reported." : g.summary}}},
                       {"partialFingerprints", {{kFingerprintKey, g.fingerprint}}},
                       {"baselineState", "absent"},
                       {"properties", {{"kind", g.kind}, {"summary", g.summary}}}});

  json notifications = json::array();
  for (const std::string& e : d.tool_errors)
    notifications.push_back({{"level", "error"}, {"message", {{"text", "The sanitizer failed, not the code: " + e}}}});
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(settings.src_root.empty() ? fs::current_path(ec) : fs::path(settings.src_root), ec);
  std::string root_uri = "file://" + uri_path(root.string());
  if (!root_uri.ends_with('/')) root_uri += '/';
  json run{{"tool",
            {{"driver",
              {{"name", "lockedges"},
               {"version", LOCKEDGES_VERSION},
               {"semanticVersion", LOCKEDGES_VERSION},
               {"rules", rules}}}}},
           {"originalUriBaseIds", {{kSrcRoot, {{"uri", root_uri}}}}},
           {"invocations",
            json::array({{{"executionSuccessful", d.tool_errors.empty()}, {"toolExecutionNotifications", notifications}}})},
           {"results", results},
           {"columnKind", "utf16CodeUnits"}};
  if (!d.baseline.empty()) run["properties"] = {{"baseline", d.baseline}};
  const json doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
  return doc.dump(2) + "\n";
}

}  // namespace lockedges
