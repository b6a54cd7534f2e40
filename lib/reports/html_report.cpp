#include "reports/html_report.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "reports/html_page.hpp"

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


std::string duration_text(std::int64_t ns) {
  if (ns >= 1'000'000) return fmt::format("{:.1f} ms", static_cast<double>(ns) / 1e6);
  if (ns >= 1'000) return fmt::format("{:.1f} \u00b5s", static_cast<double>(ns) / 1e3);
  return fmt::format("{} ns", ns);
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

std::string locks_held(const tsan::Location& l) {
  if (!l.mutexes_known) return "<span class=\"muted\">not tracked by this detector</span>";
  if (l.access != "read" && l.access != "write" && l.mutexes.empty()) return "";
  if (l.mutexes.empty()) return "<span class=\"lock none\">no lock held</span>";
  std::string out;
  for (const auto& m : l.mutexes)
    out += fmt::format("<span class=\"lock {}\">{} {}</span>", m.shared ? "shared" : "exclusive",
                       m.shared ? "shared" : "exclusive", html_escape(m.id));
  return out;
}

// Reads a flame graph SVG the driver wrote under the report folder, to
// inline it; empty when it is missing or is not a plain SVG of ours.
std::string inline_svg(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  std::string svg = text.str();
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return "";
  svg.erase(0, start);  // an XML declaration has no place inside HTML
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("<script") != std::string::npos || lower.find("<foreignobject") != std::string::npos) return "";
  return svg;
}

// ---------------------------------------------------------------------------
// The sequence diagram. Drawn here by hand: no Debian-packaged tool draws a
// sequence diagram from our events without a JavaScript runtime or a network
// (Mermaid needs a browser to lay out; PlantUML a JVM and its own syntax), and
// the layout is a column per thread and a row per event.
// ---------------------------------------------------------------------------

constexpr int kTimeMargin = 92;  // the left column of times
constexpr int kLane = 310;       // one thread's column
constexpr int kHeader = 50;      // thread name boxes
constexpr int kLineHeight = 19;
constexpr int kPad = 7;
constexpr int kGap = 8;          // between boxes on one thread
constexpr int kSwitchGap = 22;   // room for the arrow when the run moves to another thread
constexpr std::size_t kWrap = 31;  // characters a box line holds at this width and font size

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    while (word.size() > width) {  // a long identifier: cut it
      if (!line.empty()) lines.push_back(std::move(line)), line.clear();
      lines.push_back(word.substr(0, width));
      word.erase(0, width);
    }
    if (!line.empty() && line.size() + 1 + word.size() > width) lines.push_back(std::move(line)), line.clear();
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  if (lines.empty()) lines.push_back("");
  return lines;
}

struct KindStyle {
  const char* fill;
  const char* stroke;
};

KindStyle kind_style(const std::string& kind) {
  if (kind == "lock") return {"#dbeafe", "#1e40af"};
  if (kind == "unlock") return {"#eef4fb", "#7b93b0"};
  if (kind == "wait") return {"#fcf0d9", "#a16207"};
  if (kind == "schedule") return {"#f1f5f9", "#64748b"};
  if (kind == "step") return {"#ffffff", "#334155"};
  return {"#f8fafc", "#94a3b8"};  // note
}

std::string event_text(const Event& e) { return e.what.empty() ? e.kind : e.what; }

}  // namespace


