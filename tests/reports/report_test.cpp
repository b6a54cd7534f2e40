// The renderers: what a teacher projects and an engineer attaches to a bug
// must show every scenario, quote the racing lines, and never let text from a
// log or a case turn into markup.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "reports/html_page.hpp"
#include "reports/html_profile.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/mermaid.hpp"
#include "reports/pieces.hpp"
#include "reports/profile_report.hpp"
#include "reports/report.hpp"
#include "reports/sequence_svg.hpp"
#include "reports/text_report.hpp"
#include "reports/writer.hpp"
#include "case_api/scenario.hpp"
#include "driving/driver.hpp"
#include "sources/source.hpp"
#include "support/sample_report.hpp"
#include "support/locations.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

// A report as the driver would make it for `s`, with no runs behind it.
ScenarioReport report_for(const Scenario& s) {
  ScenarioReport r = scenario_header(s);
  r.verdict = kVerdictReproducedAndFixed;
  r.runs = 1;
  r.reproduced_runs = 1;
  for (const auto& v : s.variants) {
    VariantReport vr;
    vr.name = v.name;
    vr.broken = v.broken;
    vr.summary = v.summary;
    r.variants.push_back(vr);
  }
  const auto text = embedded_source(r.source);
  if (text) r.ground_truth.tags = find_tags(*text);
  return r;
}

// A data race between the case's two tagged lines, the write holding no
// lock and the read holding the shared lock.
tsan::Finding race_on_tags(const ScenarioReport& r) {
  tsan::Finding f;
  f.kind = "data race";
  f.count = 3;
  f.diagnosis = "write with no lock held, read under a shared lock";
  f.summary = "data race " + r.source;
  const auto& tags = r.ground_truth.tags;
  for (std::size_t i = 0; i < tags.size() && i < 2; ++i) {
    tsan::Location l;
    l.file = "/src/" + r.source;
    l.line = tags[i].line;
    l.access = i == 0 ? "read" : "write";
    l.thread = i == 0 ? "T2" : "T1";
    if (i == 0) l.mutexes.push_back(testing::held("M83", true));
    f.locations.push_back(l);
  }
  return f;
}

// Throughput is the repetitions' median with their slowest and fastest, in
// every format; with one repetition there is no range to show.
TEST(Reports, ThroughputShowsTheRepetitionsSpreadInEveryFormat) {
  ScenarioReport r = testing::sample_report();
  const std::string spread = "2.00M ops/s (1.8-2.3)";
  EXPECT_TRUE(contains(render_text({r}), spread)) << render_text({r});
  EXPECT_TRUE(contains(render_markdown({r}), spread));
  EXPECT_TRUE(contains(render_html({r}), "2.00M (1.8-2.3)"));
  for (auto& v : r.variants) v.stress.repetition_rates = {2e6};
  EXPECT_FALSE(contains(render_text({r}), "(1.8-2.3)"));
  EXPECT_TRUE(contains(render_text({r}), "2.00M ops/s"));
}

// A striped store's many locks are one row of the HTML's lock table, their
// counts summed and their maxima the largest; lone locks keep their names.
TEST(HtmlReport, LocksOfAStripedStoreAreOneRow) {
  ScenarioReport r = testing::sample_report();
  auto& locks = r.variants.back().stress.locks;
  locks.clear();
  for (int i = 0; i < 3; ++i) {
    LockStats l;
    l.name = fmt::format("sessions[{}].mu_", i);
    l.exclusive_acquisitions = 10;
    l.contended = 1;
    l.max_wait_ns = 1000 * (i + 1);
    locks.push_back(l);
  }
  locks.push_back(LockStats{.name = "config.mu_", .shared_acquisitions = 7});
  const std::vector<LockStats> rows = lock_families(locks);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "sessions[*].mu_, 3 locks");
  EXPECT_EQ(rows[0].exclusive_acquisitions, 30u);
  EXPECT_EQ(rows[0].contended, 3u);
  EXPECT_EQ(rows[0].max_wait_ns, 3000);
  EXPECT_EQ(rows[1].name, "config.mu_");
  const std::string html = render_html({r});
  EXPECT_TRUE(contains(html, "sessions[*].mu_, 3 locks")) << html;
  EXPECT_FALSE(contains(html, "sessions[1].mu_"));
}

