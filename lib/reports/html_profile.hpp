// lockedges — CPU profiles in HTML: the `profile` page, and the block per
// variant that the `run` page's profile section shares with it.
//
// Flame graphs are inlined from the SVG files the driver wrote, so the page
// stays self-contained; an SVG that is not plainly ours (a script, a foreign
// object) is left out.
#pragma once

#include <string>

#include "reports/profile_report.hpp"
#include "reports/report.hpp"

namespace lockedges {

// The `profile` report: the session, then per variant its top functions and
// flame graph, in sections with id `profile-<scenario>`.
std::string render_profile_html(const ProfileSession& session);

// One variant's profile: an <h4> with its samples and lock share, its top
// functions, its flame graph; or why there is none.
std::string profile_html(const std::string& variant, const ProfileResult& profile);

// A profile table's function cell: the short name, the full one as its
// title (shown on hover), and a lock badge for a lock function.
std::string function_cell_html(const std::string& name, const std::string& full_name, bool lock);

}  // namespace lockedges
