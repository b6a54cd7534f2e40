#include "reports/html_page.hpp"

#include <fmt/format.h>

#ifndef LOCKEDGES_VERSION
#define LOCKEDGES_VERSION "0.0.0"
#endif

namespace lockedges {

namespace {

// ---------------------------------------------------------------------------
// The page: one style sheet for the screen, the projector and paper. Calm
// colours; a verdict carries a word and a symbol as well as a colour, so it
// reads in greyscale print too.
// ---------------------------------------------------------------------------

constexpr std::string_view kStyle = R"css(
:root {
  --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --band: #f3f5f8; --paper: #ffffff;
  --ok: #1d6b43; --ok-bg: #e4f3ea; --warn: #8a5100; --warn-bg: #fcf0d9;
  --bad: #a8201a; --bad-bg: #fbe6e4; --info: #2c5282; --info-bg: #e6eef8;
}
* { box-sizing: border-box; }
html { background: var(--paper); }
body { margin: 0; color: var(--ink); font: 18px/1.5 "DejaVu Sans", system-ui, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 2.1rem; margin: .2em 0 .1em; }
h2 { font-size: 1.7rem; margin: 0 .4em 0 0; display: inline-block; }
h3 { font-size: 1.25rem; margin: 1.8em 0 .5em; padding-bottom: .2em; border-bottom: 2px solid var(--line); }
h4 { font-size: 1.05rem; margin: 1.2em 0 .4em; }
p { margin: .4em 0; }
a { color: var(--info); }
.muted { color: var(--muted); }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .84em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--band); font-weight: 600; }
tbody th { font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.verdict { display: inline-block; padding: .1em .7em; border: 2px solid; border-radius: 999px;
           font-weight: 700; white-space: nowrap; vertical-align: middle; }
.v-ok { color: var(--ok); background: var(--ok-bg); }
.v-warn { color: var(--warn); background: var(--warn-bg); }
.v-bad { color: var(--bad); background: var(--bad-bg); }
.v-error { color: #3e4c59; background: #e4e7eb; }
.role { display: inline-block; font-size: .75em; font-weight: 600; padding: 0 .45em; border-radius: 4px;
        margin-left: .4em; vertical-align: middle; }
.role.broken { color: var(--bad); background: var(--bad-bg); }
.role.fixed { color: var(--ok); background: var(--ok-bg); }
section.scenario { margin-top: 56px; padding-top: 18px; border-top: 8px solid var(--line); }
section.scenario.ok { border-top-color: #9fd3b4; }
section.scenario.warn { border-top-color: #efc77d; }
section.scenario.bad { border-top-color: #eb9d97; }
.title { font-size: 1.2rem; margin: .3em 0; }
ul.reasons { margin: .3em 0 0; padding-left: 1.2em; color: var(--muted); }
table.matrix { table-layout: fixed; }
table.matrix thead th:first-child { width: 15em; }
table.matrix tbody th { white-space: normal; }
td.ok { color: var(--ok); }
td.hit { background: var(--warn-bg); }
td.bad { background: var(--bad-bg); color: var(--bad); font-weight: 700; }
dl.lesson { display: grid; grid-template-columns: 12em 1fr; gap: .5em 1.2em; margin: .5em 0; }
dl.lesson dt { font-weight: 700; color: var(--muted); }
dl.lesson dd { margin: 0; }
dl.lesson ol { margin: 0; padding-left: 1.3em; }
.finding { border: 1px solid var(--line); border-left: 6px solid #e3a008; border-radius: 6px;
           padding: .6em 1em; margin: .8em 0 1.2em; }
.finding.fixed { border-left-color: var(--bad); }
.diagnosis { background: var(--info-bg); border-radius: 4px; padding: .4em .7em; margin: .5em 0; }
.lock { display: inline-block; padding: 0 .4em; border-radius: 4px; font-size: .85em; font-weight: 600;
        margin: 0 .2em .1em 0; white-space: nowrap; }
.lock.shared { background: #dbeafe; color: #1e3a8a; }
.lock.exclusive { background: #1e3a8a; color: #ffffff; }
.lock.none { background: var(--bad-bg); color: var(--bad); }
figure { margin: .6em 0 1.2em; }
figcaption { font-size: .85em; color: var(--muted); margin-bottom: .2em; }
pre.source { margin: 0; padding: .4em 0; background: #f8fafc; border: 1px solid var(--line);
             border-radius: 6px; overflow-x: auto; line-height: 1.5; }
pre.source span.line { display: block; padding: 0 .8em 0 0; white-space: pre; }
pre.source span.mark { background: #fff1b8; box-shadow: inset 5px 0 0 #d97706; font-weight: 700; }
td pre.source span.line { white-space: pre-wrap; overflow-wrap: anywhere; }
pre.source span.ln { display: inline-block; width: 4em; padding-right: 1em; text-align: right;
                     color: var(--muted); user-select: none; }
.bar { height: .7em; border-radius: 3px; background: #8ba3c1; min-width: 3px; }
.bar.wait { background: #d9a04e; }
.svg-figure svg { max-width: 100%; height: auto; display: block; }
.seq-figure { overflow-x: auto; }
.legend span { display: inline-block; margin-right: 1.2em; font-size: .85em; color: var(--muted); }
.legend i { display: inline-block; width: 1em; height: .8em; border: 1px solid #64748b; margin-right: .3em;
            vertical-align: baseline; border-radius: 2px; }
nav.toc { margin: .8em 0; }
footer { margin-top: 48px; color: var(--muted); font-size: .85em; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section.scenario { break-before: page; margin-top: 0; }
  table, pre, figure, .finding { break-inside: avoid; }
  h2, h3, h4, figcaption { break-after: avoid; }
  .seq-figure { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

}  // namespace

std::string html_page(std::string_view title, std::string_view body) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"lockedges " LOCKEDGES_VERSION "\">\n";
  out += "<title>" + html_escape(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n";
  out += "<body>\n<main>\n" + std::string(body) + "</main>\n</body>\n</html>\n";
  return out;
}

std::string html_code(std::string_view text) { return "<code>" + html_escape(text) + "</code>"; }

std::string locks_html(const tsan::Location& l) {
  if (!l.mutexes_known) return "<span class=\"muted\">not tracked by this detector</span>";
  if (l.access != "read" && l.access != "write" && l.mutexes.empty()) return "";
  if (l.mutexes.empty()) return "<span class=\"lock none\">no lock held</span>";
  std::string out;
  for (const auto& m : l.mutexes)
    out += fmt::format("<span class=\"lock {0}\" title=\"{2}\">{0} {1}</span>", tsan::mode_word(m),
                       html_escape(tsan::mutex_label(m)), html_escape(m.id));
  return out;
}

}  // namespace lockedges
