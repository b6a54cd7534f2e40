// `lockedges list` — every scenario, one line each; --search narrows them
// to those whose name, title, symptom or report signs hold every word;
// --format json gives the same as data.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "case_api/scenario.hpp"
#include "commands.hpp"
#include "util/text.hpp"

namespace lockedges::cli {
namespace {

// What --search reads of a scenario: its name, title, seed sections,
// symptom, variants' summaries and the signs a report of it shows.
std::string searchable(const Scenario& s) {
  std::string text = s.name + " " + s.title + " " + s.seed + " " + s.symptom;
  for (const Variant& v : s.variants) text += " " + v.name + " " + v.summary;
  for (const Signature& sig : s.signatures)
    text += " " + std::string(signal_id(sig.signal)) + " " + std::string(signal_text(sig.signal));
  return lowercase(text);
}

bool matches(const Scenario& s, const std::string& words) {
  const std::string text = searchable(s);
  std::istringstream in(lowercase(words));
  for (std::string word; in >> word;)
    if (text.find(word) == std::string::npos) return false;
  return true;
}

}  // namespace

void setup_list(CLI::App& app, Context& context) {
  auto search = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  auto* list = app.add_subcommand("list", "List the scenarios: name, seed section, pitfall, variants");
  list->add_option("--search", *search,
                   "Only scenarios whose name, title, symptom, variants or report signs (e.g. _M_rehash, "
                   "'shared lock', timer) hold every word");
  list->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  list->footer("Exit status: 0 listed, 1 --search matched no scenario, 2 a usage error.");
  list->callback([&context, search, format] {
    context.start_logging();
    std::vector<const Scenario*> shown;
    for (const auto& s : Registry::instance().all())
      if (matches(s, *search)) shown.push_back(&s);
    if (*format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const Scenario* s : shown) {
        nlohmann::json variants = nlohmann::json::array();
        for (const auto& v : s->variants)
          variants.push_back({{"name", v.name}, {"broken", v.broken}, {"summary", v.summary}});
        nlohmann::json signatures = nlohmann::json::array();
        for (const auto& sig : s->signatures)
          signatures.push_back({{"signal", signal_id(sig.signal)}, {"text", signal_text(sig.signal)}, {"weight", sig.weight}});
        out.push_back({{"name", s->name},
                       {"title", s->title},
                       {"seed", s->seed},
                       {"symptom", s->symptom},
                       {"source", s->source_path()},
                       {"variants", variants},
                       {"signatures", signatures}});
      }
      fmt::print("{}\n", out.dump(2));
    } else {
      std::size_t width = 8;
      for (const Scenario* s : shown) width = std::max(width, s->name.size());
      if (!shown.empty()) fmt::print("{:<{}}  {:<13}  {}\n", "scenario", width, "seed", "pitfall / variants");
      for (const Scenario* s : shown) {
        std::string variants;
        for (const auto& v : s->variants) variants += (variants.empty() ? "" : ", ") + v.name;
        fmt::print("{:<{}}  {:<13}  {}\n", s->name, width, "§" + s->seed, s->title);
        fmt::print("{:<{}}  {:<13}  variants: {}\n", "", width, "", variants);
      }
      if (shown.empty()) fmt::print("No scenario matches \"{}\".\n", *search);
    }
    if (shown.empty()) context.exit_code = kExitFailed;
  });
}

}  // namespace lockedges::cli