TEST(HtmlReport, EscapesHostileTextFromLogsAndCases) {
  ScenarioReport r = report_for(testing::registered("deferred-lambda-write"));
  r.title = "maps & locks <b>bold</b>";
  tsan::Finding f = race_on_tags(r);
  f.summary = "<script>alert('summary')</script>";
  f.diagnosis = "\"><img src=x onerror=alert(1)>";
  f.locations.front().thread = "T1<script>";
  r.variants.front().tsan.findings.push_back(f);
  r.variants.front().thread_names = {"main", "<script>evil()</script>"};
  r.variants.front().interleaving = {{0, 1000, 1, "step", "writes <script>x</script> & more", -1}};
  r.reasons = {"reason with </section> inside"};

  const std::string html = render_html({r});
  EXPECT_FALSE(contains(html, "<script")) << "a script element got through";
  EXPECT_FALSE(contains(html, "<img")) << "an element from the diagnosis got through";
  EXPECT_FALSE(contains(html, "<b>bold"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(contains(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(contains(html, "maps &amp; locks &lt;b&gt;bold&lt;/b&gt;"));
  // Opening and closing sections still pair up: nothing in a reason closed one.
  EXPECT_EQ(count_of(html, "<section"), count_of(html, "</section>"));
}

TEST(HtmlReport, EveryScenarioHasItsSectionsAndTheSummaryLinksThem) {
  std::vector<ScenarioReport> reports;
  for (const auto& s : Registry::instance().all()) reports.push_back(report_for(s));
  ASSERT_GE(reports.size(), 7u);
  reports[1].verdict = kVerdictFixFailed;
  const std::string html = render_html(reports);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  for (const char* fetch : {"<link", "<script", "src=", "@import", "url(", "href=\"http"})
    EXPECT_FALSE(contains(html, fetch)) << "the page must fetch nothing: " << fetch;
  for (const auto& r : reports) {
    EXPECT_TRUE(contains(html, "id=\"" + r.scenario + "\"")) << r.scenario;
    for (const char* part : {"lesson", "matrix", "findings", "cost", "profile", "interleaving"})
      EXPECT_TRUE(contains(html, "id=\"" + r.scenario + "-" + part + "\"")) << r.scenario << "-" << part;
    EXPECT_TRUE(contains(html, "href=\"#" + r.scenario + "\"")) << r.scenario;
    EXPECT_TRUE(contains(html, html_escape(r.lesson.guideline))) << r.scenario << ": the guideline is missing";
    EXPECT_TRUE(contains(html, html_escape(r.lesson.go_origin))) << r.scenario << ": the Go original is missing";
  }
  EXPECT_TRUE(contains(html, "v-bad\">\u2717 fix-failed")) << "a failed verdict must stand out";
}

TEST(HtmlReport, FindingsQuoteTheRacingLinesWithTheirLockModes) {
  ScenarioReport r = report_for(testing::registered("deferred-lambda-write"));
  ASSERT_GE(r.ground_truth.tags.size(), 2u);
  r.variants.front().tsan.findings.push_back(race_on_tags(r));
  const std::string html = render_html({r});
  const auto text = embedded_source(r.source);
  ASSERT_TRUE(text.has_value());
  for (const auto& tag : std::vector<Tag>(r.ground_truth.tags.begin(), r.ground_truth.tags.begin() + 2)) {
    const std::string line = source_lines(*text, tag.line, tag.line).front();
    EXPECT_TRUE(contains(html, fmt::format("<span class=\"line mark\" title=\"{}\"><span class=\"ln\">{}</span>{}",
                                           html_escape(tag.kind + "(" + tag.id + "): " + tag.note), tag.line,
                                           html_escape(line))))
        << "line " << tag.line << " is not highlighted";
  }
  // An unnamed mutex shows as TSan's id, its title the id again.
  EXPECT_TRUE(contains(html, "<span class=\"lock shared\" title=\"M83\">shared M83</span>"));
  EXPECT_TRUE(contains(html, "<span class=\"lock none\">no lock held</span>"));
  EXPECT_TRUE(contains(html, "write with no lock held, read under a shared lock"));

  const std::string md = render_markdown({r});
  EXPECT_TRUE(contains(md, "### The lesson"));
  EXPECT_TRUE(contains(md, "Diagnosis: write with no lock held"));
  EXPECT_TRUE(contains(md, "| shared M83 |"));
  const Tag& write = r.ground_truth.tags[1];
  EXPECT_TRUE(contains(md, fmt::format("> {:>4} | {}", write.line, source_lines(*text, write.line, write.line).front())))
      << md;
}

// Every statement of a Mermaid sequence diagram, after its first colon, must
// hold no character Mermaid reads as syntax except in an entity code.
TEST(HtmlReport, AFindingFromCutReportsSaysSoInEveryFormat) {
  // A log cut inside its only report gives a finding that may lack a
  // location or a lock; every format must say so, and only for that one.
  ScenarioReport r = report_for(testing::registered("deferred-lambda-write"));
  tsan::Finding cut = race_on_tags(r);
  cut.incomplete = true;
  tsan::Finding whole = race_on_tags(r);
  whole.kind = "heap-use-after-free";
  r.variants.front().tsan.findings = {cut, whole};
  const std::string note = "(report cut short: a location or a lock may be missing)";
  for (const auto& [format, out] : std::map<std::string, std::string>{
           {"text", render_text({r})}, {"markdown", render_markdown({r})}, {"html", render_html({r})}}) {
    std::size_t times = 0;
    for (std::size_t at = out.find(note); at != std::string::npos; at = out.find(note, at + 1)) ++times;
    EXPECT_EQ(times, 1u) << format << ":\n" << out;
  }
  EXPECT_TRUE(contains(render_text({r}), "data race x3 " + note + ": write with no lock held"));
  const auto findings = to_json(r).at("variants").at(0).at("tsan").at("findings");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].at("incomplete"), true);
  EXPECT_EQ(findings[1].at("incomplete"), false);
}

TEST(MarkdownReport, MermaidBlockIsWellFormedForAwkwardText) {
  VariantReport v;
  v.name = "broken";
  v.thread_names = {"main", "writer: #1; <b>", "reader"};
  v.interleaving = {
      {0, 100, 2, "unlock", "releases shared lock a (never taken: no deactivate)", -1},
      {1, 1500, 1, "lock", "takes shared lock counters.mu_; then # and : and \"quotes\"", -1},
      {2, 2000, 1, "step", "two\nlines & `ticks` --> not an arrow", -1},
      {3, 2500, 2, "wait", "", -1},
      {4, 3000, 1, "unlock", "releases shared lock counters.mu_", -1},
  };
  const std::string diagram = mermaid_sequence(v);
  std::istringstream lines(diagram);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "sequenceDiagram");
  const std::regex participant(R"(^    participant T(\d+) as (.+)$)");
  const std::regex note(R"(^    Note over T(\d+): (.+)$)");
  const std::regex activation(R"(^    (activate|deactivate) T(\d+)$)");
  const std::regex entity("#[A-Za-z0-9]+;");
  std::map<std::string, int> active;
  std::vector<std::string> declared;
  int notes = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    std::string text;
    if (std::regex_match(line, m, participant)) {
      declared.push_back(m[1]);
      text = m[2];
    } else if (std::regex_match(line, m, note)) {
      EXPECT_NE(std::find(declared.begin(), declared.end(), m[1]), declared.end()) << "undeclared: " << line;
      text = m[2];
      ++notes;
    } else if (std::regex_match(line, m, activation)) {
      active[m[2]] += m[1] == "activate" ? 1 : -1;
      EXPECT_GE(active[m[2]], 0) << "deactivate without activate: " << line;
      continue;
    } else {
      ADD_FAILURE() << "not a statement: " << line;
      continue;
    }
    const std::string bare = std::regex_replace(text, entity, "");
    EXPECT_EQ(bare.find_first_of(";#:<>\"`"), std::string::npos) << line;
  }
  EXPECT_EQ(notes, 5);
  EXPECT_EQ(active["1"], 0);
  EXPECT_TRUE(contains(diagram, "participant T1 as writer#58; #35;1#59; #lt;b#gt;"));

  ScenarioReport r = report_for(testing::registered("deferred-lambda-write"));
  r.variants.front() = v;
  const std::string md = render_markdown({r});
  EXPECT_TRUE(contains(md, "```mermaid\n" + diagram + "```\n")) << md;
}

