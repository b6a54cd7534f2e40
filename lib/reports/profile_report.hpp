// lockedges — a `lockedges profile` session and its renderers.
//
// profile_session (driver.hpp) fills a ProfileSession; these turn it into
// the terminal summary and profile.json. The HTML page is render_profile_html
// in html_profile.hpp. Renderers only format.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report.hpp"
#include "case_api/scenario.hpp"

namespace lockedges {

struct ProfileSession {
  struct Item {
    const Scenario* scenario = nullptr;
    const Variant* variant = nullptr;
    ProfileResult profile;
  };
  double seconds = 0;  // the time asked for (--seconds)
  int hz = 0;          // the sampling rate asked for (--hz)
  std::vector<Item> items;
  std::vector<std::string> skipped;  // no time was left for these
  bool interrupted = false;
  double wall_seconds = 0;
};

// The share of a profile's samples spent in lock and futex functions (flat).
double lock_share(const ProfileResult& profile);

// profile.json: seconds, hz, wall_seconds, interrupted, skipped, and per
// variant {scenario, variant, profile}.
nlohmann::json to_json(const ProfileSession& session);

// What `lockedges profile` prints: per variant its samples, lock share, top
// functions and files; then the skipped ones and how the session ended.
std::string render_profile_text(const ProfileSession& session);

}  // namespace lockedges
