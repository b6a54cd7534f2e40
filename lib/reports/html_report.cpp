#include "reports/html_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/html_profile.hpp"
#include "reports/pieces.hpp"
#include "reports/sequence_svg.hpp"

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges {

namespace {

// ---------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------

// The verdict's colour class and symbol.
std::pair<std::string, std::string> verdict_style(const std::string& verdict) {
  if (verdict == kVerdictReproducedAndFixed) return {"ok", "\u2713"};
  if (verdict == kVerdictNotReproduced) return {"warn", "?"};
  if (verdict == kVerdictFixFailed) return {"bad", "\u2717"};
  return {"error", "!"};
}

std::string verdict_badge(const std::string& verdict) {
  const auto [cls, symbol] = verdict_style(verdict);
  return fmt::format("<span class=\"verdict v-{}\">{} {}</span>", cls, symbol, html_escape(verdict));
}

// "broken" or "fix" beside a variant's name, unless the name says it already.
std::string role_badge(const VariantReport& v) {
  if (v.name.rfind(v.broken ? "broken" : "fix", 0) == 0) return "";
  return v.broken ? "<span class=\"role broken\">broken</span>" : "<span class=\"role fixed\">fix</span>";
}

// A horizontal bar `share` (0..1) of its cell wide; nothing for zero.
std::string bar(double share, const char* cls) {
  if (!(share > 0)) return "";
  return fmt::format("<div class=\"bar {}\" style=\"width:{:.1f}%\"></div>", cls, 100 * std::min(1.0, share));
}

// A table from rows whose first row is the header; `cell` may return the
// cell's HTML attributes (a class) for each body cell.
template <typename CellClass>
std::string html_table(const Rows& rows, CellClass cell_class, std::string_view table_class) {
  if (rows.empty()) return "";
  std::string out = fmt::format("<table class=\"{}\">\n<thead><tr>", table_class);
  for (const auto& h : rows.front()) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    out += "<tr>";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (c == 0) {
        out += "<th>" + html_escape(rows[r][c]) + "</th>";
        continue;
      }
      const std::string cls = cell_class(r, c);
      out += (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + html_escape(rows[r][c]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}


// ---------------------------------------------------------------------------
// The sections of one scenario
// ---------------------------------------------------------------------------

std::string summary_table(const std::vector<ScenarioReport>& reports) {
  const Rows rows = summary_rows(reports);
  // An arrow that cannot break in two where the column wraps.
  auto arrows = [](std::string text) {
    for (auto at = text.find(" -> "); at != std::string::npos; at = text.find(" -> ", at))
      text.replace(at, 4, " \u2192 ");
    return text;
  };
  std::string out = "<table class=\"summary\">\n<thead><tr>";
  for (const auto& h : rows.front()) out += "<th>" + html_escape(arrows(h)) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& row = rows[i + 1];
    out += fmt::format("<tr><th><a href=\"#{0}\">{0}</a></th><td>{1}</td>", html_escape(reports[i].scenario),
                       verdict_badge(reports[i].verdict));
    for (std::size_t c = 2; c < row.size(); ++c)
      out += (c + 1 == row.size() || c == 2 ? "<td class=\"nowrap\">" : "<td>") + html_escape(arrows(row[c])) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string lesson_section(const ScenarioReport& r) {
  const Lesson& l = r.lesson;
  std::string out = fmt::format("<section id=\"{}-lesson\">\n<h3>The lesson</h3>\n<dl class=\"lesson\">\n",
                                html_escape(r.scenario));
  auto item = [&](const char* term, const std::string& text) {
    if (!text.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", term, html_escape(text));
  };
  item("The pitfall", l.pitfall);
  if (!l.interleaving.empty()) {
    out += "<dt>The bad interleaving</dt><dd><ol>";
    for (const auto& step : l.interleaving) out += "<li>" + html_escape(step) + "</li>";
    out += "</ol></dd>\n";
  }
  item("The fix", l.fix);
  item("Guideline", l.guideline);
  item("The Go original", l.go_origin);
  item("Not so in C++", l.cpp_differs);
  if (l.pitfall.empty() && l.interleaving.empty() && l.fix.empty())
    out += "<dt>Lesson</dt><dd class=\"muted\">This scenario has no written lesson.</dd>\n";
  return out + "</dl>\n</section>\n";
}

std::string matrix_section(const ScenarioReport& r) {
  const Rows rows = comparison_rows(r);
  // Colour the cells that say "bug" or "clean"; measures stay plain.
  auto cell_class = [&](std::size_t row, std::size_t col) -> std::string {
    const std::string& label = rows[row][0];
    const std::string& text = rows[row][col];
    if (label == "throughput" || label == "lock wait" || label == "CPU profile" || label == "stress child")
      return "";
    if (text == "-" || text == "not run") return "";
    const bool clean = text.rfind("clean", 0) == 0 || text == "none" || text == "0" || text.rfind("0 in", 0) == 0;
    if (clean) return "ok";
    return r.variants[col - 1].broken ? "hit" : "bad";
  };
  std::string out =
      fmt::format("<section id=\"{}-matrix\">\n<h3>What each detector saw</h3>\n", html_escape(r.scenario));
  out += html_table(rows, cell_class, "matrix");
  out += "<p class=\"muted\">Shaded amber: the bug showing in a broken variant, as it should. Red: a fix that "
         "is not clean. Symptom rows count what the plain build saw running free for the stress time.</p>\n";
  return out + "</section>\n";
}

std::string excerpt_html(const SourceExcerpt& e, const GroundTruth& gt) {
  std::string out = "<figure>\n<figcaption>" + html_escape(e.file) + "</figcaption>\n<pre class=\"source\">";
  for (std::size_t k = 0; k < e.lines.size(); ++k) {
    const int line = e.first + static_cast<int>(k);
    const bool marked = std::find(e.marked.begin(), e.marked.end(), line) != e.marked.end();
    const Tag* tag = marked ? tag_at(gt, line) : nullptr;
    out += fmt::format("<span class=\"line{}\"{}><span class=\"ln\">{}</span>{}</span>", marked ? " mark" : "",
                       tag ? " title=\"" + html_escape(tag->kind + "(" + tag->id + "): " + tag->note) + "\"" : "",
                       line, html_escape(e.lines[k]));
  }
  return out + "</pre>\n</figure>\n";
}

std::string finding_html(const ScenarioReport& r, const VariantReport& v, const tsan::Finding& f) {
  std::string out = fmt::format("<div class=\"finding{}\">\n<p><strong>{}</strong> &times; {}{}</p>\n",
                                v.broken ? "" : " fixed", html_escape(f.kind), f.count,
                                html_escape(incomplete_note(f)));
  if (!f.diagnosis.empty()) out += "<p class=\"diagnosis\">" + html_escape(f.diagnosis) + "</p>\n";
  out += "<table>\n<thead><tr><th>access</th><th>where</th><th>thread</th><th>locks held</th>"
         "<th>ground truth</th></tr></thead>\n<tbody>\n";
  for (const auto& l : f.locations) {
    const Tag* tag = tag_at(r.ground_truth, l.line);
    const std::string where = l.file.empty() ? std::string("<span class=\"muted\">no frame in the case</span>")
                                             : html_code(fmt::format("{}:{}", display_file(l.file), l.line));
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(l.access),
                       where, html_escape(l.thread), locks_html(l),
                       tag ? html_escape(fmt::format("{}({}): {}", tag->kind, tag->id, tag->note))
                           : std::string("<span class=\"muted\">no tag</span>"));
  }
  out += "</tbody>\n</table>\n";
  for (const auto& e : source_excerpts(f)) out += excerpt_html(e, r.ground_truth);
  if (!f.summary.empty()) out += "<p class=\"muted\">Sanitizer summary: " + html_code(f.summary) + "</p>\n";
  return out + "</div>\n";
}

std::string ground_truth_html(const ScenarioReport& r) {
  const GroundTruth& gt = r.ground_truth;
  std::string out = fmt::format("<h4>Ground truth: {}</h4>\n", gt.matched ? "matched" : "not matched");
  if (!gt.note.empty()) out += "<p>" + html_escape(gt.note) + "</p>\n";
  if (gt.tags.empty()) return out + "<p class=\"muted\">The case has no tags.</p>\n";
  out += "<table>\n<thead><tr><th>tag</th><th class=\"num\">line</th><th>what happens there</th>"
         "<th>reached</th></tr></thead>\n<tbody>\n";
  for (const auto& t : gt.tags) {
    const bool hit = std::find(gt.tags_hit.begin(), gt.tags_hit.end(), t.id) != gt.tags_hit.end();
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                       html_escape(t.kind + "(" + t.id + ")"), t.line, html_escape(t.note), hit ? "ok" : "",
                       hit ? "yes" : "no");
  }
  out += "</tbody>\n</table>\n";
  for (const auto& off : gt.off_tag) out += "<p>Finding outside every tag: " + html_code(off) + "</p>\n";
  return out;
}

std::string findings_section(const ScenarioReport& r) {
  std::string out = fmt::format("<section id=\"{}-findings\">\n<h3>Findings and lock modes</h3>\n",
                                html_escape(r.scenario));
  for (const auto& v : r.variants) {
    const std::size_t n = v.tsan.findings.size() + v.asan.findings.size();
    out += fmt::format("<h4>{}{}: {}</h4>\n", html_escape(v.name), role_badge(v),
                       n == 0 ? std::string("no findings") : fmt::format("{} finding{}", n, n == 1 ? "" : "s"));
    if (!v.summary.empty()) out += "<p class=\"muted\">" + html_escape(v.summary) + "</p>\n";
    for (const auto* list : {&v.tsan.findings, &v.asan.findings})
      for (const auto& f : *list) out += finding_html(r, v, f);
    if (!v.stress.deadlock.empty())
      out += "<p class=\"diagnosis\">Deadlocked in stress mode: " + html_escape(v.stress.deadlock) + "</p>\n";
    for (const auto& e : v.errors) out += "<p class=\"v-error\">Tool error: " + html_escape(e) + "</p>\n";
  }
  out += ground_truth_html(r);
  return out + "</section>\n";
}

std::string cost_section(const ScenarioReport& r) {
  std::string out = fmt::format("<section id=\"{}-cost\">\n<h3>Throughput and lock wait</h3>\n",
                                html_escape(r.scenario));
  double max_ops = 0;
  std::int64_t max_wait = 0;
  auto total_wait = [](const VariantReport& v) {
    std::int64_t ns = 0;
    for (const auto& l : v.stress.locks) ns += l.total_wait_ns;
    return ns;
  };
  for (const auto& v : r.variants) {
    max_ops = std::max(max_ops, v.stress.ops_per_second);
    max_wait = std::max(max_wait, total_wait(v));
  }
  out += "<table>\n<thead><tr><th>variant</th><th class=\"num\">ops/s</th><th style=\"width:28%\"></th>"
         "<th class=\"num\">lock wait</th><th style=\"width:28%\"></th><th class=\"num\">waits</th></tr></thead>\n"
         "<tbody>\n";
  for (const auto& v : r.variants) {
    std::uint64_t waits = 0;
    for (const auto& l : v.stress.locks) waits += l.contended;
    const std::int64_t wait = total_wait(v);
    out += fmt::format(
        "<tr><th>{}{}</th><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        html_escape(v.name), role_badge(v), throughput_text(v.stress, ""),
        bar(max_ops > 0 ? v.stress.ops_per_second / max_ops : 0, "ops"), duration_text(wait, kHtmlMicro),
        bar(max_wait > 0 ? static_cast<double>(wait) / static_cast<double>(max_wait) : 0, "wait"), waits);
  }
  out += "</tbody>\n</table>\n";
  // Per lock: where the wait is, and how long the holds are.
  out += "<table>\n<thead><tr><th>variant</th><th>lock</th><th class=\"num\">exclusive</th>"
         "<th class=\"num\">shared</th><th class=\"num\">contended</th><th class=\"num\">p99 wait</th>"
         "<th class=\"num\">max wait</th><th class=\"num\">max hold</th></tr></thead>\n<tbody>\n";
  bool any = false;
  for (const auto& v : r.variants)
    for (const auto& l : lock_families(v.stress.locks)) {
      any = true;
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          html_escape(v.name), html_code(l.name), l.exclusive_acquisitions, l.shared_acquisitions, l.contended,
          duration_text(l.p99_wait_ns, kHtmlMicro), duration_text(l.max_wait_ns, kHtmlMicro),
          duration_text(l.max_hold_ns, kHtmlMicro));
    }
  if (!any) out += "<tr><td colspan=\"8\" class=\"muted\">No instrumented lock was used in stress mode.</td></tr>\n";
  out += "</tbody>\n</table>\n";
  return out + "</section>\n";
}

std::string profile_section(const ScenarioReport& r) {
  std::string out =
      fmt::format("<section id=\"{}-profile\">\n<h3>CPU profile</h3>\n", html_escape(r.scenario));
  const bool any = std::any_of(r.variants.begin(), r.variants.end(),
                               [](const VariantReport& v) { return v.profile.ran || !v.profile.error.empty(); });
  if (!any)
    return out + fmt::format("<p class=\"muted\">Not profiled in this run: {} adds a gperftools profile of each "
                             "variant.</p>\n</section>\n",
                             html_code("lockedges run " + r.scenario + " --profile-seconds 0.25"));
  if (!r.profile_diff.empty()) {
    out += "<h4>CPU share, broken &rarr; fixed: the functions that moved most</h4>\n<table>\n<thead><tr>"
           "<th>function</th><th class=\"num\">broken</th><th class=\"num\">fixed</th></tr></thead>\n<tbody>\n";
    for (const auto& c : r.profile_diff)
      out += fmt::format("<tr>{}<td class=\"num\">{:.1f}%</td><td class=\"num\">{:.1f}%</td></tr>\n",
                         function_cell_html(c.name, c.full_name, c.lock), 100 * c.before, 100 * c.after);
    out += "</tbody>\n</table>\n";
  }
  for (const auto& v : r.variants) out += profile_html(v.name, v.profile);
  return out + "</section>\n";
}

std::string interleaving_section(const ScenarioReport& r) {
  std::string out = fmt::format("<section id=\"{}-interleaving\">\n<h3>The recorded interleaving</h3>\n",
                                html_escape(r.scenario));
  out += "<p class=\"muted\">What the first forced run did, event by event, as recorded at each schedule point "
         "and lock: time since the run started on the left. A bar on a lifeline is a lock held (light: shared, "
         "dark: exclusive); a dashed arrow is the run moving on to another thread.</p>\n";
  out += "<p class=\"legend\">";
  for (const char* kind : {"step", "lock", "unlock", "wait", "schedule", "note"}) {
    const EventStyle s = event_style(kind);
    out += fmt::format("<span><i style=\"background:{};border-color:{}\"></i>{}</span>", s.fill, s.stroke, kind);
  }
  out += "</p>\n";
  bool any = false;
  for (const auto& v : r.variants) {
    if (v.interleaving.empty()) continue;
    any = true;
    out += fmt::format("<h4>{}{}: {} events</h4>\n<figure class=\"svg-figure seq-figure\">\n{}</figure>\n",
                       html_escape(v.name), role_badge(v), v.interleaving.size(), sequence_diagram_svg(v));
  }
  if (!any) out += "<p class=\"muted\">No forced run recorded its events.</p>\n";
  return out + "</section>\n";
}

std::string scenario_section(const ScenarioReport& r) {
  const auto [cls, symbol] = verdict_style(r.verdict);
  std::string out = fmt::format("<section class=\"scenario {}\" id=\"{}\">\n<h2>{}</h2>{}\n", cls,
                                html_escape(r.scenario), html_escape(r.scenario), verdict_badge(r.verdict));
  out += "<p class=\"title\">" + html_escape(r.title) + "</p>\n";
  out += fmt::format("<p class=\"muted\">Go study \u00a7{}; source {}; reproduced in {} of {} forced runs; "
                     "{:.1f} s; raw logs {}</p>\n",
                     html_escape(r.seed), html_code(r.source), r.reproduced_runs, r.runs, r.wall_seconds,
                     html_code(r.report_dir + "/"));
  if (!r.reasons.empty()) {
    out += "<ul class=\"reasons\">";
    for (const auto& reason : r.reasons) out += "<li>" + html_escape(reason) + "</li>";
    out += "</ul>\n";
  }
  out += lesson_section(r);
  out += matrix_section(r);
  out += findings_section(r);
  out += cost_section(r);
  out += profile_section(r);
  out += interleaving_section(r);
  return out + "</section>\n";
}

}  // namespace

std::string render_html(const std::vector<ScenarioReport>& reports) {
  std::string body = "<header>\n<h1>lockedges report</h1>\n";
  const auto fixed = std::count_if(reports.begin(), reports.end(), [](const ScenarioReport& r) {
    return r.verdict == kVerdictReproducedAndFixed;
  });
  body += fmt::format("<p class=\"title\">{} of {} scenario{} reproduced and fixed.</p>\n", fixed, reports.size(),
                      reports.size() == 1 ? "" : "s");
  body += "</header>\n<section id=\"summary\">\n<h3>Summary</h3>\n" + summary_table(reports) + "</section>\n";
  for (const auto& r : reports) body += scenario_section(r);
  body += "<footer>Written by lockedges " LOCKEDGES_VERSION
          ". report.md and report.json beside this page hold the same results; each scenario's folder holds "
          "every child's logs.</footer>\n";
  return html_page("lockedges report", body);
}

}  // namespace lockedges
