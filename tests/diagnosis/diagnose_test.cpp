// `lockedges diagnose` on logs the suite did not write: the programs under
// tests/fixtures/diagnose/ (service-style code, one report kind each), and
// on the suite's own broken variants run fresh. Each must name the lesson
// its README table says, or none.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "case_api/scenario.hpp"
#include "detection/go_race_log.hpp"
#include "detection/tsan_log.hpp"
#include "diagnosis/diagnosis.hpp"
#include "support/parser_checks.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

const std::string kLogs = std::string(LOCKEDGES_FIXTURE_DIR) + "/diagnose/logs/";

SourceSettings repo_sources() {
  SourceSettings s;
  s.src_root = LOCKEDGES_SOURCE_DIR;
  s.strip_prefixes = {"/src/lockedges/"};
  return s;
}

Diagnosis diagnose_files(const std::vector<std::string>& paths, const SourceSettings& settings = repo_sources()) {
  std::vector<DiagnoseInput> inputs;
  for (const std::string& p : paths) inputs.push_back({p, testing::slurp(p)});
  return diagnose(inputs, settings, Registry::instance().all());
}

std::string lesson_of(const DiagnosedFinding& f) { return f.lesson ? f.lesson->scenario : "none"; }

TEST(Diagnose, EveryFixtureNamesTheLessonItsTableSays) {
  const std::map<std::string, std::string> expected{
      {"session_cache", "iteration-during-grow"}, {"hit_counter", "deferred-lambda-write"},
      {"account_ledger", "nested-field"},         {"rate_limits", "lazy-init"},
      {"quote_board", "timer-callback"},          {"status_panel", "timer-callback"},
      {"job_tree", "cancel-tree"},                {"queue_depth", "none"},
      {"worker_pool", "none"},                    {"batch_writer", "none"},
      {"channel_close", "none"},                  {"index_rebuild", "none"},
      {"catalog_stock", "none"},                  {"log_shipper", "none"},
      {"config_reload", "none"},                  {"pidfile_cleanup", "none"}};
  for (const auto& [name, lesson] : expected) {
    const Diagnosis d = diagnose_files({kLogs + name + ".log"});
    ASSERT_FALSE(d.findings.empty()) << name;
    for (const DiagnosedFinding& f : d.findings) {
      EXPECT_EQ(lesson_of(f), lesson) << name << ": " << f.finding.summary;
      // Every finding points at the program's own source line.
      ASSERT_FALSE(f.finding.locations.empty()) << name;
      EXPECT_TRUE(contains(f.finding.locations[0].file, "programs/" + name + ".cpp"))
          << name << ": " << f.finding.locations[0].file;
      EXPECT_GT(f.finding.locations[0].line, 0) << name;
    }
  }
}

TEST(Diagnose, MisuseKindsHaveTheirLocationAndSecondStack) {
  const Diagnosis d = diagnose_files({kLogs + "channel_close.log"});
  ASSERT_EQ(d.findings.size(), 1u);
  const auto& locs = d.findings[0].finding.locations;
  ASSERT_GE(locs.size(), 2u);
  EXPECT_EQ(locs[0].access, "destroy");
  EXPECT_TRUE(locs[0].function.starts_with("Channel::~Channel")) << locs[0].function;
  EXPECT_TRUE(locs[1].function.starts_with("Channel::close")) << locs[1].function;  // the stack after "  and:"
}

TEST(Diagnose, ThreadLeaksCountTheSimilarOnes) {
  const Diagnosis d = diagnose_files({kLogs + "log_shipper.log"});
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].finding.count, 5);  // one report, "And 4 more similar thread leaks."
  ASSERT_FALSE(d.findings[0].finding.locations.empty());
  EXPECT_EQ(d.findings[0].finding.locations[0].access, "create");
}

