// `lockedges explain <scenario>` — the lesson in the terminal.
#include <fmt/format.h>

#include "commands.hpp"
#include "scenario.hpp"
#include "source.hpp"

namespace lockedges::cli {

namespace {

struct ExplainOptions {
  std::string scenario;
};

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

void explain(const Scenario& s) {
  const Lesson& l = s.lesson;
  fmt::print("{} (seed §{})\n{}\n\n", s.name, s.seed, s.title);
  fmt::print("The pitfall\n");
  print_wrapped(l.pitfall, "  ");
  fmt::print("\nThe bad interleaving\n");
  for (std::size_t i = 0; i < l.interleaving.size(); ++i) {
    const std::string head = fmt::format("  {}. ", i + 1);
    print_wrapped(l.interleaving[i], std::string(head.size(), ' '), head);
  }
  const auto text = embedded_source(s.source_path());
  const auto tags = text ? find_tags(*text) : std::vector<Tag>{};
  if (!tags.empty()) {
    fmt::print("\nThe racing lines ({})\n", s.source_path());
    for (const auto& tag : tags) {
      const auto line = source_lines(*text, tag.line, tag.line);
      std::string code = line.empty() ? "" : line.front();
      if (auto c = code.find("//"); c != std::string::npos) code = code.substr(0, c);
      while (!code.empty() && code.front() == ' ') code.erase(0, 1);
      while (!code.empty() && code.back() == ' ') code.pop_back();
      fmt::print("  {:>4}  {:<50}  {}({}): {}\n", tag.line, code, tag.kind, tag.id, tag.note);
    }
  }
  fmt::print("\nThe fix\n");
  print_wrapped(l.fix, "  ");
  fmt::print("\nGuideline\n");
  print_wrapped(l.guideline, "  ");
  fmt::print("\nThe Go original\n");
  print_wrapped(l.go_origin, "  ");
  fmt::print("\nWhat does not carry over to C++\n");
  print_wrapped(l.cpp_differs, "  ");
  fmt::print("\nVariants\n");
  std::size_t width = 0;
  for (const auto& v : s.variants) width = std::max(width, v.name.size());
  for (const auto& v : s.variants) fmt::print("  {:<{}}  {}\n", v.name, width, v.summary);
  fmt::print("\nSee it happen: lockedges run {}\n", s.name);
}

}  // namespace

void setup_explain(CLI::App& app, Context& context) {
  auto options = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "The lesson: the pitfall, the bad interleaving, the fix, the Go original");
  cmd->add_option("scenario", options->scenario, "Scenario name (see `lockedges list`)")->required();
  cmd->callback([options, &context] {
    context.start_logging();
    check_scenario(options->scenario, /*allow_all=*/false);
    explain(*Registry::instance().find(options->scenario));
  });
}

}  // namespace lockedges::cli
