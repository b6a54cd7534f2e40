#include "reports/html_profile.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/pieces.hpp"
#include "util/files.hpp"

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges {

namespace {

// Reads a flame graph SVG the driver wrote under the report folder, to
// inline it; empty when it is missing or is not a plain SVG of ours.
std::string inline_svg(const std::string& path) {
  if (path.empty()) return "";
  std::string svg = read_file(path);
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return "";
  svg.erase(0, start);  // an XML declaration has no place inside HTML
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("<script") != std::string::npos || lower.find("<foreignobject") != std::string::npos) return "";
  return svg;
}

}  // namespace

std::string function_cell_html(const std::string& name, const std::string& full_name, bool lock) {
  return fmt::format("<td><code title=\"{}\">{}</code>{}</td>", html_escape(full_name.empty() ? name : full_name),
                     html_escape(shortened(name, 140)), lock ? " <span class=\"lock shared\">lock</span>" : "");
}

std::string profile_html(const std::string& variant, const ProfileResult& p) {
  if (!p.ran || p.samples == 0)
    return fmt::format("<h4>{}</h4>\n<p class=\"muted\">No profile: {}</p>\n", html_escape(variant),
                       html_escape(p.error.empty() ? "not run" : p.error));
  std::string out = fmt::format("<h4>{}: {} samples in {:.2f} s, {:.0f}% in lock functions, {:.0f}% in the "
                                "harness</h4>\n",
                                html_escape(variant), p.samples, p.seconds, 100 * lock_share(p),
                                100 * harness_share(p));
  out += "<table>\n<thead><tr><th>function</th><th class=\"num\">flat</th><th class=\"num\">cum</th></tr></thead>\n"
         "<tbody>\n";
  for (const auto& f : p.top)
    out += fmt::format("<tr>{}<td class=\"num\">{:.1f}%</td><td class=\"num\">{:.1f}%</td></tr>\n",
                       function_cell_html(f.name, f.full_name, f.lock), 100 * f.flat_share, 100 * f.cum_share);
  out += "</tbody>\n</table>\n";
  const std::string svg = inline_svg(p.flame_graph);
  if (!svg.empty())
    out += "<figure class=\"svg-figure\">\n<figcaption>Flame graph (lock functions in blue; hover a frame for its "
           "samples): " + html_escape(p.flame_graph) + "</figcaption>\n" + svg + "</figure>\n";
  else if (!p.flame_graph.empty())
    out += "<p class=\"muted\">The flame graph " + html_code(p.flame_graph) + " could not be read.</p>\n";
  return out;
}

std::string render_profile_html(const ProfileSession& session) {
  std::string body = "<header>\n<h1>lockedges CPU profiles</h1>\n";
  const auto profiled = std::count_if(session.items.begin(), session.items.end(),
                                      [](const ProfileSession::Item& item) { return item.profile.ran; });
  body += fmt::format("<p class=\"title\">{} variant{} profiled with gperftools in {:.1f} s (asked: {:.1f} s at "
                      "{} Hz){}.</p>\n",
                      profiled, profiled == 1 ? "" : "s",
                      session.wall_seconds, session.seconds, session.hz,
                      session.interrupted ? "; interrupted by Ctrl-C, what was collected is kept" : "");
  body += "</header>\n<section id=\"summary\">\n<h3>Summary</h3>\n<table>\n<thead><tr><th>scenario</th>"
          "<th>variant</th><th class=\"num\">samples</th><th class=\"num\">in lock functions</th><th>top function"
          "</th></tr></thead>\n<tbody>\n";
  for (const auto& item : session.items) {
    const ProfileResult& p = item.profile;
    const bool ok = p.ran && p.samples > 0;
    body += fmt::format(
        "<tr><th><a href=\"#profile-{0}\">{0}</a></th><td>{1}</td><td class=\"num\">{2}</td>"
        "<td class=\"num\">{3}</td><td>{4}</td></tr>\n",
        html_escape(item.scenario->name), html_escape(item.variant->name), ok ? std::to_string(p.samples) : "-",
        ok ? fmt::format("{:.0f}%", 100 * lock_share(p)) : "-",
        ok && !p.top.empty() ? html_code(shortened(p.top.front().name, 80))
                             : html_escape(p.error.empty() ? "not run" : p.error));
  }
  body += "</tbody>\n</table>\n";
  for (const auto& s : session.skipped) body += "<p class=\"muted\">Skipped, no time left: " + html_code(s) + "</p>\n";
  body += "</section>\n";
  const Scenario* current = nullptr;
  for (const auto& item : session.items) {
    if (item.scenario != current) {
      if (current != nullptr) body += "</section>\n";
      current = item.scenario;
      body += fmt::format("<section class=\"scenario\" id=\"profile-{0}\">\n<h2>{0}</h2>\n<p class=\"title\">{1}"
                          "</p>\n",
                          html_escape(current->name), html_escape(current->title));
    }
    body += profile_html(item.variant->name, item.profile);
  }
  if (current != nullptr) body += "</section>\n";
  body += "<footer>Written by lockedges " LOCKEDGES_VERSION
          ". profile.json beside this page holds the same numbers; each variant's folder holds cpu.prof "
          "(google-pprof --text build/lockedges cpu.prof) and flame.svg.</footer>\n";
  return html_page("lockedges CPU profiles", body);
}

}  // namespace lockedges