std::string sequence_diagram_svg(const VariantReport& v) {
  if (v.interleaving.empty()) return "";
  std::vector<int> threads;
  for (const auto& e : v.interleaving)
    if (std::find(threads.begin(), threads.end(), e.thread) == threads.end()) threads.push_back(e.thread);
  std::sort(threads.begin(), threads.end());
  auto lane_of = [&](int thread) {
    return static_cast<int>(std::find(threads.begin(), threads.end(), thread) - threads.begin());
  };
  auto lifeline_x = [](int lane) { return kTimeMargin + lane * kLane + 18; };

  struct Placed {
    const Event* event;
    int lane;
    int y;
    int height;
    std::vector<std::string> lines;
  };
  std::vector<Placed> placed;
  int y = kHeader + 16;
  for (const auto& e : v.interleaving) {
    const int lane = lane_of(e.thread);
    if (!placed.empty()) y += placed.back().lane == lane ? kGap : kSwitchGap;
    auto lines = wrap(event_text(e), kWrap);
    const int height = static_cast<int>(lines.size()) * kLineHeight + 2 * kPad;
    placed.push_back({&e, lane, y, height, std::move(lines)});
    y += height;
  }
  const int width = kTimeMargin + static_cast<int>(threads.size()) * kLane + 8;
  const int height = y + 18;

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"15\">\n",
      width, height, html_escape("recorded interleaving of " + v.name));
  // Thread headers and lifelines.
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const int x0 = kTimeMargin + static_cast<int>(i) * kLane;
    svg += fmt::format(
        "<rect x=\"{0}\" y=\"6\" width=\"{1}\" height=\"34\" rx=\"6\" fill=\"#e2e8f0\" stroke=\"#475569\"/>"
        "<text x=\"{2}\" y=\"29\" font-size=\"17\" font-weight=\"bold\" text-anchor=\"middle\">{3}</text>\n"
        "<line x1=\"{4}\" y1=\"40\" x2=\"{4}\" y2=\"{5}\" stroke=\"#94a3b8\" stroke-width=\"2\" "
        "stroke-dasharray=\"5 5\"/>\n",
        x0 + 4, kLane - 12, x0 + kLane / 2 - 2, html_escape(thread_name(v, threads[i])), lifeline_x(static_cast<int>(i)),
        height - 6);
  }
  // Lock holds: a bar on the lifeline from the lock event to its unlock.
  std::map<int, std::vector<std::pair<int, bool>>> held;  // lane -> open holds (y, shared)
  auto hold_bar = [&](int lane, int from, int to, bool shared, std::size_t depth) {
    // A lock taken while holding another: a bar beside the first, edged in
    // white so the two read apart.
    const int x = lifeline_x(lane) - 5 + static_cast<int>(depth) * 7;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"{}\" fill=\"{}\" stroke=\"{}\"/>\n", x,
                       from, std::max(4, to - from), shared ? "#93c5fd" : "#1e40af", depth > 0 ? "#ffffff" : "#1e3a8a");
  };
  for (const auto& p : placed) {
    const int mid = p.y + p.height / 2;
    if (p.event->kind == "lock") {
      held[p.lane].push_back({mid, p.event->what.find("shared") != std::string::npos});
    } else if (p.event->kind == "unlock" && !held[p.lane].empty()) {
      const auto [from, shared] = held[p.lane].back();
      held[p.lane].pop_back();
      hold_bar(p.lane, from, mid, shared, held[p.lane].size());
    }
  }
  for (auto& [lane, open] : held)  // still held when the recording ended
    for (std::size_t d = 0; d < open.size(); ++d) hold_bar(lane, open[d].first, height - 8, open[d].second, d);
  // The events, and an arrow where the run moves to another thread.
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const Placed& p = placed[i];
    if (i > 0 && placed[i - 1].lane != p.lane) {
      const int from = lifeline_x(placed[i - 1].lane);
      const int to = lifeline_x(p.lane);
      const int ay = p.y - kSwitchGap / 2;
      const int dir = to > from ? -1 : 1;
      svg += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#64748b\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"6 3\"/><polygon points=\"{},{} {},{} {},{}\" fill=\"#64748b\"/>\n",
          from, ay, to + 6 * dir, ay, to, ay, to + 9 * dir, ay - 5, to + 9 * dir, ay + 5);
    }
    const KindStyle style = kind_style(p.event->kind);
    const int x = lifeline_x(p.lane) + 12;
    svg += fmt::format(
        "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\" fill=\"{}\" "
        "stroke=\"{}\" stroke-width=\"1.5\"{}/>",
        html_escape(p.event->kind + ": " + event_text(*p.event)), x, p.y, kLane - 42, p.height, style.fill,
        style.stroke, p.event->kind == "schedule" ? " stroke-dasharray=\"4 3\"" : "");
    svg += fmt::format("<text x=\"{}\" y=\"{}\">", x + 8, p.y + kPad + 14);
    for (std::size_t k = 0; k < p.lines.size(); ++k)
      svg += fmt::format("<tspan x=\"{}\" dy=\"{}\">{}</tspan>", x + 8, k == 0 ? 0 : kLineHeight,
                         html_escape(p.lines[k]));
    svg += fmt::format("</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#52606d\" font-size=\"13\">"
                       "{}</text></g>\n",
                       kTimeMargin - 6, p.y + kPad + 14, html_escape(duration_text(p.event->t_ns)));
  }
  return svg + "</svg>\n";
}

