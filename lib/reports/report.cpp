#include "reports/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "child/protocol.hpp"

namespace lockedges {

namespace {

using nlohmann::json;

json to_json(const tsan::Finding& f) {
  json locations = json::array();
  for (const auto& l : f.locations) {
    json mutexes = json::array();
    for (const auto& m : l.mutexes) mutexes.push_back((m.shared ? "read " : "write ") + m.id);
    locations.push_back({{"file", l.file},
                         {"line", l.line},
                         {"access", l.access},
                         {"thread", l.thread},
                         {"mutexes", mutexes}});
  }
  return {{"kind", f.kind},
          {"count", f.count},
          {"diagnosis", f.diagnosis},
          {"summary", f.summary},
          {"locations", locations}};
}

json to_json(const DetectorResult& d) {
  json findings = json::array();
  for (const auto& f : d.findings) findings.push_back(to_json(f));
  return {{"runs", d.runs},
          {"runs_with_warnings", d.runs_with_warnings},
          {"warnings", d.warnings},
          {"schedule_completed_runs", d.schedule_completed_runs},
          {"findings", findings},
          {"outcomes", d.outcomes},
          {"logs", d.logs}};
}

json profile_json(const ProfileResult& p) {
  json top = json::array();
  for (const auto& f : p.top)
    top.push_back({{"name", f.name},
                   {"flat", f.flat},
                   {"flat_share", f.flat_share},
                   {"cum", f.cum},
                   {"cum_share", f.cum_share},
                   {"lock", f.lock}});
  return {{"ran", p.ran},       {"file", p.file},   {"flame_graph", p.flame_graph}, {"seconds", p.seconds},
          {"samples", p.samples}, {"top", top},     {"error", p.error}};
}

json to_json(const VariantReport& v) {
  json locks = json::array();
  for (const auto& l : v.stress.locks) locks.push_back(to_json(l));
  json events = json::array();
  for (const auto& e : v.interleaving)
    events.push_back(to_json(e, e.thread >= 0 && e.thread < static_cast<int>(v.thread_names.size())
                                    ? v.thread_names[e.thread]
                                    : std::to_string(e.thread)));
  return {{"name", v.name},
          {"broken", v.broken},
          {"evidence", v.evidence},
          {"summary", v.summary},
          {"tsan", to_json(v.tsan)},
          {"asan", to_json(v.asan)},
          {"reproduced_runs", v.reproduced_runs},
          {"forced_symptoms", v.forced_symptoms},
          {"runs_with_symptom", v.runs_with_symptom},
          {"symptoms", v.stress.symptoms},
          {"ops_per_second", v.stress.ops_per_second},
          {"stress",
           {{"ran", v.stress.ran},
            {"seconds", v.stress.seconds},
            {"ops", v.stress.ops},
            {"outcome", v.stress.outcome},
            {"signal", v.stress.signal},
            {"timed_out", v.stress.timed_out},
            {"deadlock", v.stress.deadlock},
            {"locks", locks}}},
          {"profile", profile_json(v.profile)},
          {"interleaving", events},
          {"errors", v.errors},
          {"wall_seconds", v.wall_seconds}};
}

}  // namespace

std::string mutex_text(const std::vector<tsan::HeldMutex>& mutexes) {
  if (mutexes.empty()) return "no lock held";
  std::string out;
  for (const auto& m : mutexes) out += (out.empty() ? "" : ", ") + std::string(m.shared ? "shared " : "exclusive ") + m.id;
  return out;
}

std::string display_file(const std::string& file) {
  const auto at = file.rfind("cases/");
  return at == std::string::npos ? file : file.substr(at);
}

const Tag* tag_at(const GroundTruth& gt, int line) {
  for (const auto& t : gt.tags)
    if (t.line == line) return &t;
  return nullptr;
}

namespace {

std::string detector_cell(const DetectorResult& d) {
  if (d.runs == 0) return "not run";
  if (d.warnings == 0) return fmt::format("clean in {}/{} runs", d.runs, d.runs);
  return fmt::format("{} report{}, {}/{} runs", d.warnings, d.warnings == 1 ? "" : "s", d.runs_with_warnings,
                     d.runs);
}

std::string symptom_cell(const VariantReport& v, const std::string& name) {
  if (!v.stress.ran) return "not run";
  auto it = v.stress.symptoms.find(name);
  return it == v.stress.symptoms.end() ? "-" : std::to_string(it->second);
}

std::string duration_text(std::int64_t ns) {
  if (ns >= 1'000'000) return fmt::format("{:.1f} ms", static_cast<double>(ns) / 1e6);
  if (ns >= 1'000) return fmt::format("{:.1f} us", static_cast<double>(ns) / 1e3);
  return fmt::format("{} ns", ns);
}

std::string wait_cell(const VariantReport& v) {
  std::int64_t total = 0, p99 = 0;
  std::uint64_t contended = 0;
  for (const auto& l : v.stress.locks) {
    total += l.total_wait_ns;
    contended += l.contended;
    p99 = std::max(p99, l.p99_wait_ns);
  }
  if (contended == 0) return "none";
  return fmt::format("{} in {} waits, p99 {}", duration_text(total), contended, duration_text(p99));
}

std::string profile_cell(const VariantReport& v) {
  if (!v.profile.ran) return v.profile.error.empty() ? "-" : "failed";
  std::string leader = v.profile.top.empty() ? "" : v.profile.top.front().name;
  if (leader.size() > 22) leader = leader.substr(0, 20) + "..";
  return fmt::format("{} samples{}", v.profile.samples, leader.empty() ? "" : ", top " + leader);
}

}  // namespace

// The rows of the side-by-side table: a label, then one cell per variant.
Rows comparison_rows(const ScenarioReport& r) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{""};
  for (const auto& v : r.variants) head.push_back(v.name);
  rows.push_back(head);
  auto row = [&](std::string label, auto cell) {
    std::vector<std::string> cells{std::move(label)};
    for (const auto& v : r.variants) cells.push_back(cell(v));
    rows.push_back(std::move(cells));
  };
  row("ThreadSanitizer", [](const VariantReport& v) { return detector_cell(v.tsan); });
  row("AddressSanitizer", [](const VariantReport& v) { return detector_cell(v.asan); });
  row("findings", [](const VariantReport& v) {
    const std::size_t n = v.tsan.findings.size() + v.asan.findings.size();
    return n == 0 ? std::string("none") : std::to_string(n) + " (grouped)";
  });
  if (std::any_of(r.variants.begin(), r.variants.end(), [](const VariantReport& v) { return v.evidence == "symptom"; }))
    row(r.symptom + " (forced)", [&](const VariantReport& v) {
      auto it = v.forced_symptoms.find(r.symptom);
      return fmt::format("{} in {}/{} runs", it == v.forced_symptoms.end() ? 0 : it->second,
                         v.runs_with_symptom, v.tsan.runs);
    });
  std::vector<std::string> names;
  for (const auto& v : r.variants)
    for (const auto& [name, count] : v.stress.symptoms)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  for (const auto& name : names)
    row(name, [&](const VariantReport& v) { return symptom_cell(v, name); });
  row("throughput", [](const VariantReport& v) {
    return v.stress.ran ? human_count(v.stress.ops_per_second) + " ops/s" : std::string("-");
  });
  row("lock wait", wait_cell);
  row("CPU profile", profile_cell);
  row("stress child", [](const VariantReport& v) {
    if (!v.stress.deadlock.empty()) return std::string("deadlocked (watchdog)");
    return v.stress.outcome.empty() ? std::string("-") : v.stress.outcome;
  });
  return rows;
}

std::string text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < r.size(); ++i)
      line += fmt::format("{:<{}}", r[i], i + 1 < r.size() ? width[i] + 3 : 0);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

