// The worker's result and step lines, read back by the parent
// (child/protocol): what a child wrote comes back as it was, and anything
// else, a field of the wrong type included, is refused without a throw.
#include <gtest/gtest.h>

#include <fstream>

#include "child/protocol.hpp"
#include "support/parser_checks.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

WorkerResult sample_result() {
  WorkerResult r;
  r.scenario = "nested-field";
  r.variant = "broken";
  r.mode = Mode::kStress;
  r.schedule_completed = true;
  r.elapsed_seconds = 0.25;
  r.ops = 18446744073709551615u;  // the largest uint64: JSON keeps it exact
  r.symptoms = {{"lost updates", 7}, {"below zero", -2}};
  r.threads = {"main", "writer"};
  r.worker_threads = 2;
  r.events = {{1, 100, 0, "lock", "store.mu_", -1}, {2, 250, 1, "schedule", "", 0}};
  r.locks = {{.name = "store.mu_",
              .exclusive_acquisitions = 3,
              .shared_acquisitions = 4,
              .contended = 9,
              .timed_waits = 2,
              .total_wait_ns = 90,
              .max_wait_ns = 60,
              .p99_wait_ns = 64,
              .hold_samples = 2,
              .total_hold_ns = 500,
              .max_hold_ns = 200}};
  r.deadlock = "";
  return r;
}

TEST(Protocol, AResultComesBackAsTheChildWroteIt) {
  const WorkerResult sent = sample_result();
  const auto got = parse_worker_result(to_json(sent).dump());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->scenario, sent.scenario);
  EXPECT_EQ(got->variant, sent.variant);
  EXPECT_EQ(got->mode, Mode::kStress);
  EXPECT_TRUE(got->schedule_completed);
  EXPECT_EQ(got->elapsed_seconds, 0.25);
  EXPECT_EQ(got->ops, sent.ops);
  EXPECT_EQ(got->symptoms, sent.symptoms);
  EXPECT_EQ(got->threads, sent.threads);
  EXPECT_EQ(got->worker_threads, 2);
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[1].seq, 2u);
  EXPECT_EQ(got->events[1].t_ns, 250);
  EXPECT_EQ(got->events[1].thread, 1);
  EXPECT_EQ(got->events[1].kind, "schedule");
  ASSERT_EQ(got->locks.size(), 1u);
  EXPECT_EQ(got->locks[0].name, "store.mu_");
  EXPECT_EQ(got->locks[0].shared_acquisitions, 4u);
  EXPECT_EQ(got->locks[0].contended, 9u);
  EXPECT_EQ(got->locks[0].timed_waits, 2u);
  EXPECT_EQ(got->locks[0].p99_wait_ns, 64);
  EXPECT_EQ(got->locks[0].hold_samples, 2u);
  EXPECT_EQ(got->locks[0].max_hold_ns, 200);
}

TEST(Protocol, ReadWorkerResultReadsTheFileThroughTheSameParser) {
  ScratchDir dir("protocol");
  const auto path = dir.path() / "result.json";
  std::ofstream(path) << to_json(sample_result()).dump();
  const auto got = read_worker_result(path);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->symptoms.at("lost updates"), 7);
  EXPECT_FALSE(read_worker_result(dir.path() / "missing.json").has_value());
}

TEST(Protocol, MissingFieldsKeepTheirDefaults) {
  const auto got = parse_worker_result(R"({"scenario":"lazy-init"})");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->scenario, "lazy-init");
  EXPECT_EQ(got->mode, Mode::kForced);
  EXPECT_EQ(got->ops, 0u);
  EXPECT_TRUE(got->events.empty());
  const auto event_without_peer = parse_worker_result(R"({"events":[{"seq":3}]})");
  ASSERT_TRUE(event_without_peer.has_value());
  ASSERT_EQ(event_without_peer->events.size(), 1u);
  EXPECT_EQ(event_without_peer->events[0].peer, -1);
}

TEST(Protocol, AFieldOfTheWrongTypeOrRangeRefusesTheResultWithoutAThrow) {
  // Each of these made nlohmann's value() throw type_error, or was cast
  // without a word (a float or too large a number into an int).
  for (const char* text : {
           R"({"ops":"x"})", R"({"ops":-1})", R"({"ops":1.5})", R"({"scenario":7})", R"({"mode":null})",
           R"({"schedule_completed":1})", R"({"elapsed_seconds":"0.1"})", R"({"symptoms":[1]})",
           R"({"symptoms":{"lost updates":"many"}})", R"({"symptoms":{"lost updates":1e300}})",
           R"({"threads":"main"})", R"({"threads":["main",2]})", R"({"worker_threads":1.5})",
           R"({"worker_threads":4294967296})", R"({"worker_threads":1e300})", R"({"events":{"seq":1}})",
           R"({"events":[1]})", R"({"events":[{"thread":"T1"}]})", R"({"events":[{"seq":-4}]})",
           R"({"events":[{"t_ns":9223372036854775808}]})", R"({"locks":[{"contended":-3}]})",
           R"({"locks":[null]})", R"({"deadlock":false})",
       }) {
    std::optional<WorkerResult> got;
    EXPECT_NO_THROW(got = parse_worker_result(text)) << text;
    EXPECT_FALSE(got.has_value()) << text;
  }
}

TEST(Protocol, TextThatIsNotAResultObjectIsRefused) {
  const std::string whole = to_json(sample_result()).dump();
  for (const std::string& text : {std::string(), std::string("[]"), std::string("42"), std::string("null"),
                                  std::string("{"), whole.substr(0, whole.size() / 2), std::string("\0{}", 3)})
    EXPECT_FALSE(parse_worker_result(text).has_value()) << text;
}

TEST(Protocol, AStepLineOfTheWrongTypeIsMalformedNotAThrow) {
  StepEvent step;
  StepEvent sent;
  sent.event = {5, 900, 1, "wait", "store.mu_", -1};
  sent.name = "writer";
  ASSERT_TRUE(from_line(to_line(sent), step));
  EXPECT_EQ(step.name, "writer");
  EXPECT_EQ(step.event.seq, 5u);
  EXPECT_EQ(step.event.what, "store.mu_");
  for (const char* line : {R"({"seq":"5"})", R"({"thread":1.5})", R"({"name":["w"]})", "[1]", "{"}) {
    bool ok = true;
    EXPECT_NO_THROW(ok = from_line(line, step)) << line;
    EXPECT_FALSE(ok) << line;
  }
  EXPECT_EQ(step.name, "writer") << "a refused line leaves the step as it was";
}

TEST(Protocol, EveryInputTheFuzzerKeptHoldsTheParsersPromises) {
  // The corpus of fuzz/run.sh's worker_result target: inputs that each reached some
  // code no other did, and the ones that once broke the parser (crash-*).
  testing::replay_fuzz_corpus("worker_result", checks::worker_result);
}

}  // namespace
}  // namespace lockedges
