#include "reports/markdown_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/mermaid.hpp"
#include "reports/pieces.hpp"

namespace lockedges {

namespace {


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
  std::string out = fmt::format("\n**{}** x{}{}", md_inline(f.kind), f.count, incomplete_note(f));
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
      out += fmt::format("\n### CPU profile, `{}` ({} samples, {:.0f}% in the harness; flame graph `{}`)\n\n", v.name,
                         v.profile.samples, 100 * harness_share(v.profile), v.profile.flame_graph);
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
