// diagnose's text: one block per finding, fitting the terminal's width.
#include <algorithm>

#include <fmt/format.h>

#include "detection/fingerprint.hpp"
#include "diagnosis/diagnosis.hpp"
#include "terminal/color.hpp"
#include "util/text.hpp"

namespace lockedges {
namespace {

// `text` wrapped to `width`, every line indented by `indent`, lines after
// the first by `hang` more.
void wrapped(std::string& out, std::string_view text, std::size_t indent, std::size_t width, std::size_t hang = 0) {
  const std::size_t room = width > indent + hang + 20 ? width - indent - hang : 20;
  bool first = true;
  for (const std::string& line : wrap_text(text, room)) {
    out += std::string(indent + (first ? 0 : hang), ' ') + line + "\n";
    first = false;
  }
}

}  // namespace

std::string diagnosis_text(const Diagnosis& d, const SourceSettings& settings, bool color, std::size_t width) {
  const Palette palette(color);
  std::string out;
  out += palette.paint("lockedges diagnose: " + diagnosis_totals(d), palette.heading()) +
         "\n";
  for (const std::string& e : d.tool_errors) wrapped(out, "the sanitizer failed, not the code: " + e, 0, width);
  if (d.reports == 0 && d.tool_errors.empty())
    out += "No sanitizer report in the input: nothing to diagnose.\n";
  int n = 0;
  for (const DiagnosedFinding& df : d.findings) {
    const tsan::Finding& f = df.finding;
    out += "\n";
    std::string head = fmt::format("{}. {}", ++n, f.kind);
    if (f.count > 1) head += fmt::format(" (x{})", f.count);
    if (!df.baseline.empty()) head += df.baseline == "new" ? "  [new]" : "  [known]";
    out += palette.paint(head, df.baseline == "known" ? palette.dim() : palette.bad()) + "\n";
    out += palette.paint(fmt::format("   {} fingerprint {}{}", df.tool, f.fingerprint,
                                     f.incomplete ? ", report cut short" : ""),
                         palette.dim()) +
           "\n";
    for (std::size_t i = 0; i < f.locations.size(); ++i) {
      const tsan::Location& l = f.locations[i];
      const std::string where =
          l.file.empty() ? "(no frame in your code)" : fmt::format("{}:{}", shown_path(l.file, settings), l.line);
      std::string line = l.access + (l.thread.empty() ? "" : " by " + l.thread) + " at " + where;
      wrapped(out, line, 3, width, 3);
      if (!l.function.empty()) wrapped(out, "in " + tsan::function_key(l.function), 6, width, 2);
      if (const std::string held = held_text(l); !held.empty()) wrapped(out, held, 6, width, 2);
      const std::string& src = i < df.source_lines.size() ? df.source_lines[i] : std::string();
      if (!src.empty())
        out += palette.paint(cut_to_width(fmt::format("      {:>4} | {}", l.line, trim(src)), width), palette.dim()) + "\n";
    }
    wrapped(out, f.diagnosis, 3, width);
    if (df.lesson) {
      out += fmt::format("   Lesson: {} (confidence {:.2f})\n", palette.paint(df.lesson->scenario, palette.good()),
                         df.lesson->confidence);
      for (Signal s : df.lesson->why) wrapped(out, "- " + std::string(signal_text(s)), 5, width, 2);
      out += fmt::format("     See it: lockedges explain {0}\n", df.lesson->scenario);
      out += fmt::format("             lockedges run {0}\n", df.lesson->scenario);
    } else {
      out += "   Lesson: no lesson matches this report.\n";
    }
    if (df.inputs.size() > 1) {
      // A CI job's hundred log files would bury the finding: the first few.
      constexpr std::size_t kShown = 3;
      std::vector<std::string> shown(df.inputs.begin(), df.inputs.begin() + std::min(kShown, df.inputs.size()));
      if (df.inputs.size() > kShown) shown.push_back(fmt::format("and {} more", df.inputs.size() - kShown));
      wrapped(out, fmt::format("Reported in {} inputs: {}", df.inputs.size(), joined(shown)), 3, width, 2);
    }
  }
  if (!d.baseline.empty()) {
    out += "\n";
    wrapped(out, baseline_summary(d), 0, width, 2);
    // One line each: a baseline of a hundred fixed bugs is a list to skim.
    for (const KnownFinding& g : d.gone)
      out += cut_to_width(fmt::format("   gone: {} {}", g.fingerprint, g.summary.empty() ? g.kind : g.summary), width) + "\n";
  }
  return out;
}

}  // namespace lockedges
