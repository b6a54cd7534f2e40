// Every scenario end to end, through the real binaries: the forced schedule
// reproduces the race every run, on the tagged lines; the fix is clean under
// every detector; stress mode counts what it sees.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "case_api/scenario.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

using nlohmann::json;

std::vector<std::string> scenario_names() { return Registry::instance().names(); }

class EveryScenario : public ::testing::TestWithParam<std::string> {};

// What a run under a sanitized driver decided and why, read from the
// report.json it wrote: said first when the run fails, since its log is long.
std::string verdict_in(const std::filesystem::path& dir) {
  const std::string text = testing::slurp(dir / "report.json");
  const json report = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_array()) return "no readable report.json";
  std::string said;
  for (const auto& s : report) said += s.value("verdict", "?") + ": " + s.value("reasons", json::array()).dump() + "\n";
  return said;
}

TEST_P(EveryScenario, ForcedScheduleReproducesEveryRunOnTheTaggedLinesAndTheFixIsClean) {
  ScratchDir dir("forced-" + GetParam());
  const auto r = run(bin("lockedges"), {"run", GetParam(), "--runs", "5", "--format", "json", "--stress-seconds",
                                        "0.3", "--out", dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err << r.out;
  const json report = json::parse(r.out);  // throws if anything but JSON reached stdout
  EXPECT_EQ(report["scenario"], GetParam());
  EXPECT_EQ(report["verdict"], "reproduced-and-fixed") << report["reasons"];
  EXPECT_EQ(report["runs"], 5);
  EXPECT_EQ(report["reproduced_runs"], 5);
  EXPECT_TRUE(report["ground_truth"]["matched"].get<bool>()) << report["ground_truth"];
  const std::string source = report["source"];
  for (const auto& v : report["variants"]) {
    if (v["broken"].get<bool>()) {
      EXPECT_EQ(v["reproduced_runs"], 5) << v["name"];
      if (v["evidence"] == "detector") {
        ASSERT_FALSE(v["tsan"]["findings"].empty() && v["asan"]["findings"].empty()) << v["name"];
        for (const char* detector : {"tsan", "asan"})
          for (const auto& f : v[detector]["findings"])
            for (const auto& l : f["locations"]) {
              EXPECT_TRUE(l["file"].get<std::string>().ends_with(source)) << l;
              EXPECT_GT(l["line"].get<int>(), 0) << l;
            }
      } else {
        // A bug no detector sees: every detector clean, the symptom in every run.
        EXPECT_EQ(v["tsan"]["warnings"], 0) << v["name"];
        EXPECT_EQ(v["asan"]["warnings"], 0) << v["name"];
        EXPECT_EQ(v["runs_with_symptom"], 5) << v["name"];
      }
      EXPECT_FALSE(v["interleaving"].empty()) << "the forced run records its interleaving";
    } else {
      EXPECT_EQ(v["tsan"]["warnings"], 0) << v["name"];
      EXPECT_EQ(v["asan"]["warnings"], 0) << v["name"];
      EXPECT_EQ(v["tsan"]["schedule_completed_runs"], 5) << v["name"];
      for (const auto& [name, count] : v["symptoms"].items()) EXPECT_EQ(count, 0) << v["name"] << " " << name;
      for (const auto& [name, count] : v["forced_symptoms"].items())
        EXPECT_EQ(count, 0) << v["name"] << " " << name << " (forced)";
      EXPECT_GT(v["ops_per_second"].get<double>(), 0.0);
    }
  }
  const std::string markdown = testing::slurp(dir.path() / "report.md");
  EXPECT_NE(markdown.find("## " + GetParam()), std::string::npos);
  EXPECT_NE(markdown.find("**Verdict: reproduced-and-fixed.**"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / GetParam() / "broken" / "tsan-1.log"));
}

// The driver itself (harness and CLI) under ThreadSanitizer: any report in
// the driver's own process fails the run.
TEST_P(EveryScenario, TheDriverIsCleanUnderThreadSanitizer) {
  ScratchDir dir("driver-tsan-" + GetParam());
  const auto r = run(bin("lockedges-tsan"),
                     {"run", GetParam(), "--runs", "1", "--stress-seconds", "0.2", "--out", dir.path().string(),
                      "--junit", (dir.path() / "junit.xml").string()},
                     {{"TSAN_OPTIONS", "halt_on_error=1 exitcode=66"}});
  EXPECT_EQ(r.code(), 0) << verdict_in(dir.path()) << r.err;
  EXPECT_EQ(r.err.find("WARNING: ThreadSanitizer"), std::string::npos) << r.err;
}

// The driver under AddressSanitizer and UBSan, leaks included.
TEST_P(EveryScenario, TheDriverIsCleanUnderAddressSanitizerAndUBSan) {
  ScratchDir dir("driver-asan-" + GetParam());
  const auto r = run(bin("lockedges-asan"),
                     {"run", GetParam(), "--runs", "1", "--stress-seconds", "0.2", "--out", dir.path().string(),
                      "--junit", (dir.path() / "junit.xml").string()},
                     {{"ASAN_OPTIONS", "halt_on_error=1 detect_leaks=1"}, {"UBSAN_OPTIONS", "halt_on_error=1"}});
  EXPECT_EQ(r.code(), 0) << verdict_in(dir.path()) << r.err;
  EXPECT_EQ(r.err.find("ERROR: AddressSanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("ERROR: LeakSanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << r.err;
}

// The forced schedule proves one interleaving; free-running threads under
// the sanitizers try many. Every fixed variant must stay clean in both.
TEST_P(EveryScenario, FixedVariantsAreCleanUnderSanitizersWhenFreeRunning) {
  const Scenario* s = Registry::instance().find(GetParam());
  for (const auto& v : s->variants) {
    if (v.broken) continue;
    const auto tsan = run(bin("lockedges-tsan"),
                          {"worker", s->name, v.name, "--mode", "stress", "--seconds", "0.3", "--result", "-"},
                          {{"TSAN_OPTIONS", "exitcode=66"}});
    EXPECT_EQ(tsan.code(), 0) << v.name << ": " << tsan.err;
    for (const char* mode : {"stress", "forced"}) {
      const auto asan = run(bin("lockedges-asan"),
                            {"worker", s->name, v.name, "--mode", mode, "--seconds", "0.3", "--result", "-"},
                            {{"ASAN_OPTIONS", "halt_on_error=1 detect_leaks=1"}, {"UBSAN_OPTIONS", "halt_on_error=1"}});
      EXPECT_EQ(asan.code(), 0) << v.name << " " << mode << ": " << asan.err;
    }
  }
}

// Stress mode with an iteration bound: every worker thread runs exactly that
// many iterations, the counters come back, and a fix shows no symptom.
// (Whether the broken variant shows its symptom in a given run is luck, so
// that is not asserted; that it is counted is.)
TEST_P(EveryScenario, StressModeCountsOpsAndSymptoms) {
  const Scenario* s = Registry::instance().find(GetParam());
  for (const auto& v : s->variants) {
    const auto r = run(bin("lockedges"), {"worker", s->name, v.name, "--mode", "stress", "--iterations", "200",
                                          "--seconds", "10", "--result", "-"},
                       {}, /*timeout=*/30);
    if (v.broken && r.outcome.timed_out) {
      // A race can corrupt a broken variant's links into a loop: it hangs,
      // which the driver reports as a finding. Nothing was counted to check.
      continue;
    }
    ASSERT_EQ(r.code(), 0) << v.name << ": " << r.err;
    const json result = json::parse(r.out);
    if (result.contains("deadlock")) {
      // A lock-order bug may deadlock even in 200 iterations: the watchdog
      // says so and names the waits; that is the count that matters then.
      EXPECT_TRUE(v.broken) << v.name << " deadlocked: " << result["deadlock"];
      EXPECT_EQ(result["symptoms"]["deadlocks"], 1);
      EXPECT_NE(result["deadlock"].get<std::string>().find(" waits for "), std::string::npos);
      continue;
    }
    // Every thread the variant starts runs exactly 200 iterations, and ops
    // counts iterations.
    EXPECT_EQ(result["ops"], 200 * result["worker_threads"].get<int>()) << v.name;
    ASSERT_TRUE(result["symptoms"].contains(s->symptom)) << result["symptoms"];
    for (const auto& [name, count] : result["symptoms"].items()) {
      EXPECT_GE(count.get<long>(), 0) << name;
      if (!v.broken) {
        EXPECT_EQ(count.get<long>(), 0) << v.name << " " << name;
      }
    }
    EXPECT_TRUE(result["events"].empty()) << "stress mode records no interleaving";
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryScenario, ::testing::ValuesIn(scenario_names()), testing::param_name);

// A stress child split into repetitions runs them back to back and adds
// them up: with an iteration bound each repetition runs it in full, so the
// ops are exact, and each repetition's rate comes back in order. The locks
// of the repetitions merge by name into one row each.
TEST(Stress, RepetitionsAddUpAndEachGivesItsRate) {
  const auto r = run(bin("lockedges"), {"worker", "nested-field", "fixed", "--mode", "stress", "--iterations", "200",
                                        "--repetitions", "3", "--seconds", "10", "--result", "-"},
                     {}, /*timeout=*/30);
  ASSERT_EQ(r.code(), 0) << r.err;
  const json result = json::parse(r.out);
  EXPECT_EQ(result["ops"], 3 * 200 * result["worker_threads"].get<int>());
  ASSERT_EQ(result["repetition_ops_per_second"].size(), 3u);
  for (const auto& rate : result["repetition_ops_per_second"]) EXPECT_GT(rate.get<double>(), 0);
  ASSERT_EQ(result["locks"].size(), 1u) << result["locks"];
  EXPECT_EQ(result["locks"][0]["exclusive_acquisitions"], 3 * 200 * result["worker_threads"].get<int>())
      << "each birthday takes the exclusive lock once";
}

// The CPU profile: a pprof file google-pprof reads, a flame graph, the top
// functions, and every worker thread sampled (per-thread timers): the
// deferred-lambda-write stress has writers (bump_broken) and a reader
// (read_visits), and both must appear in the broken variant's stacks.
TEST(Profile, EveryVariantGetsAProfileAndAFlameGraphSamplingEveryThread) {
  ScratchDir dir("profile");
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--profile-seconds", "0.4", "--format", "json", "--out",
                                        dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  const json report = json::parse(r.out);
  for (const auto& v : report["variants"]) {
    const auto& p = v["profile"];
    ASSERT_TRUE(p["ran"].get<bool>()) << v["name"] << ": " << p["error"];
    EXPECT_GT(p["samples"].get<long>(), 0) << v["name"];
    EXPECT_FALSE(p["top"].empty());
    const std::string svg = testing::slurp(p["flame_graph"].get<std::string>());
    EXPECT_TRUE(svg.starts_with("<svg") && svg.find("</svg>") != std::string::npos) << v["name"];
    const auto text = run("/usr/bin/google-pprof", {"--text", bin("lockedges"), p["file"].get<std::string>()});
    EXPECT_EQ(text.code(), 0) << text.err;
    EXPECT_NE(text.out.find("Total: "), std::string::npos) << text.out;
  }
  const std::string stacks = testing::slurp(dir.path() / "deferred-lambda-write" / "broken" / "cpu.collapsed");
  EXPECT_NE(stacks.find("bump_broken"), std::string::npos) << "the writers were not sampled";
  EXPECT_NE(stacks.find("read_visits"), std::string::npos) << "the reader was not sampled";
  EXPECT_FALSE(report["profile_diff"].empty());
}

// By default `run` profiles each variant's stress child itself, and its own
// symbolising agrees with google-pprof on the same file: the same sample
// count, and both threads' functions named.
TEST(Profile, RunProfilesTheStressChildByDefaultAndAgreesWithGooglePprof) {
  ScratchDir dir("profile-default");
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--format", "json", "--out",
                                        dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  const json report = json::parse(r.out);
  const json& broken = report["variants"][0];
  ASSERT_TRUE(broken["profile"]["ran"].get<bool>()) << broken["profile"]["error"];
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "deferred-lambda-write" / "broken" / "profile.json"))
      << "no separate profiled child";
  const auto text = run("/usr/bin/google-pprof", {"--text", bin("lockedges"), broken["profile"]["file"].get<std::string>()});
  ASSERT_EQ(text.code(), 0) << text.err;
  const auto total = text.out.find("Total: ");
  ASSERT_NE(total, std::string::npos) << text.out;
  EXPECT_EQ(std::stol(text.out.substr(total + 7)), broken["profile"]["samples"].get<long>());
  const std::string stacks = testing::slurp(dir.path() / "deferred-lambda-write" / "broken" / "cpu.collapsed");
  // start_thread is internal to libc: named only from libc's debug symbols
  // (libc6-dbg), as the futex waits a lock profile needs are.
  for (const char* function : {"bump_broken", "read_visits", "lockedges::Run::threads", ";start_thread;"})
    EXPECT_NE(stacks.find(function), std::string::npos) << function;
}

// `lockedges profile`: the seconds are shared between the variants, and each
// leaves a profile and a flame graph.
TEST(Profile, TheProfileCommandProfilesEveryVariantOfTheChosenScenario) {
  ScratchDir dir("profile-command");
  const auto r = run(bin("lockedges"), {"profile", "--seconds", "3", "deferred-lambda-write", "--out",
                                        dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err << r.out;
  const json session = json::parse(testing::slurp(dir.path() / "profile.json"));
  EXPECT_FALSE(session["interrupted"].get<bool>());
  ASSERT_EQ(session["variants"].size(), 2u);
  for (const auto& v : session["variants"]) {
    EXPECT_EQ(v["scenario"], "deferred-lambda-write");
    EXPECT_TRUE(v["profile"]["ran"].get<bool>()) << v;
    EXPECT_GT(v["profile"]["samples"].get<long>(), 0) << v;
    EXPECT_TRUE(std::filesystem::exists(v["profile"]["file"].get<std::string>()));
    EXPECT_TRUE(std::filesystem::exists(v["profile"]["flame_graph"].get<std::string>()));
  }
  EXPECT_NE(r.out.find("deferred-lambda-write/broken"), std::string::npos) << r.out;
  const std::string html = testing::slurp(dir.path() / "index.html");
  EXPECT_NE(html.find("id=\"profile-deferred-lambda-write\""), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos) << "no flame graph inlined";
}

// Ctrl-C ends a session early; what was collected is written, exit status 130.
TEST(Profile, CtrlCEndsTheSessionEarlyAndKeepsWhatWasCollected) {
  ScratchDir dir("profile-interrupt");
  const std::string command = bin("lockedges") + " profile --seconds 60 --out " + dir.path().string() +
                              " -q & pid=$!; sleep 2; kill -INT $pid; wait $pid";
  const auto r = run("/bin/sh", {"-c", command}, {}, /*timeout=*/50);
  EXPECT_FALSE(r.outcome.timed_out) << "Ctrl-C did not end the session";
  EXPECT_EQ(r.code(), 130) << r.err;
  const json session = json::parse(testing::slurp(dir.path() / "profile.json"));
  EXPECT_TRUE(session["interrupted"].get<bool>());
  int ran = 0;
  for (const auto& v : session["variants"]) ran += v["profile"]["ran"].get<bool>();
  EXPECT_GE(ran, 1) << "the first variant's profile was lost";
  EXPECT_LT(ran, static_cast<int>(session["variants"].size())) << "nothing was cut short";
}

// Without ThreadSanitizer there is nothing to reproduce, and the verdict
// says so: point the driver's TSan sibling at the plain build.
TEST(Verdict, WithoutThreadSanitizerTheRaceIsNotReproduced) {
  ScratchDir dir("no-tsan");
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "2", "--stress-seconds", "0.1",
                                        "--format", "json", "--tsan-binary", bin("lockedges"), "--out",
                                        dir.path().string(), "-q"});
  EXPECT_EQ(r.code(), 1) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "not-reproduced");
  EXPECT_EQ(report["reproduced_runs"], 0);
  EXPECT_FALSE(report["ground_truth"]["matched"].get<bool>());
}

// ThreadSanitizer failing to start is a tool error, never a pass.
TEST(Verdict, ThreadSanitizerFailingToStartIsAToolError) {
  ScratchDir dir("tsan-fatal");
  const auto fake = dir.path() / "fake-tsan";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\necho 'FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000-0x7f0000001000' >&2\nexit 66\n";
  }
  ::chmod(fake.c_str(), 0755);
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--format", "json", "--tsan-binary", fake.string(), "--out",
                                        (dir.path() / "out").string(), "-q"});
  EXPECT_EQ(r.code(), 3) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "error");
  EXPECT_NE(report["reasons"].dump().find("unexpected memory mapping"), std::string::npos) << report["reasons"];
  EXPECT_NE(report["reasons"].dump().find("also with address randomisation off"), std::string::npos)
      << "retried once without ASLR: " << report["reasons"];
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out/deferred-lambda-write/broken/tsan-1.err.layout-retry"))
      << "the first try's standard error is kept";
}

