#include "benchmarks/bench_report.hpp"

#include <fmt/format.h>

#include "reports/html_page.hpp"

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges {

std::string render_bench_html(const std::vector<BenchTable>& tables, const nlohmann::json& results) {
  const nlohmann::json& context = results.value("context", nlohmann::json::object());
  std::string body = "<header>\n<h1>lockedges benchmarks</h1>\n";
  body += fmt::format(
      "<p class=\"title\">{} on {}, {} CPUs; throughput in operations per second (real time), each row against "
      "its table's first broken (or baseline) row at the same thread count, all from the same run.</p>\n",
      html_escape(context.value("date", std::string("?"))), html_escape(context.value("host_name", std::string("?"))),
      context.value("num_cpus", 0));
  body += "</header>\n";
  for (const auto& table : tables) {
    const BenchRow* base = table.baseline();
    body += fmt::format("<section id=\"bench-{}-{}\">\n<h3>{}</h3>\n<p class=\"muted\">One operation: {}.</p>\n",
                        html_escape(table.group), html_escape(table.id), html_escape(table.title),
                        html_escape(table.op.empty() ? "-" : table.op));
    body += fmt::format("<table>\n<thead><tr><th>{}</th>", base ? "ops/s, x " + html_escape(base->name) : "ops/s");
    for (int t : table.threads) body += "<th class=\"num\">" + threads_text(t) + "</th>";
    body += "</tr></thead>\n<tbody>\n";
    for (const auto& row : table.rows) {
      body += fmt::format("<tr><th>{}{}</th>", html_code(row.name), row.note.empty() ? "" : " *");
      for (int t : table.threads) body += "<td class=\"num\">" + html_escape(cell_text(table, row, t)) + "</td>";
      body += "</tr>\n";
    }
    body += "</tbody>\n</table>\n";
    for (const auto& row : table.rows)
      if (!row.note.empty()) body += "<p class=\"muted\">* " + html_code(row.name) + ": " + html_escape(row.note) + "</p>\n";
    const auto goals = bench_goals(table);
    if (!goals.empty()) {
      body += "<p>Goals: the best fix within 1.25x of the best library; at least 2x the broken store at 2 "
              "threads.</p>\n<ul>\n";
      for (const auto& goal : goals) body += "<li>" + html_escape(goal_text(goal)) + "</li>\n";
      body += "</ul>\n";
    }
    body += "</section>\n";
  }
  body += "<footer>Written by lockedges " LOCKEDGES_VERSION
          ". bench.json beside this page is Google Benchmark's JSON of the same run; bench.md the same tables in "
          "Markdown.</footer>\n";
  return html_page("lockedges benchmarks", body);
}

}  // namespace lockedges
