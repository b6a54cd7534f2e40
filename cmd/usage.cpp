// Usage errors, said the same way everywhere: what was wrong, the closest
// valid choice ("did you mean"), and every valid one.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "case_api/scenario.hpp"
#include "child/sanitizers.hpp"
#include "commands.hpp"
#include "util/suggest.hpp"
#include "util/text.hpp"

namespace lockedges::cli {

namespace {

const std::vector<std::string> kCommands{"list", "run", "explain", "profile", "bench", "diagnose"};

// Every long option name the app knows, for "did you mean" on a bad one.
void collect_options(const CLI::App& app, std::vector<std::string>& names) {
  for (const CLI::Option* opt : app.get_options())
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  for (const CLI::App* sub : app.get_subcommands({})) collect_options(*sub, names);
}

// An engineer with a sanitizer log tries `lockedges run my-tsan.log` first.
bool looks_like_a_log(const std::string& name) {
  std::error_code ignored;
  return name.ends_with(".log") || std::filesystem::exists(name, ignored);
}

std::string diagnose_hint(const std::string& name) {
  return ": to read a sanitizer log, run 'lockedges diagnose " + name + "'.";
}

}  // namespace

void check_scenario(const std::string& name, bool allow_all) {
  std::vector<std::string> choices = Registry::instance().names();
  if (allow_all) choices.push_back("all");
  if (std::find(choices.begin(), choices.end(), name) != choices.end()) return;
  std::string message = "unknown scenario '" + name + "'";
  if (looks_like_a_log(name)) throw UsageError(message + diagnose_hint(name));
  if (auto guess = closest(name, choices)) message += "; did you mean '" + *guess + "'?";
  throw UsageError(message + " Valid: " + joined(choices) + ".");
}

std::string unknown_command(const std::vector<std::string>& args) {
  if (args.empty() || args.front().rfind("-", 0) == 0 || args.front() == "worker" || args.front() == "symbolise" ||
      std::find(kCommands.begin(), kCommands.end(), args.front()) != kCommands.end())
    return "";
  std::vector<std::string> choices = kCommands;
  for (const auto& n : Registry::instance().names()) choices.push_back(n);
  std::string message = "unknown command or scenario '" + args.front() + "'";
  if (looks_like_a_log(args.front())) return message + diagnose_hint(args.front());
  if (auto guess = closest(args.front(), choices)) message += "; did you mean '" + *guess + "'?";
  return message + " Commands: " + joined(kCommands) + "; scenarios: " + joined(Registry::instance().names()) + ".";
}

std::string usage_hint(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> names;
  collect_options(app, names);
  for (const auto& a : args) {
    if (a.rfind("--", 0) != 0) continue;
    const std::string name = a.substr(0, a.find('='));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    if (auto guess = closest(name, names)) return " (did you mean " + *guess + "?)";
  }
  return "";
}

CLI::Validator sanitizer_log_folder() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        if (sanitizer_option_value(path)) return "";
        return "'" + path + "' holds both ' and \", which no sanitizer option can quote; choose another folder";
      },
      "DIR");
}

}  // namespace lockedges::cli