// A ThreadSanitizer runtime that refuses a randomised layout starts on the
// retry with randomisation off, and the run is judged as any other: the
// stand-in fails unless ADDR_NO_RANDOMIZE (0x0040000) is in its persona.
TEST(Verdict, AnUnexpectedMemoryMappingIsRetriedWithoutAddressRandomisation) {
  ScratchDir dir("tsan-layout");
  const auto fake = dir.path() / "layout-tsan";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\nif [ $(( 0x$(cat /proc/self/personality) & 0x40000 )) -ne 0 ]; then exec "
           << bin("lockedges-tsan") << " \"$@\"; fi\n"
           << "echo 'FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000-0x7f0000001000' >&2\nexit 66\n";
  }
  ::chmod(fake.c_str(), 0755);
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--format", "json", "--tsan-binary", fake.string(), "--out",
                                        (dir.path() / "out").string(), "-q"});
  EXPECT_EQ(r.code(), 0) << r.err << r.out;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "reproduced-and-fixed") << report["reasons"];
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out/deferred-lambda-write/broken/tsan-1.err.layout-retry"));
}

TEST(Verdict, RunAllGivesOneReportPerScenarioAndAMarkdownSummary) {
  ScratchDir dir("all");
  const auto r = run(bin("lockedges"), {"run", "all", "--runs", "1", "--stress-seconds", "0.1", "--format", "json",
                                        "--out", dir.path().string(), "-q"});
  EXPECT_EQ(r.code(), 0) << r.err;
  const json reports = json::parse(r.out);
  ASSERT_TRUE(reports.is_array());
  EXPECT_EQ(reports.size(), scenario_names().size());
  const std::string markdown = testing::slurp(dir.path() / "report.md");
  for (const auto& name : scenario_names()) EXPECT_NE(markdown.find("## " + name), std::string::npos) << name;
  const std::string html = testing::slurp(dir.path() / "index.html");
  for (const auto& name : scenario_names())
    EXPECT_NE(html.find("id=\"" + name + "-interleaving\""), std::string::npos) << name;
}

}  // namespace
}  // namespace lockedges