TEST(Diagnose, LockOrderShowsHowEachHeldMutexWasTakenAndNamesThem) {
  const Diagnosis d = diagnose_files({kLogs + "job_tree.log"});
  ASSERT_EQ(d.findings.size(), 1u);
  const tsan::Finding& f = d.findings[0].finding;
  ASSERT_EQ(f.locations.size(), 2u);
  EXPECT_EQ(f.locations[1].access, "read lock");  // finish() takes the parent's with a shared_lock
  for (const tsan::Location& l : f.locations) {
    ASSERT_EQ(l.mutexes.size(), 1u);
    EXPECT_TRUE(l.mutexes[0].mode_known);  // second_deadlock_stack=1
    EXPECT_TRUE(l.mutexes[0].name.ends_with("mu_")) << l.mutexes[0].name;
  }
}

TEST(Diagnose, OneBugInManyProcessesIsOneFinding) {
  const Diagnosis two = diagnose_files({kLogs + "two_processes.log"});
  const Diagnosis one = diagnose_files({kLogs + "session_cache.log"});
  ASSERT_EQ(two.findings.size(), 1u);
  ASSERT_EQ(one.findings.size(), 1u);
  EXPECT_EQ(two.findings[0].finding.fingerprint, one.findings[0].finding.fingerprint);
  EXPECT_EQ(two.findings[0].finding.count, 2 * one.findings[0].finding.count);
  // The same log twice: one finding, both inputs named.
  const Diagnosis twice = diagnose_files({kLogs + "session_cache.log", kLogs + "two_processes.log"});
  ASSERT_EQ(twice.findings.size(), 1u);
  EXPECT_EQ(twice.findings[0].inputs.size(), 2u);
}

TEST(Diagnose, AWholeTestRunsOutputYieldsEveryReportInIt) {
  const Diagnosis d = diagnose_files({kLogs + "test_run_output.log"});
  ASSERT_EQ(d.findings.size(), 2u);
  EXPECT_EQ(lesson_of(d.findings[0]), "iteration-during-grow");
  EXPECT_EQ(lesson_of(d.findings[1]), "none");
}

TEST(Diagnose, TheSuitesOwnBrokenVariantsNameTheirOwnLesson) {
  ScratchDir dir("diagnose-own");
  const auto ran = run(testing::bin("lockedges"),
                       {"run", "all", "--runs", "2", "--asan-runs", "0", "--stress-seconds", "0.01",
                        "--profile-seconds", "0", "--out", (dir.path() / "r").string(), "-q"});
  // 0, or 1 where a stress run this short missed a symptom: the TSan logs
  // are what this test reads.
  ASSERT_LE(ran.code(), 1) << ran.err;
  ASSERT_GE(ran.code(), 0) << ran.err;
  SourceSettings settings;
  settings.src_root = LOCKEDGES_SOURCE_DIR;
  int matched = 0;
  for (const Scenario& s : Registry::instance().all()) {
    for (const Variant& v : s.variants) {
      const auto folder = dir.path() / "r" / s.name / v.name;
      const Diagnosis d =
          diagnose_files({(folder / "tsan-1.log").string(), (folder / "tsan-2.log").string()}, settings);
      if (!v.broken) {
        EXPECT_TRUE(d.findings.empty()) << s.name << "/" << v.name;
        continue;
      }
      for (const DiagnosedFinding& f : d.findings) {
        EXPECT_EQ(lesson_of(f), s.name) << v.name << ": " << f.finding.summary;
        EXPECT_EQ(f.inputs.size(), 2u) << "both runs give the same fingerprint: " << f.finding.summary;
      }
      if (!d.findings.empty()) ++matched;
    }
  }
  EXPECT_GE(matched, 6);  // every scenario but coarse-lock has a broken variant TSan reports
}

