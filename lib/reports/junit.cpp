#include "reports/junit.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>


namespace lockedges {

namespace {

// One expectation of one scenario, as a JUnit test case.
struct Check {
  Check(std::string name_, double seconds_) : name(std::move(name_)), seconds(seconds_) {}
  std::string name;
  double seconds = 0;
  std::vector<std::string> failures;  // the driver's sentences; empty when it held
  std::vector<std::string> details;   // more lines for the failure's body
  std::vector<std::string> errors;    // tool errors: the runs say nothing either way
  std::vector<std::string> output;    // log files and the like, for <system-out>
};

std::vector<std::string> prefixed(const std::string& prefix, const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) out.push_back(prefix + line);
  return out;
}

std::vector<std::string> variant_output(const ScenarioReport& r, const VariantReport& v) {
  std::vector<std::string> out{"logs: " + r.report_dir + "/" + v.name + "/"};
  for (const auto* logs : {&v.tsan.logs, &v.asan.logs})
    for (const auto& log : *logs) out.push_back(log);
  return out;
}

std::vector<std::string> finding_details(const VariantReport& v) {
  std::vector<std::string> out;
  for (const auto* findings : {&v.tsan.findings, &v.asan.findings})
    for (const auto& f : *findings) {
      out.push_back(fmt::format("{} x{}: {}", f.kind, f.count, f.diagnosis));
      for (const auto& l : f.locations)
        out.push_back(fmt::format("  {} {}:{} {}", l.access, l.file.empty() ? "(no frame in the case)" : l.file,
                                  l.line, l.thread));
    }
  return out;
}

Check reproduced(const ScenarioReport& r, const VariantReport& v) {
  Check c(v.name + " reproduced", v.wall_seconds);
  if (!v.judgement.passed) {
    c.failures = v.judgement.reasons;
    c.details = prefixed("ThreadSanitizer run: ", v.tsan.outcomes);
  }
  c.errors = prefixed(v.name + ": ", v.errors);
  c.output = variant_output(r, v);
  return c;
}

// The runs were counted by the variants' test cases; this one only compares
// their findings with the tags, so it takes no time of its own.
Check ground_truth(const ScenarioReport& r) {
  const GroundTruth& gt = r.ground_truth;
  Check c("ground truth matched", 0);
  if (!gt.matched) {
    c.failures.push_back("ground truth not matched: " + gt.note);
    c.details = prefixed("off the tagged lines: ", gt.off_tag);
  }
  for (const auto& v : r.variants)
    if (v.broken)
      for (const auto& e : v.errors) c.errors.push_back(v.name + ": " + e);
  c.output.push_back("source: " + r.source);
  for (const auto& t : gt.tags)
    c.output.push_back(fmt::format("{}({}) line {}: {}{}", t.kind, t.id, t.line, t.note,
                                   std::find(gt.tags_hit.begin(), gt.tags_hit.end(), t.id) == gt.tags_hit.end()
                                       ? "  (never reached)"
                                       : ""));
  return c;
}

Check clean(const ScenarioReport& r, const VariantReport& v) {
  Check c(v.name + " clean", v.wall_seconds);
  if (!v.judgement.passed) c.failures = v.judgement.reasons;
  if (!c.failures.empty()) c.details = finding_details(v);
  c.errors = prefixed(v.name + ": ", v.errors);
  c.output = variant_output(r, v);
  return c;
}

std::vector<Check> checks(const ScenarioReport& r) {
  std::vector<Check> out;
  for (const auto& v : r.variants)
    if (v.broken) out.push_back(reproduced(r, v));
  out.push_back(ground_truth(r));
  for (const auto& v : r.variants)
    if (!v.broken) out.push_back(clean(r, v));
  // An error verdict always comes from some variant's errors; should one ever
  // come without, it must still not read as a pass.
  const bool any_error = std::any_of(out.begin(), out.end(), [](const Check& c) { return !c.errors.empty(); });
  if ((r.verdict == kVerdictError && !any_error) || r.verdict == kVerdictInterrupted) {
    out.emplace_back(r.verdict == kVerdictInterrupted ? "interrupted" : "tool run", 0);
    out.back().errors = r.reasons;
  }
  return out;
}

std::string join(const std::vector<std::string>& lines, const std::string& sep) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : sep) + line;
  return out;
}