namespace {


std::string markdown_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += "|";
    for (const auto& c : rows[i]) {
      std::string cell;
      for (char ch : c) cell += ch == '|' ? std::string("\\|") : std::string(1, ch);
      out += " " + (cell.empty() ? std::string(" ") : cell) + " |";
    }
    out += "\n";
    if (i == 0) {
      out += "|";
      for (std::size_t k = 0; k < rows[i].size(); ++k) out += "---|";
      out += "\n";
    }
  }
  return out;
}

std::vector<std::string> finding_lines(const ScenarioReport& r, const tsan::Finding& f) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{} x{}: {}", f.kind, f.count, f.diagnosis));
  for (const auto& l : f.locations) {
    const Tag* tag = tag_at(r.ground_truth, l.line);
    std::string who = l.thread;
    if (l.mutexes_known && (l.access == "read" || l.access == "write"))
      who += (who.empty() ? "" : ", ") + mutex_text(l.mutexes);
    lines.push_back(fmt::format("  {:<6} {}:{}  {}{}", l.access,
                                l.file.empty() ? "(no frame in the case)" : display_file(l.file), l.line, who,
                                tag ? fmt::format("  {}({}): {}", tag->kind, tag->id, tag->note) : std::string()));
  }
  return lines;
}

}  // namespace