// Go's race detector: real `go build -race` / `go test -race` output of the
// programs under tests/fixtures/diagnose/go/, with the locks read from
// their source under --src-root.
TEST(Diagnose, GoRaceReportsNameTheirLessonWithLocksFromTheSource) {
  const std::map<std::string, std::string> expected{
      {"visit_counts", "iteration-during-grow"}, {"deferred_stats", "deferred-lambda-write"},
      {"session_timer", "timer-callback"},       {"test_output", "iteration-during-grow"},
      {"profile_age", "none"},                   {"plain_counter", "none"}};
  for (const auto& [name, lesson] : expected) {
    const Diagnosis d = diagnose_files({kLogs + "go_" + name + ".log"});
    ASSERT_EQ(d.findings.size(), 1u) << name;
    const DiagnosedFinding& f = d.findings[0];
    EXPECT_EQ(f.tool, "Go race detector") << name;
    EXPECT_EQ(f.finding.kind, "data race") << name;
    EXPECT_EQ(lesson_of(f), lesson) << name << ": " << f.finding.diagnosis;
    ASSERT_EQ(f.finding.locations.size(), 2u) << name;
    for (const tsan::Location& l : f.finding.locations) {
      EXPECT_TRUE(contains(l.file, "diagnose/go/")) << name << ": " << l.file;
      EXPECT_GT(l.line, 0) << name;
      EXPECT_TRUE(l.mutexes_known) << name;
      EXPECT_TRUE(l.thread.starts_with("goroutine ") || l.thread == "main goroutine") << name << ": " << l.thread;
    }
  }
  // The map write under RLock holds v.mu shared on both sides.
  const Diagnosis visits = diagnose_files({kLogs + "go_visit_counts.log"});
  for (const tsan::Location& l : visits.findings[0].finding.locations) {
    ASSERT_EQ(l.mutexes.size(), 1u);
    EXPECT_EQ(l.mutexes[0].id, "v.mu");
    EXPECT_TRUE(l.mutexes[0].shared);
  }
  EXPECT_TRUE(contains(visits.findings[0].finding.diagnosis, "write under a shared (read) lock"));
  // Defers run last in, first out: the closure registered before the
  // deferred RUnlock runs after it, with no lock.
  const Diagnosis deferred = diagnose_files({kLogs + "go_deferred_stats.log"});
  const auto& locations = deferred.findings[0].finding.locations;
  const auto closure = std::find_if(locations.begin(), locations.end(),
                                    [](const tsan::Location& l) { return contains(l.function, ".func1"); });
  ASSERT_NE(closure, locations.end());
  EXPECT_TRUE(closure->mutexes.empty());
  // A timer's callback takes no lock; the handler holds s.mu exclusively.
  const Diagnosis timer = diagnose_files({kLogs + "go_session_timer.log"});
  for (const tsan::Location& l : timer.findings[0].finding.locations)
    EXPECT_EQ(l.mutexes.empty(), contains(l.function, "func1")) << l.function;
}

TEST(Diagnose, GoWithoutTheSourceSaysTheLocksAreUnknownAndKeepsItsFingerprint) {
  const Diagnosis with = diagnose_files({kLogs + "go_visit_counts.log"});
  const Diagnosis without = diagnose_files({kLogs + "go_visit_counts.log"}, SourceSettings{});
  ASSERT_EQ(without.findings.size(), 1u);
  for (const tsan::Location& l : without.findings[0].finding.locations) EXPECT_FALSE(l.mutexes_known);
  EXPECT_TRUE(contains(without.findings[0].finding.diagnosis, "does not say which locks"))
      << without.findings[0].finding.diagnosis;
  EXPECT_EQ(with.findings[0].finding.fingerprint, without.findings[0].finding.fingerprint);
  // The same program run twice: the same fingerprints, though the runs
  // printed different numbers of reports.
  const Diagnosis again = diagnose_files({kLogs + "go_visit_counts_again.log"});
  ASSERT_EQ(again.findings.size(), 1u);
  EXPECT_EQ(again.findings[0].finding.fingerprint, with.findings[0].finding.fingerprint);
}

