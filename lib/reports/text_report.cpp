#include "reports/text_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace lockedges {

std::string text_table(const Rows& rows, const std::string& indent) {
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

std::vector<std::string> finding_lines(const ScenarioReport& r, const tsan::Finding& f) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{} x{}{}: {}", f.kind, f.count, incomplete_note(f), f.diagnosis));
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
                           shortened(c.name, 100), c.lock ? "  [lock]" : "");
    }
    out += fmt::format("\n  verdict: {}\n", r.verdict);
    for (const auto& reason : r.reasons) out += "    " + reason + "\n";
    out += fmt::format("  logs: {}/\n\n", r.report_dir);
  }
  if (reports.size() > 1) out += text_table(summary_rows(reports), "");
  return out;
}

}  // namespace lockedges
