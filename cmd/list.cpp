// `lockedges list` — every scenario, one line each.
#include <fmt/format.h>

#include "commands.hpp"
#include "case_api/scenario.hpp"

namespace lockedges::cli {

void setup_list(CLI::App& app, Context& context) {
  auto* list = app.add_subcommand("list", "List the scenarios: name, seed section, pitfall, variants");
  list->callback([&context] {
    context.start_logging();
    const auto& all = Registry::instance().all();
    std::size_t width = 8;
    for (const auto& s : all) width = std::max(width, s.name.size());
    fmt::print("{:<{}}  {:<13}  {}\n", "scenario", width, "seed", "pitfall / variants");
    for (const auto& s : all) {
      std::string variants;
      for (const auto& v : s.variants) variants += (variants.empty() ? "" : ", ") + v.name;
      fmt::print("{:<{}}  {:<13}  {}\n", s.name, width, "§" + s.seed, s.title);
      fmt::print("{:<{}}  {:<13}  variants: {}\n", "", width, "", variants);
    }
  });
}

}  // namespace lockedges::cli