TEST(GoRaceLog, CutAndMixedTextIsReadAsFarAsItGoes) {
  const std::string whole = testing::slurp(kLogs + "go_test_output.log");
  const tsan::Log log = tsan::parse_go(whole);
  EXPECT_EQ(log.warnings.size(), 2u);
  for (const tsan::Warning& w : log.warnings) {
    EXPECT_TRUE(w.complete);
    ASSERT_EQ(w.accesses.size(), 2u);
    EXPECT_FALSE(w.accesses[0].stack.empty());
    EXPECT_GT(w.accesses[0].stack[0].line, 0);
    EXPECT_EQ(w.sections.size(), 2u);  // Goroutine N (running) created at
  }
  EXPECT_TRUE(log.warnings[0].accesses[1].previous);
  EXPECT_TRUE(log.warnings[0].accesses[1].write);
  // Cut inside the second report: the first whole, the second kept, incomplete.
  const std::size_t second = whole.find("WARNING: DATA RACE", whole.find("WARNING: DATA RACE") + 1);
  const tsan::Log cut = tsan::parse_go(whole.substr(0, whole.find("Previous write", second)));
  ASSERT_EQ(cut.warnings.size(), 2u);
  EXPECT_TRUE(cut.warnings[0].complete);
  EXPECT_FALSE(cut.warnings[1].complete);
  // A C++ TSan log holds no Go report, and a Go log no TSan one.
  EXPECT_TRUE(tsan::parse_go(testing::slurp(kLogs + "session_cache.log")).warnings.empty());
  EXPECT_TRUE(tsan::parse(whole).warnings.empty());
  EXPECT_TRUE(tsan::parse_go("WARNING: DATA RACE\nRead at 0x1 by goroutine").warnings.empty());
}

TEST(GoRaceLog, EveryInputTheFuzzerKeptHoldsTheParsersPromises) {
  // The corpus of fuzz/run.sh's go_race_log target.
  testing::replay_fuzz_corpus("go_race_log", checks::go_race_log);
}

TEST(DiagnoseCommand, ExitStatusesTextWidthAndJson) {
  const std::string l = testing::bin("lockedges");
  const auto found = run(l, {"diagnose", kLogs + "hit_counter.log", "--strip-prefix", "/src/lockedges/",
                             "--src-root", LOCKEDGES_SOURCE_DIR});
  EXPECT_EQ(found.code(), 1) << found.err;
  EXPECT_TRUE(contains(found.out, "Lesson: deferred-lambda-write")) << found.out;
  EXPECT_TRUE(contains(found.out, "lockedges explain deferred-lambda-write")) << found.out;
  for (const std::string& line : lines_of(found.out)) EXPECT_LE(line.size(), 80u) << line;

  const auto json_out = run(l, {"diagnose", "--format", "json", kLogs + "job_tree.log", "--strip-prefix",
                                "/src/lockedges/", "--src-root", LOCKEDGES_SOURCE_DIR});
  EXPECT_EQ(json_out.code(), 1);
  const auto doc = nlohmann::json::parse(json_out.out);
  EXPECT_EQ(doc["command"], "diagnose");
  EXPECT_EQ(doc["findings"][0]["lesson"]["scenario"], "cancel-tree");

  const auto none = run(l, {"diagnose", std::string(LOCKEDGES_FIXTURE_DIR) + "/tsan/garbage.log"});
  EXPECT_EQ(none.code(), 0) << none.out;
  EXPECT_TRUE(contains(none.out, "No sanitizer report")) << none.out;

  const auto missing = run(l, {"diagnose", "/nonexistent/my-tsan.log"});
  EXPECT_EQ(missing.code(), 2);
  EXPECT_TRUE(contains(missing.err, "no such file")) << missing.err;

  const auto device = run(l, {"diagnose", "/dev/null"});
  EXPECT_EQ(device.code(), 3);
  EXPECT_TRUE(contains(device.err, "not a regular file")) << device.err;

  const auto folder = run(l, {"diagnose", kLogs});  // every file in a folder
  EXPECT_EQ(folder.code(), 1);
  EXPECT_TRUE(contains(folder.out, "25 inputs")) << folder.out.substr(0, 200);
}

