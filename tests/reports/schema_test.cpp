// reports/schema.json against what lockedges really writes: a quick run's
// report.json and --format json output, a profile session's profile.json,
// and a report with every optional part filled. The validator is the
// `jsonschema` library (tests/validate_json.py only calls it); the schema is
// strict, and the last test shows it rejects what lockedges never writes.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "reports/json_report.hpp"
#include "reports/report.hpp"
#include "support/sample_report.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

const std::string kSchema = std::string(LOCKEDGES_SOURCE_DIR) + "/reports/schema.json";

// Runs the validator on `documents`; `definition` picks one of the schema's
// $defs instead of its root.
testing::Ran validate(const std::vector<std::string>& documents, const std::string& definition = "") {
  std::vector<std::string> args{std::string(LOCKEDGES_SOURCE_DIR) + "/tests/validate_json.py", kSchema};
  if (!definition.empty()) args.insert(args.end(), {"--def", definition});
  args.insert(args.end(), documents.begin(), documents.end());
  return run(LOCKEDGES_PYTHON, args);
}

std::string write(const std::filesystem::path& path, const json& document) {
  std::ofstream(path) << document.dump(2);
  return path.string();
}

// Every array and object of `j` by its path, array indexes written `*`, and
// whether it held something at least once: a test can then show that its
// document exercises every part of the schema. `tsan` and `asan` are one
// schema definition, so they share a path (ASan never fills `mutexes`).
void filled_parts(const json& j, const std::string& path, std::map<std::string, bool>& filled) {
  if (!j.is_structured()) return;
  filled[path] = filled[path] || !j.empty();
  if (j.is_array())
    for (const auto& item : j) filled_parts(item, path + "/*", filled);
  else
    for (const auto& [key, value] : j.items())
      filled_parts(value, path + "/" + (key == "asan" ? std::string("tsan") : key), filled);
}

