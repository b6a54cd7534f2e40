#include "terminal/explain.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sources/source.hpp"
#include "terminal/diagram.hpp"
#include "util/text.hpp"

namespace lockedges {

namespace {

constexpr std::size_t kWidth = 78;  // the prose's columns, whatever the diagram's

// `text` wrapped at kWidth columns, its first line after `lead` and the
// others after as many spaces; nothing when there is no text.
std::string wrapped(std::string_view text, std::string_view lead) {
  const std::vector<std::string> lines = wrap_text(text, kWidth - lead.size());
  if (lines.size() == 1 && lines.front().empty()) return "";
  const std::string indent(lead.size(), ' ');
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? std::string(lead) : indent) + lines[i] + "\n";
  return out;
}

std::string heading(std::string_view title, const Palette& palette) {
  return "\n" + palette.paint(title, palette.heading()) + "\n";
}

// The interleaving of the recorded run, a column per thread; or why there is
// none.
std::string recorded(const ExplainRun& run, const Palette& palette, std::size_t width) {
  std::string out = heading("The interleaving, as recorded", palette);
  if (run.events.empty())
    return out + wrapped("Could not record a run (" + run.error + "); the steps above are the lesson's own.", "  ");
  out += wrapped("A forced run of `" + run.variant + "` just now, one column per thread, time going down:", "  ");
  return out + "\n" + render_diagram(run.events, run.thread_names, width, palette);
}

// Each tagged line: its number and code in `style`, then its tag.
std::string tagged_lines(std::string_view text, const std::vector<Tag>& tags, const Palette& palette,
                         fmt::text_style style) {
  std::string out;
  for (const auto& tag : tags) {
    const auto line = source_lines(text, tag.line, tag.line);
    out += fmt::format("  {:>4}  {}\n", tag.line, palette.paint(line.empty() ? "" : code_of(line.front()), style));
    out += wrapped(fmt::format("{}({}): {}", tag.kind, tag.id, tag.note), "        ");
  }
  return out;
}

// The broken lines (ground-truth tags) and the lines that fix them (FIX tags).
std::string code(const Scenario& s, const Palette& palette) {
  const auto text = embedded_source(s.source_path());
  if (!text) return "";
  const auto tags = find_tags(*text);
  std::string out = heading(fmt::format("The racing lines ({})", s.source_path()), palette);
  if (tags.empty())
    out += wrapped("None: no line races here. The bug shows only by its symptom (" + s.symptom + ").", "  ");
  out += tagged_lines(*text, tags, palette, palette.bad());
  const auto fixes = find_tags(*text, TagKinds::kFix);
  if (fixes.empty()) return out;
  out += heading(fmt::format("The fixed lines ({})", s.source_path()), palette);
  return out + tagged_lines(*text, fixes, palette, palette.good());
}

}  // namespace

std::string render_explain(const Scenario& s, const Lesson& lesson, const ExplainRun& run, const Palette& palette,
                           std::size_t width) {
  std::string out = fmt::format("{} (seed §{})\n{}\n", palette.paint(s.name, palette.heading()), s.seed, s.title);
  out += heading("The pitfall", palette) + wrapped(lesson.pitfall, "  ");
  out += heading("The bad interleaving", palette);
  for (std::size_t i = 0; i < lesson.interleaving.size(); ++i)
    out += wrapped(lesson.interleaving[i], fmt::format("  {}. ", i + 1));
  out += recorded(run, palette, width);
  out += code(s, palette);
  out += heading("The fix", palette) + wrapped(lesson.fix, "  ");
  out += heading("Guideline", palette) + wrapped(lesson.guideline, "  ");
  out += heading("The Go original", palette) + wrapped(lesson.go_origin, "  ");
  out += heading("What does not carry over to C++", palette) + wrapped(lesson.cpp_differs, "  ");
  out += heading("Variants", palette);
  std::size_t name_width = 0;
  for (const auto& v : s.variants) name_width = std::max(name_width, v.name.size());
  for (const auto& v : s.variants) out += fmt::format("  {:<{}}  {}\n", v.name, name_width, v.summary);
  return out + fmt::format("\nSee it happen: lockedges run {}   (one step at a time: lockedges run {} --step)\n",
                           s.name, s.name);
}

}  // namespace lockedges