// --sarif over every fixture: the SARIF multitool (from the npm registry,
// installed by `make test`) finds no error, and the document carries what a
// code-scanning page needs.
TEST(DiagnoseCommand, SarifPassesTheMultitoolAndCarriesEveryFinding) {
  ASSERT_TRUE(std::filesystem::exists(LOCKEDGES_SARIF_MULTITOOL))
      << LOCKEDGES_SARIF_MULTITOOL << " is missing: `make test` (or `make tools`) installs it";
  ScratchDir dir("diagnose-sarif");
  const std::string sarif = (dir.path() / "findings.sarif").string();
  const std::vector<std::string> common{"diagnose", kLogs, "--strip-prefix", "/src/lockedges/", "--src-root",
                                        LOCKEDGES_SOURCE_DIR};
  std::vector<std::string> args = common;
  args.insert(args.end(), {"--format", "json", "--sarif", sarif});
  const auto r = run(testing::bin("lockedges"), args);
  ASSERT_EQ(r.code(), 1) << r.err;
  const auto validated = run(LOCKEDGES_SARIF_MULTITOOL, {"validate", sarif});
  EXPECT_EQ(validated.code(), 0) << validated.out << validated.err;
  EXPECT_TRUE(contains(validated.out, "Analysis completed successfully")) << validated.out;
  EXPECT_FALSE(contains(validated.out, ": error ")) << validated.out;

  const auto diagnosis = nlohmann::json::parse(r.out);
  const auto doc = nlohmann::json::parse(testing::slurp(sarif));
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& sarif_run = doc["runs"][0];
  const auto& rules = sarif_run["tool"]["driver"]["rules"];
  const auto& results = sarif_run["results"];
  ASSERT_EQ(results.size(), diagnosis["findings"].size());
  std::map<std::string, bool> rule_ids;
  for (const auto& rule : rules) rule_ids[rule["id"]] = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& finding = diagnosis["findings"][i];
    const auto& result = results[i];
    EXPECT_EQ(result["partialFingerprints"]["lockedges/v1"], finding["fingerprint"]);
    EXPECT_TRUE(rule_ids[result["ruleId"]]) << result["ruleId"];
    EXPECT_EQ(rules[result["ruleIndex"].get<std::size_t>()]["id"], result["ruleId"]);
    // Every access in the user's code is a location; every stack a threadFlow.
    std::size_t located = 0, stacks = 0;
    for (const auto& l : finding["locations"]) {
      located += !l["file"].get<std::string>().empty();
      stacks += !l["stack"].empty();
    }
    EXPECT_EQ(result.value("locations", nlohmann::json::array()).size(), located) << finding["summary"];
    if (stacks > 0) {
      EXPECT_EQ(result["codeFlows"][0]["threadFlows"].size(), stacks) << finding["summary"];
    }
  }
  // A data race has both accesses, at the user's own lines, relative to SRCROOT.
  const auto& first = results[0]["locations"];
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "SRCROOT");
  EXPECT_TRUE(contains(first[0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>(),
                       "tests/fixtures/diagnose/programs/"));
  // The data-race rule's help tells the lessons its findings resemble.
  const auto& race_rule = rules[results[0]["ruleIndex"].get<std::size_t>()];
  EXPECT_EQ(race_rule["id"], "data-race");
  for (const char* lesson : {"nested-field", "iteration-during-grow", "deferred-lambda-write", "lazy-init"})
    EXPECT_TRUE(contains(race_rule["help"]["markdown"].get<std::string>(), std::string("`") + lesson + "`")) << lesson;

  // An output that cannot be written stops the command before any log is read.
  args = common;
  args.insert(args.end(), {"--sarif", "/nonexistent-folder/findings.sarif"});
  const auto unwritable = run(testing::bin("lockedges"), args);
  EXPECT_EQ(unwritable.code(), 3);
  EXPECT_TRUE(unwritable.out.empty()) << unwritable.out.substr(0, 200);
  EXPECT_TRUE(contains(unwritable.err, "/nonexistent-folder")) << unwritable.err;
}