TEST(HtmlReport, SequenceDiagramDrawsEveryEventOnItsThreadsLifeline) {
  VariantReport v;
  v.name = "broken";
  v.thread_names = {"main", "writer", "reader"};
  v.interleaving = {{0, 1000, 1, "lock", "takes shared lock mu_", -1},
                    {1, 2000, 2, "step", "reads visits = 0 under the shared lock", -1},
                    {2, 3000, 1, "unlock", "releases shared lock mu_", -1},
                    {3, 4000, 1, "step", "deferred action writes visits = 1", -1}};
  const std::string svg = sequence_diagram_svg(v);
  EXPECT_TRUE(svg.starts_with("<svg"));
  std::size_t boxes = 0;
  for (std::size_t at = svg.find("<g><title>"); at != std::string::npos; at = svg.find("<g><title>", at + 1)) ++boxes;
  EXPECT_EQ(boxes, 4u);
  EXPECT_TRUE(contains(svg, ">writer</text>"));
  EXPECT_TRUE(contains(svg, ">reader</text>"));
  EXPECT_FALSE(contains(svg, ">main</text>")) << "a thread with no event gets no lifeline";
  EXPECT_TRUE(contains(svg, "fill=\"#93c5fd\"")) << "the shared lock's hold bar is missing";
  EXPECT_TRUE(contains(svg, "<polygon")) << "no arrow where the run moved to another thread";
  EXPECT_TRUE(sequence_diagram_svg(VariantReport{}).empty());
}

