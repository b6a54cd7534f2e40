#include "reports/profile_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/json_report.hpp"
#include "reports/pieces.hpp"

namespace lockedges {

double lock_share(const ProfileResult& p) {
  double share = 0;
  for (const auto& f : p.top) share += f.lock ? f.flat_share : 0;
  return share;
}

nlohmann::json to_json(const ProfileSession& session) {
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& item : session.items)
    variants.push_back(
        {{"scenario", item.scenario->name}, {"variant", item.variant->name}, {"profile", to_json(item.profile)}});
  return {{"seconds", session.seconds},
          {"hz", session.hz},
          {"wall_seconds", session.wall_seconds},
          {"interrupted", session.interrupted},
          {"skipped", session.skipped},
          {"variants", variants}};
}

std::string render_profile_text(const ProfileSession& session) {
  std::string text;
  for (const auto& item : session.items) {
    const ProfileResult& p = item.profile;
    text += fmt::format("{}/{}  ", item.scenario->name, item.variant->name);
    if (!p.ran || p.samples == 0) {
      text += (p.error.empty() ? std::string("not run") : p.error) + "\n";
      continue;
    }
    text += fmt::format("{} samples in {:.2f} s, {:.0f}% in lock functions, {:.0f}% in the harness\n", p.samples,
                        p.seconds, 100 * lock_share(p), 100 * harness_share(p));
    for (std::size_t k = 0; k < std::min<std::size_t>(p.top.size(), 5); ++k) {
      const auto& f = p.top[k];
      text += fmt::format("    {:5.1f}% flat {:5.1f}% cum  {}{}\n", 100 * f.flat_share, 100 * f.cum_share,
                          shortened(f.name, 90), f.lock ? "  [lock]" : "");
    }
    text += fmt::format("    profile {}  flame graph {}\n", p.file, p.flame_graph);
  }
  for (const auto& skipped : session.skipped) text += skipped + "  skipped: no time left\n";
  text += fmt::format("{} in {:.2f} s{}\n", session.interrupted ? "interrupted" : "done", session.wall_seconds,
                      session.interrupted ? " (Ctrl-C): what was collected is kept" : "");
  return text;
}

}  // namespace lockedges