// --baseline: an earlier JSON or SARIF; new, known and gone; exit status 1
// only for new findings.
TEST(DiagnoseCommand, ABaselineMarksNewKnownAndGoneAndOnlyNewFails) {
  ScratchDir dir("diagnose-baseline");
  const std::string l = testing::bin("lockedges");
  const std::string base_json = (dir.path() / "base.json").string();
  const std::string base_sarif = (dir.path() / "base.sarif").string();
  const auto before = run(l, {"diagnose", kLogs + "session_cache.log", kLogs + "hit_counter.log", "--format", "json",
                              "--sarif", base_sarif});
  ASSERT_EQ(before.code(), 1) << before.err;
  { std::ofstream(base_json) << before.out; }

  // The same logs again: nothing new, so CI passes.
  for (const std::string& base : {base_json, base_sarif}) {
    const auto same = run(l, {"diagnose", kLogs + "session_cache.log", kLogs + "hit_counter.log", "--baseline", base});
    EXPECT_EQ(same.code(), 0) << base << ": " << same.out;
    EXPECT_TRUE(contains(same.out, "0 new, 2 known, 0 gone")) << same.out;
  }
  // One bug fixed (hit_counter's), another appears (rate_limits').
  const auto after = run(l, {"diagnose", kLogs + "session_cache.log", kLogs + "rate_limits.log", "--format", "json",
                             "--baseline", base_sarif});
  EXPECT_EQ(after.code(), 1) << after.err;
  const auto doc = nlohmann::json::parse(after.out);
  const auto known_before = nlohmann::json::parse(before.out);
  std::map<std::string, int> states;
  for (const auto& f : doc["findings"]) ++states[f["baseline"].get<std::string>()];
  EXPECT_EQ(states["known"], 1);
  EXPECT_GE(states["new"], 1);
  ASSERT_EQ(doc["gone"].size(), 1u);
  EXPECT_EQ(doc["gone"][0]["fingerprint"], known_before["findings"][1]["fingerprint"]) << "hit_counter's race is gone";
  EXPECT_EQ(doc["baseline"], base_sarif);
  // Only fixed bugs: exit status 0, the gone one listed.
  const auto fixed = run(l, {"diagnose", kLogs + "session_cache.log", "--baseline", base_json});
  EXPECT_EQ(fixed.code(), 0) << fixed.out;
  EXPECT_TRUE(contains(fixed.out, "0 new, 1 known, 1 gone")) << fixed.out;
  EXPECT_TRUE(contains(fixed.out, "gone: " + known_before["findings"][1]["fingerprint"].get<std::string>())) << fixed.out;

  // A baseline that is missing or is no diagnosis is a usage error.
  const auto missing = run(l, {"diagnose", kLogs + "session_cache.log", "--baseline", "/nonexistent/base.json"});
  EXPECT_EQ(missing.code(), 2);
  EXPECT_TRUE(contains(missing.err, "--baseline /nonexistent/base.json: no such file")) << missing.err;
  const auto not_json = run(l, {"diagnose", kLogs + "session_cache.log", "--baseline", kLogs + "hit_counter.log"});
  EXPECT_EQ(not_json.code(), 2);
  EXPECT_TRUE(contains(not_json.err, "not JSON")) << not_json.err;
  const std::string report = (dir.path() / "other.json").string();
  { std::ofstream(report) << R"({"scenario": "lazy-init", "variants": []})"; }
  const auto other = run(l, {"diagnose", kLogs + "session_cache.log", "--baseline", report});
  EXPECT_EQ(other.code(), 2);
  EXPECT_TRUE(contains(other.err, "neither")) << other.err;
}