std::string seconds_text(double seconds) { return fmt::format("{:.3f}", seconds); }

void add_testcase(pugi::xml_node suite, const ScenarioReport& r, const Check& c) {
  auto testcase = suite.append_child("testcase");
  testcase.append_attribute("classname") = ("lockedges." + r.scenario).c_str();
  testcase.append_attribute("name") = xml_safe(c.name).c_str();
  testcase.append_attribute("time") = seconds_text(c.seconds).c_str();
  if (!c.errors.empty()) {
    auto error = testcase.append_child("error");
    error.append_attribute("message") = xml_safe(join(c.errors, "; ")).c_str();
    error.append_attribute("type") = kVerdictError;
    error.text() = xml_safe(join(c.errors, "\n")).c_str();
  } else if (!c.failures.empty()) {
    auto failure = testcase.append_child("failure");
    failure.append_attribute("message") = xml_safe(join(c.failures, "; ")).c_str();
    failure.append_attribute("type") = r.verdict.c_str();
    std::vector<std::string> body = c.failures;
    body.insert(body.end(), c.details.begin(), c.details.end());
    failure.text() = xml_safe(join(body, "\n")).c_str();
  }
  if (!c.output.empty()) testcase.append_child("system-out").text() = xml_safe(join(c.output, "\n")).c_str();
}

struct Totals {
  int tests = 0;
  int failures = 0;
  int errors = 0;
};

Totals add_testsuite(pugi::xml_node suites, const ScenarioReport& r) {
  const std::vector<Check> cases = checks(r);
  Totals t;
  t.tests = static_cast<int>(cases.size());
  for (const auto& c : cases) {
    if (!c.errors.empty()) ++t.errors;
    else if (!c.failures.empty()) ++t.failures;
  }
  auto suite = suites.append_child("testsuite");
  suite.append_attribute("name") = r.scenario.c_str();
  suite.append_attribute("tests") = t.tests;
  suite.append_attribute("failures") = t.failures;
  suite.append_attribute("errors") = t.errors;
  suite.append_attribute("skipped") = 0;
  suite.append_attribute("time") = seconds_text(r.wall_seconds).c_str();
  auto properties = suite.append_child("properties");
  const std::vector<std::pair<std::string, std::string>> props{
      {"verdict", r.verdict}, {"seed", r.seed}, {"source", r.source}, {"title", r.title}, {"report_dir", r.report_dir}};
  for (const auto& [name, value] : props) {
    auto property = properties.append_child("property");
    property.append_attribute("name") = name.c_str();
    property.append_attribute("value") = xml_safe(value).c_str();
  }
  for (const auto& c : cases) add_testcase(suite, r, c);
  return t;
}

}  // namespace

// XML 1.0 has no way to write most control characters, escaped or not, and
// pugixml writes what it is given; a log line can hold one, so it becomes
// U+FFFD (checked by hand: no library we use filters them).
std::string xml_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      out += "\xEF\xBF\xBD";
    else
      out += ch;
  }
  return out;
}

pugi::xml_node junit_testsuites(pugi::xml_document& doc, const char* name) {
  auto declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = name;
  return suites;
}

std::string junit_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

std::string render_junit(const std::vector<ScenarioReport>& reports) {
  pugi::xml_document doc;
  auto suites = junit_testsuites(doc, "lockedges");
  auto tests = suites.append_attribute("tests");
  auto failures = suites.append_attribute("failures");
  auto errors = suites.append_attribute("errors");
  auto time = suites.append_attribute("time");
  Totals all;
  double seconds = 0;
  for (const auto& r : reports) {
    const Totals t = add_testsuite(suites, r);
    all.tests += t.tests;
    all.failures += t.failures;
    all.errors += t.errors;
    seconds += r.wall_seconds;
  }
  tests = all.tests;
  failures = all.failures;
  errors = all.errors;
  time = seconds_text(seconds).c_str();
  return junit_text(doc);
}

}  // namespace lockedges