TEST(Schema, IsAValidDraft202012Schema) {
  // check_schema runs before any document is read; an empty array is valid.
  ScratchDir dir("schema-self");
  const auto r = validate({write(dir.path() / "empty.json", json::array())});
  EXPECT_EQ(r.code(), 0) << r.out << r.err;
  EXPECT_EQ(json::parse(testing::slurp(kSchema))["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

TEST(Schema, AQuickRunsReportAndStandardOutputValidate) {
  ScratchDir dir("schema-run");
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--format", "json", "--out", dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  const auto stdout_json = write(dir.path() / "stdout.json", json::parse(r.out));
  const auto report_json = (dir.path() / "report.json").string();
  const auto v = validate({report_json, stdout_json});
  EXPECT_EQ(v.code(), 0) << v.out << v.err;
  const auto object = validate({stdout_json}, "scenario_report");
  EXPECT_EQ(object.code(), 0) << "one scenario prints one object: " << object.out;
}

TEST(Schema, AProfileSessionValidates) {
  ScratchDir dir("schema-profile");
  const auto r = run(bin("lockedges"), {"profile", "--seconds", "1", "deferred-lambda-write", "--out",
                                        dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  const auto session = (dir.path() / "profile.json").string();
  ASSERT_FALSE(json::parse(testing::slurp(session))["variants"].empty());
  const auto v = validate({session}, "profile_session");
  EXPECT_EQ(v.code(), 0) << v.out << v.err;
  EXPECT_EQ(validate({session}).code(), 0) << "the root tells a profile session apart";
}

TEST(Schema, AReportWithEveryOptionalPartValidates) {
  ScratchDir dir("schema-sample");
  const json one = to_json(testing::sample_report());
  std::map<std::string, bool> filled;
  filled_parts(one, "", filled);
  for (const auto& [path, was_filled] : filled) EXPECT_TRUE(was_filled) << "the sample never fills " << path;
  const auto v = validate({write(dir.path() / "one.json", one),
                           write(dir.path() / "all.json", to_json(std::vector{testing::sample_report()}))});
  EXPECT_EQ(v.code(), 0) << v.out << v.err;
}

// diagnose --format json over every fixture log: the root tells a diagnosis
// apart, every part of $defs/diagnosis is filled somewhere, and what
// lockedges never writes is rejected.
TEST(Schema, ADiagnosisValidates) {
  ScratchDir dir("schema-diagnose");
  const std::string fixtures = std::string(LOCKEDGES_SOURCE_DIR) + "/tests/fixtures/diagnose/logs";
  const auto r = run(bin("lockedges"), {"diagnose", fixtures, "--src-root", LOCKEDGES_SOURCE_DIR, "--strip-prefix",
                                        "/src/lockedges/", "--format", "json"});
  ASSERT_EQ(r.code(), 1) << r.err;
  const json doc = json::parse(r.out);
  std::map<std::string, bool> filled;
  filled_parts(doc, "", filled);
  for (const char* part : {"/findings/*/locations/*/mutexes", "/findings/*/lesson/why", "/findings/*/signals",
                           "/findings/*/locations/*/stack", "/inputs"})
    EXPECT_TRUE(filled[part]) << "no fixture fills " << part;
  const auto path = write(dir.path() / "diagnosis.json", doc);
  const auto v = validate({path});
  EXPECT_EQ(v.code(), 0) << v.out << v.err;
  EXPECT_EQ(validate({path}, "diagnosis").code(), 0);
  // With a baseline (every fixture) and one log: known findings and gone ones.
  const auto against = run(bin("lockedges"), {"diagnose", fixtures + "/session_cache.log", "--baseline", path,
                                              "--format", "json"});
  ASSERT_EQ(against.code(), 0) << against.err;
  const json with_baseline = json::parse(against.out);
  EXPECT_FALSE(with_baseline["gone"].empty());
  EXPECT_EQ(with_baseline["findings"][0]["baseline"], "known");
  const auto bv = validate({write(dir.path() / "with-baseline.json", with_baseline)});
  EXPECT_EQ(bv.code(), 0) << bv.out << bv.err;

  struct Bad {
    std::string name;
    std::function<void(json&)> spoil;
    std::string message;
  };
  const std::vector<Bad> bad{
      {"short-fingerprint", [](json& j) { j["findings"][0]["fingerprint"] = "2abc"; }, "fingerprint: '2abc' does not match"},
      {"mode-word", [](json& j) { j["findings"][0]["locations"][1]["mutexes"][0]["mode"] = "read"; },
       "mode: 'read' is not one of"},
      {"no-lesson-field", [](json& j) { j["findings"][0].erase("lesson"); }, "'lesson' is a required property"},
      {"unknown-signal", [](json& j) { j["findings"][0]["signals"] = {"luck"}; }, "signals/0: 'luck' is not one of"},
      {"weak-lesson", [](json& j) { j["findings"][0]["lesson"]["confidence"] = 0.2; }, "confidence: 0.2 is less than"},
  };
  ASSERT_FALSE(doc["findings"][0]["lesson"].is_null()) << "the first fixture finding names a lesson";
  ASSERT_FALSE(doc["findings"][0]["locations"][1]["mutexes"].empty());
  for (const auto& b : bad) {
    json spoiled = doc;
    b.spoil(spoiled);
    const auto bv = validate({write(dir.path() / (b.name + ".json"), spoiled)});
    EXPECT_EQ(bv.code(), 1) << b.name << ": " << bv.out << bv.err;
    EXPECT_NE(bv.out.find(b.message), std::string::npos) << b.name << ": " << bv.out;
  }
}

// Each document differs from the valid sample in one way lockedges never
// writes; the validator must reject each, naming the field.
TEST(Schema, RejectsWhatLockedgesNeverWrites) {
  ScratchDir dir("schema-bad");
  const json good = to_json(testing::sample_report());
  struct Bad {
    std::string name;
    std::function<void(json&)> spoil;
    std::string message;
  };
  const std::vector<Bad> bad{
      {"unknown-verdict", [](json& j) { j["verdict"] = "passed"; }, "verdict: 'passed' is not one of"},
      {"missing-runs", [](json& j) { j.erase("runs"); }, "'runs' is a required property"},
      {"unknown-field", [](json& j) { j["variants"][0]["colour"] = "red"; }, "'colour' was unexpected"},
      {"event-kind", [](json& j) { j["variants"][0]["interleaving"][0]["kind"] = "jump"; },
       "interleaving/0/kind: 'jump' is not one of"},
      {"fix-with-evidence", [](json& j) { j["variants"][2]["evidence"] = "detector"; },
       "variants/2/evidence: '' was expected"},
      {"negative-count", [](json& j) { j["variants"][0]["tsan"]["warnings"] = -1; }, "tsan/warnings: -1"},
      {"string-for-number", [](json& j) { j["wall_seconds"] = "6 s"; }, "wall_seconds: '6 s' is not of type"},
      {"mutex-without-mode", [](json& j) { j["variants"][0]["tsan"]["findings"][0]["locations"][0]["mutexes"][0] = "M7"; },
       "mutexes/0: 'M7' does not match"},
      {"passed-without-ground-truth", [](json& j) { j["verdict"] = "reproduced-and-fixed"; },
       "ground_truth/matched: True was expected"},
      {"failed-without-a-reason", [](json& j) { j["variants"][2]["judgement"]["reasons"] = json::array(); },
       "judgement/reasons: [] is too short"},
  };
  for (const auto& b : bad) {
    json doc = good;
    b.spoil(doc);
    const auto v = validate({write(dir.path() / (b.name + ".json"), doc)});
    EXPECT_EQ(v.code(), 1) << b.name << ": " << v.out << v.err;
    EXPECT_NE(v.out.find(b.message), std::string::npos) << b.name << ": " << v.out;
  }
  // A profile session without its rate is no document lockedges writes either.
  json session{{"seconds", 1}, {"hz", 1000}, {"wall_seconds", 1.1}, {"interrupted", false}, {"skipped", json::array()},
               {"variants", json::array()}};
  session.erase("interrupted");
  const auto v = validate({write(dir.path() / "session.json", session)}, "profile_session");
  EXPECT_EQ(v.code(), 1) << v.out;
  EXPECT_NE(v.out.find("'interrupted' is a required property"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace lockedges