// Profile tables show short names, the full one a hover away in the page
// and a field away in JSON, and say how much the harness took.
TEST(HtmlReport, ProfileTablesShowShortNamesWithTheFullNameAsTitle) {
  const ScenarioReport r = testing::sample_report();
  const std::string html = render_html({r});
  EXPECT_TRUE(contains(html, "<code title=\"bump(std::vector&lt;int, std::allocator&lt;int&gt; &gt;&amp;)\">bump</code>"))
      << "the full name is the cell's hover title";
  EXPECT_TRUE(contains(html, "5% in the harness"));
  const std::string md = render_markdown({r});
  EXPECT_TRUE(contains(md, "| `bump` |"));
  EXPECT_FALSE(contains(md, "std::allocator")) << "Markdown cells hold the short name";
  const auto json = to_json(r);
  const auto& top = json["variants"][0]["profile"]["top"];
  EXPECT_EQ(top[1]["full_name"], "bump(std::vector<int, std::allocator<int> >&)");
  EXPECT_DOUBLE_EQ(json["variants"][0]["profile"]["harness_share"].get<double>(), 0.05);
}

TEST(HtmlReport, ProfilePageInlinesOurFlameGraphsOnly) {
  testing::ScratchDir dir("html-profile");
  const auto good = dir.path() / "good.svg";
  const auto bad = dir.path() / "bad.svg";
  std::ofstream(good) << "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>frame_a</text></svg>\n";
  std::ofstream(bad) << "<svg><script>alert(1)</script></svg>\n";
  const Scenario& s = testing::registered("deferred-lambda-write");
  ProfileSession session;
  session.seconds = 2;
  session.hz = 1000;
  for (const auto& v : s.variants) {
    ProfileResult p;
    p.ran = true;
    p.samples = 10;
    p.top = {{"std::__detail::_Map_base<...>::operator[]", 6, 0.6, 8, 0.8, false}, {"futex_wait", 4, 0.4, 4, 0.4, true}};
    p.flame_graph = (v.broken ? good : bad).string();
    session.items.push_back({&s, &v, p});
  }
  const std::string html = render_profile_html(session);
  EXPECT_TRUE(contains(html, "id=\"profile-deferred-lambda-write\""));
  EXPECT_TRUE(contains(html, "<text>frame_a</text>")) << "the flame graph was not inlined";
  EXPECT_FALSE(contains(html, "<?xml")) << "an XML declaration inside HTML";
  EXPECT_FALSE(contains(html, "<script")) << "an SVG with a script was inlined";
  EXPECT_TRUE(contains(html, "40% in lock functions"));
  EXPECT_TRUE(contains(render_profile_text(session), "40% in lock functions"));
  EXPECT_EQ(to_json(session)["variants"].size(), s.variants.size());
}