// --format markdown, --html and --junit over every fixture: each finding is
// there once, at the user's line, with its lesson; the JUnit file is
// well-formed for xmllint, one failing case per new finding, and a baseline
// turns known findings into passing cases and gone ones into cases of their own.
TEST(DiagnoseCommand, MarkdownHtmlAndJunitCarryEveryFinding) {
  ScratchDir dir("diagnose-pages");
  const std::string l = testing::bin("lockedges");
  const std::string html = (dir.path() / "findings.html").string();
  const std::string junit = (dir.path() / "junit.xml").string();
  const std::string base = (dir.path() / "base.json").string();
  const std::vector<std::string> common{"diagnose", kLogs, "--strip-prefix", "/src/lockedges/", "--src-root",
                                        LOCKEDGES_SOURCE_DIR};
  std::vector<std::string> args = common;
  args.insert(args.end(), {"--format", "json"});
  const auto json_run = run(l, args);
  ASSERT_EQ(json_run.code(), 1) << json_run.err;
  { std::ofstream(base) << json_run.out; }
  const auto findings = nlohmann::json::parse(json_run.out)["findings"];
  ASSERT_GT(findings.size(), 10u);

  args = common;
  args.insert(args.end(), {"--format", "markdown", "--html", html, "--junit", junit});
  const auto md = run(l, args);
  ASSERT_EQ(md.code(), 1) << md.err;
  const std::string page = testing::slurp(html);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  for (const auto& f : findings) {
    const std::string fp = f["fingerprint"];
    EXPECT_EQ(count_of(md.out, "fingerprint `" + fp + "`"), 1u) << fp;
    EXPECT_TRUE(contains(page, "id=\"finding-" + fp + "\"")) << fp;
    EXPECT_TRUE(contains(page, "href=\"#finding-" + fp + "\"")) << fp << ": not in the page's index";
    if (!f["lesson"].is_null()) {
      const std::string see = "lockedges explain " + f["lesson"]["scenario"].get<std::string>();
      EXPECT_TRUE(contains(md.out, see)) << fp;
      EXPECT_TRUE(contains(page, see)) << fp;
    }
    for (const auto& loc : f["locations"]) {
      const std::string file = loc["file"];
      if (file.empty()) continue;
      const std::string at = file + ":" + std::to_string(loc["line"].get<int>());
      EXPECT_TRUE(contains(md.out, "`" + at + "`")) << at;
      EXPECT_TRUE(contains(page, at)) << at;
    }
  }
  EXPECT_EQ(count_of(page, "<section"), count_of(page, "</section>"));

  const auto lint = run(LOCKEDGES_XMLLINT, {"--noout", junit});
  EXPECT_EQ(lint.code(), 0) << lint.err;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(testing::slurp(junit).c_str()));
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_EQ(suite.attribute("tests").as_uint(), findings.size());
  EXPECT_EQ(suite.attribute("failures").as_uint(), findings.size());
  std::size_t failing = 0;
  for (auto tc : suite.children("testcase")) failing += !tc.child("failure").empty();
  EXPECT_EQ(failing, findings.size());
  EXPECT_TRUE(contains(testing::slurp(junit), "account_ledger.cpp:55")) << "a case names the user's line";

  // Against a baseline of two of the logs: those findings pass, the rest fail.
  const std::string small = (dir.path() / "small.json").string();
  const auto two = run(l, {"diagnose", kLogs + "session_cache.log", kLogs + "hit_counter.log", "--format", "json"});
  { std::ofstream(small) << two.out; }
  const auto known = run(l, {"diagnose", kLogs + "session_cache.log", "--baseline", small, "--junit", junit});
  EXPECT_EQ(known.code(), 0) << known.out;
  ASSERT_TRUE(doc.load_string(testing::slurp(junit).c_str()));
  const auto small_suite = doc.child("testsuites").child("testsuite");
  EXPECT_EQ(small_suite.attribute("tests").as_int(), 2) << "one known, one gone";
  EXPECT_EQ(small_suite.attribute("failures").as_int(), 0);
  std::size_t gone = 0;
  for (auto tc : small_suite.children("testcase"))
    gone += std::string(tc.attribute("classname").value()) == "lockedges.diagnose.gone";
  EXPECT_EQ(gone, 1u);

  // A page that cannot be written stops the command before any log is read.
  args = common;
  args.insert(args.end(), {"--html", "/nonexistent-folder/findings.html"});
  const auto unwritable = run(l, args);
  EXPECT_EQ(unwritable.code(), 3);
  EXPECT_TRUE(unwritable.out.empty()) << unwritable.out.substr(0, 200);
}

TEST(ListCommand, SearchFindsALessonByWhatAReportShows) {
  const std::string l = testing::bin("lockedges");
  const auto rehash = run(l, {"list", "--search", "rehash"});
  EXPECT_EQ(rehash.code(), 0) << rehash.err;
  EXPECT_TRUE(contains(rehash.out, "iteration-during-grow")) << rehash.out;
  EXPECT_FALSE(contains(rehash.out, "coarse-lock")) << rehash.out;
  const auto nothing = run(l, {"list", "--search", "zebra-crossing"});
  EXPECT_EQ(nothing.code(), 1);
  const auto json_list = run(l, {"list", "--format", "json"});
  EXPECT_EQ(json_list.code(), 0);
  EXPECT_EQ(nlohmann::json::parse(json_list.out).size(), Registry::instance().all().size());
}

}  // namespace
}  // namespace lockedges
