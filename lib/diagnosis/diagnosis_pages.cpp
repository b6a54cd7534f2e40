// diagnose's Markdown (a pull request's comment, a CI summary), HTML page
// (the run report's look: its style sheet, lock badges and source excerpts)
// and JUnit XML (a test case per finding, for CI's test tab).
#include <fmt/format.h>
#include <pugixml.hpp>

#include <sstream>

#include "detection/fingerprint.hpp"
#include "diagnosis/diagnosis.hpp"
#include "reports/html_page.hpp"
#include "reports/junit.hpp"
#include "reports/pieces.hpp"

namespace lockedges {
namespace {

// "data race x18, 2abaaacbe5d56143" and, with a baseline, "[new]".
std::string heading(const DiagnosedFinding& df) {
  std::string h = df.finding.kind;
  if (df.finding.count > 1) h += fmt::format(" \u00d7{}", df.finding.count);
  return h;
}

std::string where(const tsan::Location& l, const SourceSettings& settings) {
  return l.file.empty() ? std::string() : fmt::format("{}:{}", shown_path(l.file, settings), l.line);
}

std::string lesson_words(const DiagnosedFinding& df) {
  if (!df.lesson) return "no lesson matches this report.";
  return fmt::format("{} (confidence {:.2f})", df.lesson->scenario, df.lesson->confidence);
}

}  // namespace

std::string diagnosis_markdown(const Diagnosis& d, const SourceSettings& settings) {
  std::string out = "# lockedges diagnose\n\n" + diagnosis_totals(d) + ".";
  if (!d.baseline.empty()) out += " " + md_inline(baseline_summary(d));
  out += "\n";
  for (const std::string& e : d.tool_errors) out += "\n> The sanitizer failed, not the code: " + md_inline(e) + "\n";
  if (d.reports == 0 && d.tool_errors.empty()) out += "\nNo sanitizer report in the input: nothing to diagnose.\n";
  int n = 0;
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    out += fmt::format("\n## {}. {}{}\n\n", ++n, md_inline(heading(df)),
                       df.baseline.empty() ? "" : " [" + df.baseline + "]");
    out += fmt::format("{}, fingerprint {}{}.\n\n", df.tool, md_code(f.fingerprint),
                       f.incomplete ? ", every report cut short" : "");
    Rows rows{{"access", "thread", "where", "function", "locks"}};
    for (const tsan::Location& l : f.locations)
      rows.push_back({l.access, l.thread,
                      where(l, settings).empty() ? "(no frame in your code)" : md_code(where(l, settings)),
                      l.function.empty() ? "" : md_code(tsan::function_key(l.function)), held_text(l)});
    out += markdown_table(rows);
    for (std::size_t i = 0; i < f.locations.size() && i < df.source_lines.size(); ++i)
      if (!df.source_lines[i].empty())
        out += fmt::format("\n`{}`:\n\n```cpp\n{}\n```\n", where(f.locations[i], settings), df.source_lines[i]);
    out += "\n" + md_inline(f.diagnosis) + "\n\n**Lesson:** " + md_inline(lesson_words(df));
    if (df.lesson) {
      out += "\n";
      for (Signal s : df.lesson->why) out += "\n- " + md_inline(signal_text(s));
      out += fmt::format("\n\nSee it: `lockedges explain {0}`, `lockedges run {0}`.", df.lesson->scenario);
    }
    out += "\n";
    if (df.inputs.size() > 1) out += fmt::format("\nReported in {} inputs.\n", df.inputs.size());
  }
  if (!d.gone.empty()) {
    out += "\n## Gone since the baseline\n\n";
    for (const KnownFinding& g : d.gone)
      out += fmt::format("- {} {}\n", md_code(g.fingerprint), md_inline(g.summary.empty() ? g.kind : g.summary));
  }
  return out;
}