namespace {

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
  std::string out = fmt::format("<div class=\"finding{}\">\n<p><strong>{}</strong> &times; {}</p>\n",
                                v.broken ? "" : " fixed", html_escape(f.kind), f.count);
  if (!f.diagnosis.empty()) out += "<p class=\"diagnosis\">" + html_escape(f.diagnosis) + "</p>\n";
  out += "<table>\n<thead><tr><th>access</th><th>where</th><th>thread</th><th>locks held</th>"
         "<th>ground truth</th></tr></thead>\n<tbody>\n";
  for (const auto& l : f.locations) {
    const Tag* tag = tag_at(r.ground_truth, l.line);
    const std::string where = l.file.empty() ? std::string("<span class=\"muted\">no frame in the case</span>")
                                             : html_code(fmt::format("{}:{}", display_file(l.file), l.line));
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(l.access),
                       where, html_escape(l.thread), locks_held(l),
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
        html_escape(v.name), role_badge(v), v.stress.ran ? human_count(v.stress.ops_per_second) : "-",
        bar(max_ops > 0 ? v.stress.ops_per_second / max_ops : 0, "ops"), duration_text(wait),
        bar(max_wait > 0 ? static_cast<double>(wait) / static_cast<double>(max_wait) : 0, "wait"), waits);
  }
  out += "</tbody>\n</table>\n";
  // Per lock: where the wait is, and how long the holds are.
  out += "<table>\n<thead><tr><th>variant</th><th>lock</th><th class=\"num\">exclusive</th>"
         "<th class=\"num\">shared</th><th class=\"num\">contended</th><th class=\"num\">p99 wait</th>"
         "<th class=\"num\">max wait</th><th class=\"num\">max hold</th></tr></thead>\n<tbody>\n";
  bool any = false;
  for (const auto& v : r.variants)
    for (const auto& l : v.stress.locks) {
      any = true;
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          html_escape(v.name), html_code(l.name), l.exclusive_acquisitions, l.shared_acquisitions, l.contended,
          duration_text(l.p99_wait_ns), duration_text(l.max_wait_ns), duration_text(l.max_hold_ns));
    }
  if (!any) out += "<tr><td colspan=\"8\" class=\"muted\">No instrumented lock was used in stress mode.</td></tr>\n";
  out += "</tbody>\n</table>\n";
  return out + "</section>\n";
}

