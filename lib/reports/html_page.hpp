// lockedges — the shell every HTML page of the suite shares: one style sheet
// for the screen, the projector and paper, and the escaping its text needs.
//
// Written with fmt and a small escape function rather than a template
// library: Debian's C++ template libraries (kainjow Mustache 4.1, mstch
// 1.0.2) are logic-less and no longer developed upstream, and most of each
// page is computed (tables from the shared rows, SVG drawn from events), so a
// template would only move the same code into a data tree.
#pragma once

#include <string>
#include <string_view>

#include "detection/findings.hpp"
#include "util/text.hpp"  // html_escape

namespace lockedges {

// `text` escaped, in <code>.
std::string html_code(std::string_view text);

// The microsecond as the pages write it ("us" in plain text): for
// duration_text (pieces.hpp).
inline constexpr std::string_view kHtmlMicro = "\u00b5s";

// The locks one location held, as the pages show them: a badge per mutex
// ("shared counters.mu_", its id on hover), "no lock held", or "not
// tracked by this detector".
std::string locks_html(const tsan::Location& l);

// A whole self-contained page: `body` (HTML) under <main>, the style sheet
// inline, nothing fetched.
std::string html_page(std::string_view title, std::string_view body);

}  // namespace lockedges