std::string diagnosis_html(const Diagnosis& d, const SourceSettings& settings) {
  std::string body = "<header>\n<h1>lockedges diagnose</h1>\n<p>" + html_escape(diagnosis_totals(d)) + ".";
  if (!d.baseline.empty()) body += " " + html_escape(baseline_summary(d));
  body += "</p>\n</header>\n";
  for (const std::string& e : d.tool_errors)
    body += "<p class=\"v-error\">The sanitizer failed, not the code: " + html_code(e) + "</p>\n";
  if (d.reports == 0 && d.tool_errors.empty())
    body += "<p class=\"muted\">No sanitizer report in the input: nothing to diagnose.</p>\n";
  // An index first: with twenty findings, the one a reader came for is a click away.
  if (!d.findings.empty()) {
    body +=
        "<nav>\n<table>\n<thead><tr><th>#</th><th>finding</th><th>first in your code</th><th>lesson</th></tr>"
        "</thead>\n<tbody>\n";
    int i = 0;
    for (const DiagnosedFinding& df : d.findings) {
      const tsan::Finding& f = df.finding;
      const std::string at = f.locations.empty() ? std::string() : where(f.locations.front(), settings);
      body += fmt::format("<tr><td>{}</td><td><a href=\"#finding-{}\">{}</a>{}</td><td>{}</td><td>{}</td></tr>\n", ++i,
                          f.fingerprint, html_escape(heading(df)), df.baseline.empty() ? "" : " [" + df.baseline + "]",
                          at.empty() ? "" : html_code(at), df.lesson ? html_code(df.lesson->scenario) : "none");
    }
    body += "</tbody>\n</table>\n</nav>\n";
  }
  int n = 0;
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    body += fmt::format("<section id=\"finding-{}\">\n<div class=\"finding{}\">\n<h2>{}. {}</h2>\n", f.fingerprint,
                        df.baseline == "known" ? " fixed" : "", ++n, html_escape(heading(df)));
    body += fmt::format("<p class=\"muted\">{}, fingerprint {}{}{}</p>\n", html_escape(df.tool),
                        html_code(f.fingerprint), df.baseline.empty() ? "" : ", " + df.baseline + " since the baseline",
                        f.incomplete ? ", every report cut short" : "");
    body +=
        "<table>\n<thead><tr><th>access</th><th>thread</th><th>where</th><th>locks held</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < f.locations.size(); ++i) {
      const tsan::Location& l = f.locations[i];
      std::string at = l.file.empty() ? std::string("<span class=\"muted\">no frame in your code</span>")
                                      : html_code(where(l, settings));
      if (!l.function.empty())
        at += "<br><span class=\"muted\">" + html_code(tsan::function_key(l.function)) + "</span>";
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(l.access),
                          html_escape(l.thread), at, locks_html(l));
      // The source line gets a row of its own, so a long line wraps there
      // instead of pushing the locks column off the page.
      const std::string& src = i < df.source_lines.size() ? df.source_lines[i] : std::string();
      if (!src.empty())
        body += fmt::format(
            "<tr><td colspan=\"4\"><pre class=\"source\"><span class=\"line mark\"><span "
            "class=\"ln\">{}</span>{}</span></pre></td></tr>\n",
            l.line, html_escape(src));
    }
    body += "</tbody>\n</table>\n";
    if (!f.diagnosis.empty()) body += "<p class=\"diagnosis\">" + html_escape(f.diagnosis) + "</p>\n";
    body += "<p><strong>Lesson:</strong> " + html_escape(lesson_words(df)) + "</p>\n";
    if (df.lesson) {
      body += "<ul>\n";
      for (Signal s : df.lesson->why) body += "<li>" + html_escape(signal_text(s)) + "</li>\n";
      body += fmt::format("</ul>\n<p>See it: {}, {}</p>\n", html_code("lockedges explain " + df.lesson->scenario),
                          html_code("lockedges run " + df.lesson->scenario));
    }
    if (!f.summary.empty()) body += "<p class=\"muted\">Sanitizer summary: " + html_code(f.summary) + "</p>\n";
    body += "</div>\n</section>\n";
  }
  if (!d.gone.empty()) {
    body += "<section id=\"gone\">\n<h2>Gone since the baseline</h2>\n<ul>\n";
    for (const KnownFinding& g : d.gone)
      body += "<li>" + html_code(g.fingerprint) + " " + html_escape(g.summary.empty() ? g.kind : g.summary) + "</li>\n";
    body += "</ul>\n</section>\n";
  }
  return html_page("lockedges diagnose", body);
}

std::string diagnosis_junit(const Diagnosis& d, const SourceSettings& settings) {
  pugi::xml_document doc;
  auto suites = junit_testsuites(doc, "lockedges diagnose");
  auto suite = suites.append_child("testsuite");
  suite.append_attribute("name") = "diagnose";
  // Each finding is a test case that fails, unless a baseline knew it; a
  // gone finding is a case that passes, so the CI page shows it was fixed.
  int failures = 0;
  int tests = 0;
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    ++tests;
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = xml_safe("lockedges.diagnose." + df.tool).c_str();
    const std::string at = f.locations.empty() ? std::string() : where(f.locations.front(), settings);
    tc.append_attribute("name") =
        xml_safe(fmt::format("{} {}{}", f.kind, f.fingerprint, at.empty() ? "" : " at " + at)).c_str();
    tc.append_attribute("time") = "0";
    std::ostringstream detail;
    for (const tsan::Location& l : f.locations) {
      detail << l.access << (l.thread.empty() ? "" : " by " + l.thread) << " at "
             << (where(l, settings).empty() ? "(no frame in your code)" : where(l, settings));
      if (const std::string held = held_text(l); !held.empty()) detail << ", " << held;
      detail << "\n";
    }
    detail << "Lesson: " << lesson_words(df) << "\nReported " << f.count << (f.count == 1 ? " time" : " times")
           << " in: " << joined(df.inputs) << "\n";
    if (df.baseline == "known") {
      tc.append_child("system-out").text() =
          xml_safe("Known in the baseline " + d.baseline + ".\n" + detail.str()).c_str();
      continue;
    }
    ++failures;
    auto failure = tc.append_child("failure");
    failure.append_attribute("message") = xml_safe(f.diagnosis).c_str();
    failure.append_attribute("type") = xml_safe(f.kind).c_str();
    failure.text() = xml_safe(detail.str()).c_str();
  }
  for (const KnownFinding& g : d.gone) {
    ++tests;
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = "lockedges.diagnose.gone";
    tc.append_attribute("name") = xml_safe(fmt::format("{} {} gone", g.kind, g.fingerprint)).c_str();
    tc.append_attribute("time") = "0";
    tc.append_child("system-out").text() = xml_safe("In the baseline, reported no more: " + g.summary + "\n").c_str();
  }
  // A sanitizer that failed says nothing of the code: an error, not a failure.
  for (const std::string& e : d.tool_errors) {
    ++tests;
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = "lockedges.diagnose.tool";
    tc.append_attribute("name") = "the sanitizer ran";
    tc.append_attribute("time") = "0";
    auto error = tc.append_child("error");
    error.append_attribute("message") = xml_safe(e).c_str();
    error.append_attribute("type") = "error";
  }
  for (auto node : {suites, suite}) {
    node.append_attribute("tests") = tests;
    node.append_attribute("failures") = failures;
    node.append_attribute("errors") = static_cast<int>(d.tool_errors.size());
  }
  suite.append_attribute("skipped") = 0;
  return junit_text(doc);
}

}  // namespace lockedges