Rows summary_rows(const std::vector<ScenarioReport>& reports) {
  std::vector<std::vector<std::string>> rows{{"scenario", "verdict", "reproduced", "ground truth", "symptom, broken -> fixed", "time"}};
  for (const auto& r : reports) {
    std::string symptom = r.symptom;
    for (const auto& v : r.variants) symptom += (v.broken ? " " : " -> ") + symptom_cell(v, r.symptom);
    rows.push_back({r.scenario, r.verdict, fmt::format("{}/{}", r.reproduced_runs, r.runs),
                    r.ground_truth.matched ? "matched" : "not matched", symptom,
                    fmt::format("{:.1f} s", r.wall_seconds)});
  }
  return rows;
}

std::string thread_name(const VariantReport& v, int thread) {
  return thread >= 0 && thread < static_cast<int>(v.thread_names.size()) ? v.thread_names[thread] : "?";
}

std::vector<SourceExcerpt> source_excerpts(const tsan::Finding& f, int context) {
  // Per file, the finding's lines in order; windows that touch are merged.
  std::map<std::string, std::vector<int>> by_file;
  for (const auto& l : f.locations)
    if (!l.file.empty() && l.line > 0) by_file[display_file(l.file)].push_back(l.line);
  std::vector<SourceExcerpt> out;
  for (auto& [file, marked] : by_file) {
    const auto text = embedded_source(file);
    if (!text) continue;  // not a case file this binary embeds
    std::sort(marked.begin(), marked.end());
    marked.erase(std::unique(marked.begin(), marked.end()), marked.end());
    for (std::size_t i = 0; i < marked.size();) {
      std::size_t j = i;
      while (j + 1 < marked.size() && marked[j + 1] - marked[j] <= 2 * context + 1) ++j;
      SourceExcerpt e;
      e.file = file;
      e.first = std::max(1, marked[i] - context);
      e.lines = source_lines(*text, e.first, marked[j] + context);
      e.marked.assign(marked.begin() + static_cast<std::ptrdiff_t>(i), marked.begin() + static_cast<std::ptrdiff_t>(j) + 1);
      if (!e.lines.empty()) out.push_back(std::move(e));
      i = j + 1;
    }
  }
  return out;
}

std::string human_count(double value) {
  if (value >= 1e9) return fmt::format("{:.2f}G", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.2f}M", value / 1e6);
  if (value >= 1e3) return fmt::format("{:.1f}k", value / 1e3);
  return fmt::format("{:.0f}", value);
}

json to_json(const ProfileResult& p) { return profile_json(p); }

json to_json(const ScenarioReport& r) {
  json variants = json::array();
  for (const auto& v : r.variants) variants.push_back(to_json(v));
  json tags = json::array();
  for (const auto& t : r.ground_truth.tags)
    tags.push_back({{"kind", t.kind}, {"id", t.id}, {"line", t.line}, {"note", t.note}});
  return {{"scenario", r.scenario},
          {"title", r.title},
          {"seed", r.seed},
          {"source", r.source},
          {"verdict", r.verdict},
          {"reasons", r.reasons},
          {"runs", r.runs},
          {"reproduced_runs", r.reproduced_runs},
          {"symptom", r.symptom},
          {"lesson",
           {{"pitfall", r.lesson.pitfall},
            {"interleaving", r.lesson.interleaving},
            {"fix", r.lesson.fix},
            {"guideline", r.lesson.guideline},
            {"go_origin", r.lesson.go_origin},
            {"cpp_differs", r.lesson.cpp_differs}}},
          {"ground_truth",
           {{"matched", r.ground_truth.matched},
            {"note", r.ground_truth.note},
            {"tags", tags},
            {"tags_hit", r.ground_truth.tags_hit},
            {"off_tag", r.ground_truth.off_tag}}},
          {"variants", variants},
          {"profile_diff", [&] {
             json changes = json::array();
             for (const auto& c : r.profile_diff)
               changes.push_back({{"name", c.name}, {"before", c.before}, {"after", c.after}, {"lock", c.lock}});
             return changes;
           }()},
          {"wall_seconds", r.wall_seconds},
          {"report_dir", r.report_dir}};
}