std::string profile_html(const std::string& variant, const ProfileResult& p) {
  if (!p.ran || p.samples == 0)
    return fmt::format("<h4>{}</h4>\n<p class=\"muted\">No profile: {}</p>\n", html_escape(variant),
                       html_escape(p.error.empty() ? "not run" : p.error));
  std::string out = fmt::format("<h4>{}: {} samples in {:.2f} s, {:.0f}% in lock functions</h4>\n",
                                html_escape(variant), p.samples, p.seconds, 100 * lock_share(p));
  out += "<table>\n<thead><tr><th>function</th><th class=\"num\">flat</th><th class=\"num\">cum</th></tr></thead>\n"
         "<tbody>\n";
  for (const auto& f : p.top)
    out += fmt::format("<tr><td>{}{}</td><td class=\"num\">{:.1f}%</td><td class=\"num\">{:.1f}%</td></tr>\n",
                       html_code(f.name.size() > 140 ? f.name.substr(0, 137) + "..." : f.name),
                       f.lock ? " <span class=\"lock shared\">lock</span>" : "", 100 * f.flat_share,
                       100 * f.cum_share);
  out += "</tbody>\n</table>\n";
  const std::string svg = inline_svg(p.flame_graph);
  if (!svg.empty())
    out += "<figure class=\"svg-figure\">\n<figcaption>Flame graph (lock functions in blue; hover a frame for its "
           "samples): " + html_escape(p.flame_graph) + "</figcaption>\n" + svg + "</figure>\n";
  else if (!p.flame_graph.empty())
    out += "<p class=\"muted\">The flame graph " + html_code(p.flame_graph) + " could not be read.</p>\n";
  return out;
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
      out += fmt::format("<tr><td>{}{}</td><td class=\"num\">{:.1f}%</td><td class=\"num\">{:.1f}%</td></tr>\n",
                         html_code(c.name.size() > 140 ? c.name.substr(0, 137) + "..." : c.name),
                         c.lock ? " <span class=\"lock shared\">lock</span>" : "", 100 * c.before, 100 * c.after);
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
    const KindStyle s = kind_style(kind);
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

std::string render_profile_html(const ProfileSession& session) {
  std::string body = "<header>\n<h1>lockedges CPU profiles</h1>\n";
  const auto profiled = std::count_if(session.items.begin(), session.items.end(),
                                      [](const ProfileSession::Item& item) { return item.profile.ran; });
  body += fmt::format("<p class=\"title\">{} variant{} profiled with gperftools in {:.1f} s (asked: {:.1f} s at "
                      "{} Hz){}.</p>\n",
                      profiled, profiled == 1 ? "" : "s",
                      session.wall_seconds, session.seconds, session.hz,
                      session.interrupted ? "; interrupted by Ctrl-C, what was collected is kept" : "");
  body += "</header>\n<section id=\"summary\">\n<h3>Summary</h3>\n<table>\n<thead><tr><th>scenario</th>"
          "<th>variant</th><th class=\"num\">samples</th><th class=\"num\">in lock functions</th><th>top function"
          "</th></tr></thead>\n<tbody>\n";
  for (const auto& item : session.items) {
    const ProfileResult& p = item.profile;
    const bool ok = p.ran && p.samples > 0;
    body += fmt::format(
        "<tr><th><a href=\"#profile-{0}\">{0}</a></th><td>{1}</td><td class=\"num\">{2}</td>"
        "<td class=\"num\">{3}</td><td>{4}</td></tr>\n",
        html_escape(item.scenario->name), html_escape(item.variant->name), ok ? std::to_string(p.samples) : "-",
        ok ? fmt::format("{:.0f}%", 100 * lock_share(p)) : "-",
        ok && !p.top.empty() ? html_code(p.top.front().name.substr(0, 80))
                             : html_escape(p.error.empty() ? "not run" : p.error));
  }
  body += "</tbody>\n</table>\n";
  for (const auto& s : session.skipped) body += "<p class=\"muted\">Skipped, no time left: " + html_code(s) + "</p>\n";
  body += "</section>\n";
  const Scenario* current = nullptr;
  for (const auto& item : session.items) {
    if (item.scenario != current) {
      if (current != nullptr) body += "</section>\n";
      current = item.scenario;
      body += fmt::format("<section class=\"scenario\" id=\"profile-{0}\">\n<h2>{0}</h2>\n<p class=\"title\">{1}"
                          "</p>\n",
                          html_escape(current->name), html_escape(current->title));
    }
    body += profile_html(item.variant->name, item.profile);
  }
  if (current != nullptr) body += "</section>\n";
  body += "<footer>Written by lockedges " LOCKEDGES_VERSION
          ". profile.json beside this page holds the same numbers; each variant's folder holds cpu.prof "
          "(google-pprof --text build/lockedges cpu.prof) and flame.svg.</footer>\n";
  return html_page("lockedges CPU profiles", body);
}


}  // namespace lockedges
