// `lockedges explain <scenario>` — the lesson in the terminal.
#include <unistd.h>

#include <fmt/format.h>

#include "terminal/color.hpp"
#include "commands.hpp"
#include "child/binaries.hpp"
#include "driving/recorded_run.hpp"
#include "case_api/scenario.hpp"
#include "sources/lesson.hpp"
#include "sources/source.hpp"
#include "terminal/diagram.hpp"

namespace lockedges::cli {

namespace {

struct ExplainOptions {
  std::string scenario;
};

constexpr double kRecordTimeoutSeconds = 10;

// Prints `text` wrapped at `width` columns: the first line starts with
// `first` (default: `indent`), the others with `indent`.
void print_wrapped(const std::string& text, const std::string& indent, const std::string& first = "",
                   std::size_t width = 78) {
  std::string line = first.empty() ? indent : first;
  std::size_t prefix = line.size();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (line.size() > prefix && line.size() + 1 + word.size() > width) {
      fmt::print("{}\n", line);
      line = indent;
      prefix = indent.size();
    }
    line += (line.size() > prefix ? " " : "") + word;
  }
  if (line.size() > prefix) fmt::print("{}\n", line);
}

// The interleaving of a real forced run of the first broken variant, in
// the plain build, drawn with a column per thread; or why there is none.
void print_recorded(const Scenario& s, const Palette& palette, std::size_t width) {
  const Variant* broken = first_broken(s);
  std::string error = "the scenario has no broken variant";
  std::optional<RecordedRun> recorded;
  if (broken != nullptr)
    recorded = record_forced_run(sibling_binaries().plain, s, *broken, kRecordTimeoutSeconds, error);
  fmt::print("\n{}\n", palette.paint("The interleaving, as recorded", palette.heading()));
  if (!recorded) {
    print_wrapped("Could not record a run (" + error + "); the steps above are the lesson's own.", "  ");
    return;
  }
  print_wrapped("A forced run of `" + broken->name + "` just now, one column per thread, time going down:", "  ");
  fmt::print("\n{}", render_diagram(recorded->events, recorded->thread_names, width, palette));
}

// Each tagged line: its number and code, then its tag, in `style`.
void print_tagged_lines(std::string_view text, const std::vector<Tag>& tags, const Palette& palette,
                        fmt::text_style style) {
  for (const auto& tag : tags) {
    const auto line = source_lines(text, tag.line, tag.line);
    std::string code = line.empty() ? "" : line.front();
    if (auto c = code.find("//"); c != std::string::npos) code = code.substr(0, c);
    while (!code.empty() && code.front() == ' ') code.erase(0, 1);
    while (!code.empty() && code.back() == ' ') code.pop_back();
    fmt::print("  {:>4}  {}\n", tag.line, palette.paint(code, style));
    print_wrapped(fmt::format("{}({}): {}", tag.kind, tag.id, tag.note), "        ");
  }
}

// The broken lines (ground-truth tags) and the lines that fix them (FIX tags).
void print_code(const Scenario& s, const Palette& palette) {
  const auto text = embedded_source(s.source_path());
  if (!text) return;
  const auto tags = find_tags(*text);
  fmt::print("\n{}\n", palette.paint(fmt::format("The racing lines ({})", s.source_path()), palette.heading()));
  if (tags.empty())
    print_wrapped("None: no line races here. The bug shows only by its symptom (" + s.symptom + ").", "  ");
  print_tagged_lines(*text, tags, palette, palette.bad());
  const auto fixes = find_tags(*text, TagKinds::kFix);
  if (fixes.empty()) return;
  fmt::print("\n{}\n", palette.paint(fmt::format("The fixed lines ({})", s.source_path()), palette.heading()));
  print_tagged_lines(*text, fixes, palette, palette.good());
}

void explain(const Scenario& s, const Palette& palette, std::size_t width) {
  const Lesson l = lesson_of(s);
  auto heading = [&](std::string_view title) { fmt::print("\n{}\n", palette.paint(title, palette.heading())); };
  fmt::print("{} (seed §{})\n{}\n", palette.paint(s.name, palette.heading()), s.seed, s.title);
  heading("The pitfall");
  print_wrapped(l.pitfall, "  ");
  heading("The bad interleaving");
  for (std::size_t i = 0; i < l.interleaving.size(); ++i) {
    const std::string head = fmt::format("  {}. ", i + 1);
    print_wrapped(l.interleaving[i], std::string(head.size(), ' '), head);
  }
  print_recorded(s, palette, width);
  print_code(s, palette);
  heading("The fix");
  print_wrapped(l.fix, "  ");
  heading("Guideline");
  print_wrapped(l.guideline, "  ");
  heading("The Go original");
  print_wrapped(l.go_origin, "  ");
  heading("What does not carry over to C++");
  print_wrapped(l.cpp_differs, "  ");
  heading("Variants");
  std::size_t name_width = 0;
  for (const auto& v : s.variants) name_width = std::max(name_width, v.name.size());
  for (const auto& v : s.variants) fmt::print("  {:<{}}  {}\n", v.name, name_width, v.summary);
  fmt::print("\nSee it happen: lockedges run {}   (one step at a time: lockedges run {} --step)\n", s.name, s.name);
}

}  // namespace

void setup_explain(CLI::App& app, Context& context) {
  auto options = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand(
      "explain",
      "The lesson: the pitfall, the bad interleaving (drawn from a real forced run), the broken and fixed "
      "lines, the guideline, the Go original");
  cmd->add_option("scenario", options->scenario, "Scenario name (see `lockedges list`)")->required();
  cmd->callback([options, &context] {
    context.start_logging();
    check_scenario(options->scenario, /*allow_all=*/false);
    const Palette palette(use_color(context.no_color, STDOUT_FILENO));
    explain(*Registry::instance().find(options->scenario), palette, diagram_width(STDOUT_FILENO));
  });
}

}  // namespace lockedges::cli