json to_json(const std::vector<ScenarioReport>& reports) {
  json all = json::array();
  for (const auto& r : reports) all.push_back(to_json(r));
  return all;
}

std::string render_text(const std::vector<ScenarioReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    out += fmt::format("{}  (seed {})\n  {}\n\n", r.scenario, r.seed, r.title);
    out += text_table(comparison_rows(r), "  ");
    for (const auto& v : r.variants) {
      if (!v.tsan.findings.empty() || !v.asan.findings.empty()) {
        out += fmt::format("\n  findings in {} ({}):\n", v.name, r.source);
        for (const auto* list : {&v.tsan.findings, &v.asan.findings})
          for (const auto& f : *list)
            for (const auto& line : finding_lines(r, f)) out += "    " + line + "\n";
      }
      if (!v.stress.deadlock.empty())
        out += fmt::format("\n  {} deadlocked in stress: {}\n", v.name, v.stress.deadlock);
    }
    if (!r.profile_diff.empty()) {
      out += "\n  CPU share, broken -> fixed (the functions that moved most):\n";
      for (const auto& c : r.profile_diff)
        out += fmt::format("    {:>5.1f}% -> {:>5.1f}%  {}{}\n", 100 * c.before, 100 * c.after,
                           c.name.size() > 100 ? c.name.substr(0, 97) + "..." : c.name, c.lock ? "  [lock]" : "");
    }
    out += fmt::format("\n  verdict: {}\n", r.verdict);
    for (const auto& reason : r.reasons) out += "    " + reason + "\n";
    out += fmt::format("  logs: {}/\n\n", r.report_dir);
  }
  if (reports.size() > 1) out += text_table(summary_rows(reports), "");
  return out;
}

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
  std::vector<int> threads;
  for (const auto& e : v.interleaving)
    if (std::find(threads.begin(), threads.end(), e.thread) == threads.end()) threads.push_back(e.thread);
  std::sort(threads.begin(), threads.end());
  // Participants get safe ids (T0, T1, ...) and the thread name as alias.
  for (int t : threads) out += fmt::format("    participant T{} as {}\n", t, mermaid_escape(thread_name(v, t)));
  std::map<int, int> active;  // thread -> locks held, so no deactivate is unmatched
  for (const auto& e : v.interleaving) {
    const std::string what = e.what.empty() ? e.kind : e.what;
    out += fmt::format("    Note over T{}: {} \u2014 {}\n", e.thread, duration_text(e.t_ns), mermaid_escape(what));
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

namespace {

// A Markdown table cell: a `|` would end the cell.
std::string md_inline(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

// Inline code that survives backticks in the text.
std::string md_code(std::string_view text) {
  const std::string fence = text.find('`') == std::string_view::npos ? "`" : "`` ";
  const std::string close = fence == "`" ? "`" : " ``";
  return fence + md_inline(text) + close;
}

std::string markdown_lesson(const ScenarioReport& r) {
  const Lesson& l = r.lesson;
  if (l.pitfall.empty() && l.interleaving.empty() && l.fix.empty()) return "";
  std::string out = "\n### The lesson\n\n";
  if (!l.pitfall.empty()) out += "**The pitfall.** " + l.pitfall + "\n\n";
  if (!l.interleaving.empty()) {
    out += "**The bad interleaving.**\n\n";
    for (std::size_t i = 0; i < l.interleaving.size(); ++i) out += fmt::format("{}. {}\n", i + 1, l.interleaving[i]);
    out += "\n";
  }
  if (!l.fix.empty()) out += "**The fix.** " + l.fix + "\n\n";
  if (!l.guideline.empty()) out += "**Guideline.** " + l.guideline + "\n\n";
  if (!l.go_origin.empty()) out += "**The Go original.** " + l.go_origin + "\n\n";
  if (!l.cpp_differs.empty()) out += "**Not so in C++.** " + l.cpp_differs + "\n\n";
  return out;
}

std::string markdown_finding(const ScenarioReport& r, const tsan::Finding& f) {
  std::string out = fmt::format("\n**{}** x{}", md_inline(f.kind), f.count);
  if (!f.diagnosis.empty()) out += ". Diagnosis: " + f.diagnosis;
  out += "\n\n| access | where | thread | locks held | ground truth |\n|---|---|---|---|---|\n";
  for (const auto& l : f.locations) {
    const Tag* tag = tag_at(r.ground_truth, l.line);
    std::string held = !l.mutexes_known ? "not tracked" : mutex_text(l.mutexes);
    if (l.mutexes_known && l.access != "read" && l.access != "write" && l.mutexes.empty()) held = "";
    out += fmt::format("| {} | {} | {} | {} | {} |\n", md_inline(l.access),
                       l.file.empty() ? std::string("(no frame in the case)")
                                      : md_code(fmt::format("{}:{}", display_file(l.file), l.line)),
                       md_inline(l.thread), md_inline(held),
                       tag ? md_inline(fmt::format("{}({}): {}", tag->kind, tag->id, tag->note)) : "no tag");
  }
  // The source around each racing line; `>` marks the line itself.
  for (const auto& e : source_excerpts(f)) {
    out += fmt::format("\n`{}`:\n\n```cpp\n", e.file);
    for (std::size_t k = 0; k < e.lines.size(); ++k) {
      const int line = e.first + static_cast<int>(k);
      const bool marked = std::find(e.marked.begin(), e.marked.end(), line) != e.marked.end();
      out += fmt::format("{} {:>4} | {}\n", marked ? ">" : " ", line, e.lines[k]);
    }
    out += "```\n";
  }
  return out;
}

}  // namespace

std::string render_markdown(const std::vector<ScenarioReport>& reports) {
  std::string out = "# lockedges report\n\n";
  out += markdown_table(summary_rows(reports));
  for (const auto& r : reports) {
    out += fmt::format("\n## {}\n\n{} (seed §{}; source `{}`)\n\n", r.scenario, r.title, r.seed, r.source);
    out += fmt::format("**Verdict: {}.** ", r.verdict);
    for (const auto& reason : r.reasons) out += reason + ". ";
    out += "\n" + markdown_lesson(r);
    out += "\n### What each detector saw\n\n" + markdown_table(comparison_rows(r));
    for (const auto& v : r.variants) {
      if (!v.stress.deadlock.empty())
        out += fmt::format("\n`{}` deadlocked in stress mode: {}\n", v.name, v.stress.deadlock);
      if (v.tsan.findings.empty() && v.asan.findings.empty()) continue;
      out += fmt::format("\n### Findings in `{}`\n", v.name);
      for (const auto* list : {&v.tsan.findings, &v.asan.findings})
        for (const auto& f : *list) out += markdown_finding(r, f);
    }
    out += fmt::format("\nGround truth: {}{}\n", r.ground_truth.matched ? "matched" : "not matched",
                       r.ground_truth.note.empty() ? "" : ". " + r.ground_truth.note);
    for (const auto& v : r.variants) {
      if (!v.profile.ran) {
        if (!v.profile.error.empty()) out += fmt::format("\nCPU profile of `{}`: {}\n", v.name, v.profile.error);
        continue;
      }
      out += fmt::format("\n### CPU profile, `{}` ({} samples; flame graph `{}`)\n\n", v.name, v.profile.samples,
                         v.profile.flame_graph);
      out += "| function | flat | cum |\n|---|---|---|\n";
      for (const auto& f : v.profile.top)
        out += fmt::format("| {}{} | {:.1f}% | {:.1f}% |\n", md_code(f.name), f.lock ? " (lock)" : "",
                           100 * f.flat_share, 100 * f.cum_share);
    }
    for (const auto& v : r.variants) {
      if (v.interleaving.empty()) continue;
      out += fmt::format("\n### Recorded interleaving, `{}` (first forced run)\n\n", v.name);
      out += "```mermaid\n" + mermaid_sequence(v) + "```\n";
    }
    out += fmt::format("\nRaw logs: `{}/`\n", r.report_dir);
  }
  return out;
}

}  // namespace lockedges
