// JUnit XML: what a CI system reads back. The rendering is parsed again with
// pugixml, its counts checked against the test cases, a failure checked to
// carry the driver's sentences; and a real run's file must be well-formed
// for xmllint and agree with the run's own verdict.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/junit.hpp"
#include "support/sample_report.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

pugi::xml_document parse(const std::string& xml) {
  pugi::xml_document doc;
  const auto result = doc.load_string(xml.c_str());
  EXPECT_TRUE(result) << result.description() << " at offset " << result.offset << "\n" << xml;
  return doc;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0;
};

// What the test cases under `node` really hold, whatever its attributes say.
Counts count_cases(pugi::xml_node node) {
  Counts c;
  for (const auto& x : node.select_nodes(".//testcase")) {
    ++c.tests;
    c.failures += !x.node().child("failure").empty();
    c.errors += !x.node().child("error").empty();
  }
  return c;
}

void expect_attributes_match(pugi::xml_node node) {
  const Counts c = count_cases(node);
  EXPECT_EQ(node.attribute("tests").as_int(-1), c.tests) << node.attribute("name").value();
  EXPECT_EQ(node.attribute("failures").as_int(-1), c.failures) << node.attribute("name").value();
  EXPECT_EQ(node.attribute("errors").as_int(-1), c.errors) << node.attribute("name").value();
}

pugi::xml_node testcase(const pugi::xml_document& doc, const std::string& name) {
  return doc.select_node(("//testcase[@name='" + name + "']").c_str()).node();
}

// The sample: broken reproduced in 2 of 3 runs (fails), broken-slow in 3 of
// 3 (passes), ground truth off a tag (fails), fixed with a TSan report and a
// deadlock (fails), fixed-io whose folder could not be made (an error).
TEST(Junit, OneTestCasePerExpectationWithTheDriversReasons) {
  const auto doc = parse(render_junit({testing::sample_report()}));
  const auto suites = doc.child("testsuites");
  ASSERT_FALSE(suites.empty());
  const auto suite = suites.child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(), "sample-scenario");
  EXPECT_STREQ(suite.attribute("time").value(), "6.000");
  expect_attributes_match(suites);
  expect_attributes_match(suite);
  EXPECT_EQ(suite.attribute("tests").as_int(), 5);
  EXPECT_EQ(suite.attribute("failures").as_int(), 3);
  EXPECT_EQ(suite.attribute("errors").as_int(), 1);
  EXPECT_STREQ(suite.select_node("properties/property[@name='verdict']").node().attribute("value").value(), "error");

  const auto broken = testcase(doc, "broken reproduced");
  EXPECT_STREQ(broken.attribute("classname").value(), "lockedges.sample-scenario");
  EXPECT_STREQ(broken.attribute("time").value(), "1.500");
  EXPECT_STREQ(broken.child("failure").attribute("message").value(),
               "broken: a detector reported in 2 of 3 forced runs");
  EXPECT_NE(std::string(broken.child("failure").text().get()).find("ThreadSanitizer run: exit 0"), std::string::npos);
  EXPECT_NE(std::string(broken.child("system-out").text().get()).find("/tmp/sample/sample-scenario/broken/tsan-3.log"),
            std::string::npos);

  const auto slow = testcase(doc, "broken-slow reproduced");
  ASSERT_FALSE(slow.empty());
  EXPECT_TRUE(slow.child("failure").empty() && slow.child("error").empty());

  const auto truth = testcase(doc, "ground truth matched");
  EXPECT_STREQ(truth.child("failure").attribute("message").value(),
               "ground truth not matched: findings outside the tagged lines: cases/sample.cpp:61 (broken, data race)");

  const std::string fixed = testcase(doc, "fixed clean").child("failure").attribute("message").value();
  EXPECT_NE(fixed.find("fixed: 2 ThreadSanitizer reports"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("deadlocked: writer waits for exclusive store.mu_"), std::string::npos) << fixed;

  const auto io = testcase(doc, "fixed-io clean").child("error");
  EXPECT_NE(std::string(io.attribute("message").value()).find("Permission denied"), std::string::npos);
}

// The failure sentences are exactly the ones the verdict gives.
TEST(Junit, FailureMessagesAreTheVerdictsReasons) {
  ScenarioReport r = testing::sample_report();
  r.variants.pop_back();  // no tool error: the verdict lists every problem
  // An error verdict with no variant to blame still must not read as a pass.
  EXPECT_FALSE(testcase(parse(render_junit({r})), "tool run").child("error").empty());
  r.verdict = kVerdictNotReproduced;
  const auto doc = parse(render_junit({r}));
  std::vector<std::string> expected = r.variants[0].judgement.reasons;
  expected.push_back("ground truth not matched: " + r.ground_truth.note);
  for (const auto& p : r.variants[2].judgement.reasons) expected.push_back(p);
  ASSERT_EQ(expected.size(), 4u) << "the sample's broken variant and its fix each fail";
  std::string messages;
  for (const auto& x : doc.select_nodes("//failure")) messages += std::string(x.node().attribute("message").value()) + "; ";
  for (const auto& e : expected) EXPECT_NE(messages.find(e), std::string::npos) << e << "\nin: " << messages;
  EXPECT_EQ(count_cases(doc.child("testsuites")).errors, 0);
}