// A report folder is never left half-written: each file lands whole, and
// one that cannot be written says why without stopping the others.
TEST(Writer, WritesEveryOutputWholeAndSaysWhichFailedAndWhy) {
  testing::ScratchDir dir("writer");
  std::ofstream(dir.path() / "report.md") << "an older report";
  const auto failed = write_outputs(dir.path(), {{"report.json", "{}\n"},
                                                 {"no-such-folder/junit.xml", "<testsuites/>"},
                                                 {"report.md", "# lockedges report\n"}});
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed.front().path, dir.path() / "no-such-folder/junit.xml");
  EXPECT_EQ(failed.front().error.message(), "No such file or directory");
  EXPECT_EQ(testing::slurp(dir.path() / "report.json"), "{}\n");
  EXPECT_EQ(testing::slurp(dir.path() / "report.md"), "# lockedges report\n") << "the older file is replaced";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_NE(entry.path().extension(), ".tmp") << "a temporary file was left behind";
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

TEST(Writer, MakesAMissingFolderAndTakesPathsAsTheyAreWithoutOne) {
  testing::ScratchDir dir("writer-folder");
  EXPECT_TRUE(write_outputs(dir.path() / "profiles", profile_outputs(ProfileSession{})).empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "profiles" / "profile.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "profiles" / "index.html"));
  const auto junit = dir.path() / "junit.xml";
  EXPECT_TRUE(write_outputs({}, {{junit, "<testsuites/>"}}).empty());
  EXPECT_EQ(testing::slurp(junit), "<testsuites/>");
  EXPECT_EQ(write_outputs({}, {{dir.path() / "missing" / "junit.xml", ""}}).size(), 1u)
      << "without a folder, none is made";
}

TEST(Writer, RunWritesTheThreeReportsAndPrintsTheFormatAskedFor) {
  const std::vector<ScenarioReport> one{report_for(testing::registered("deferred-lambda-write"))};
  std::vector<std::string> names;
  for (const auto& output : run_outputs(one)) names.push_back(output.name.string());
  EXPECT_EQ(names, (std::vector<std::string>{kRunJson, kRunMarkdown, kRunPage}));
  EXPECT_TRUE(run_stdout(one, "json").starts_with("{")) << "one scenario: its object";
  EXPECT_TRUE(run_stdout({one.front(), one.front()}, "json").starts_with("[")) << "several: the array";
  EXPECT_TRUE(run_stdout(one, "md").starts_with("# lockedges report"));
  EXPECT_TRUE(run_stdout(one, "text").starts_with("deferred-lambda-write  (seed"));
}

}  // namespace
}  // namespace lockedges