TEST(Junit, APassingScenarioHasNoFailure) {
  ScenarioReport r = testing::sample_report();
  r.variants = {testing::sample_variant(r.report_dir, "broken", true),
                testing::sample_variant(r.report_dir, "fixed", false)};
  r.ground_truth.matched = true;
  r.ground_truth.note.clear();
  r.verdict = kVerdictReproducedAndFixed;
  const auto doc = parse(render_junit({r, r}));
  const Counts c = count_cases(doc.child("testsuites"));
  EXPECT_EQ(c.tests, 6);
  EXPECT_EQ(c.failures, 0);
  EXPECT_EQ(c.errors, 0);
  expect_attributes_match(doc.child("testsuites"));
  EXPECT_STREQ(doc.child("testsuites").attribute("time").value(), "12.000");
}

// Markup, quotes and newlines come back verbatim; a control character, which
// XML 1.0 cannot carry at all, becomes U+FFFD instead of breaking the file.
TEST(Junit, TextIsEscapedAndControlCharactersReplaced) {
  ScenarioReport r = testing::sample_report();
  r.ground_truth.note = "a <b> & \"c\"\nd\x01";
  const std::string xml = render_junit({r});
  const auto doc = parse(xml);
  EXPECT_STREQ(testcase(doc, "ground truth matched").child("failure").attribute("message").value(),
               "ground truth not matched: a <b> & \"c\"\nd\xEF\xBF\xBD");
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

// A real run: well-formed for xmllint, three test cases (the broken variant
// reproduced, ground truth, the fix clean), all passing, like the verdict.
TEST(Junit, ARealRunWritesWellFormedJunitThatAgreesWithTheVerdict) {
  ScratchDir dir("junit-run");
  const auto file = (dir.path() / "junit.xml").string();
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--format", "json", "--junit", file, "--out", dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["verdict"], "reproduced-and-fixed");
  const auto lint = run(LOCKEDGES_XMLLINT, {"--noout", file});
  EXPECT_EQ(lint.code(), 0) << lint.err;
  const auto doc = parse(testing::slurp(file));
  expect_attributes_match(doc.child("testsuites"));
  const Counts c = count_cases(doc.child("testsuites"));
  EXPECT_EQ(c.tests, 3);
  EXPECT_EQ(c.failures + c.errors, 0);
  for (const char* name : {"broken reproduced", "ground truth matched", "fixed clean"})
    EXPECT_FALSE(testcase(doc, name).empty()) << name;
  EXPECT_STREQ(testcase(doc, "broken reproduced").attribute("classname").value(), "lockedges.deferred-lambda-write");
}

// Without ThreadSanitizer nothing is reproduced: the JUnit file says which
// expectations failed, and why, in the driver's words.
TEST(Junit, ARealRunThatFailsShowsTheFailures) {
  ScratchDir dir("junit-fail");
  const auto file = (dir.path() / "junit.xml").string();
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--tsan-binary", bin("lockedges"), "--junit", file, "--out",
                                        dir.path().string(), "-q"});
  EXPECT_EQ(r.code(), 1) << r.err;
  const auto doc = parse(testing::slurp(file));
  EXPECT_EQ(count_cases(doc.child("testsuites")).failures, 2);
  EXPECT_STREQ(testcase(doc, "broken reproduced").child("failure").attribute("message").value(),
               "broken: a detector reported in 0 of 1 forced runs");
  EXPECT_FALSE(testcase(doc, "ground truth matched").child("failure").empty());
  EXPECT_TRUE(testcase(doc, "fixed clean").child("failure").empty());
}

// Checked before any child starts: nothing runs, nothing is written.
TEST(Junit, AnUnwritablePathIsRefusedBeforeAnyChildStarts) {
  ScratchDir dir("junit-bad-path");
  const auto file = (dir.path() / "no-such-folder" / "junit.xml").string();
  const auto out = dir.path() / "out";
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--junit", file, "--out", out.string(), "-q"});
  EXPECT_EQ(r.code(), 3) << "the tool's environment failed";
  EXPECT_NE(r.err.find("cannot write the JUnit XML file " + file + ": cannot write in " +
                       (dir.path() / "no-such-folder").string() + ": No such file or directory"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out)) << "the report folder was made";
}

}  // namespace
}  // namespace lockedges
