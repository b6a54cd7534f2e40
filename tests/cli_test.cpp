// The command line as a user meets it: help, version, mistakes.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace lockedges {
namespace {

using testing::bin;
using testing::run;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Cli, HelpListsTheSubcommandsAndScenarios) {
  const auto r = run(bin("lockedges"), {"--help"});
  EXPECT_EQ(r.code(), 0);
  for (const char* word : {"list", "run", "explain", "profile", "deferred-lambda-write", "iteration-during-grow"})
    EXPECT_TRUE(contains(r.out, word)) << word;
  EXPECT_FALSE(contains(r.out, "worker")) << "the worker subcommand is internal";
}

TEST(Cli, RunHelpNamesEveryOption) {
  const auto r = run(bin("lockedges"), {"run", "--help"});
  EXPECT_EQ(r.code(), 0);
  for (const char* option : {"--format", "--out", "--junit", "--runs", "--stress-seconds", "--timeout"})
    EXPECT_TRUE(contains(r.out, option)) << option;
  EXPECT_TRUE(contains(r.out, "index.html")) << "--out names the page to open";
  EXPECT_TRUE(contains(run(bin("lockedges"), {"profile", "--help"}).out, "index.html"));
}

TEST(Cli, VersionIsPrinted) {
  const auto r = run(bin("lockedges"), {"--version"});
  EXPECT_EQ(r.code(), 0);
  EXPECT_TRUE(contains(r.out, "lockedges 0.")) << r.out;
}

TEST(Cli, UnknownScenarioExitsTwoWithDidYouMean) {
  const auto r = run(bin("lockedges"), {"run", "deferred-lamda-write"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "unknown scenario 'deferred-lamda-write'")) << r.err;
  EXPECT_TRUE(contains(r.err, "did you mean 'deferred-lambda-write'")) << r.err;
  EXPECT_TRUE(contains(r.err, "iteration-during-grow")) << "names the valid choices: " << r.err;
}

TEST(Cli, UnknownCommandExitsTwoWithDidYouMean) {
  const auto r = run(bin("lockedges"), {"iteration-during-grwo"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "did you mean 'iteration-during-grow'")) << r.err;
}

TEST(Cli, MisspelledOptionExitsTwoWithDidYouMean) {
  const auto r = run(bin("lockedges"), {"run", "all", "--formt", "json"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "did you mean --format")) << r.err;
}

TEST(Cli, BadOptionValueExitsTwoNamingTheChoices) {
  const auto r = run(bin("lockedges"), {"run", "all", "--format", "xml"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "text")) << r.err;
  EXPECT_TRUE(contains(r.err, "json")) << r.err;
  const auto runs = run(bin("lockedges"), {"run", "all", "--runs", "0"});
  EXPECT_EQ(runs.code(), 2) << runs.err;
}

TEST(Cli, NoSubcommandIsAUsageError) {
  EXPECT_EQ(run(bin("lockedges"), {}).code(), 2);
}

TEST(Cli, ListShowsEveryScenarioWithItsSeedSection) {
  const auto r = run(bin("lockedges"), {"list"});
  EXPECT_EQ(r.code(), 0);
  EXPECT_TRUE(contains(r.out, "deferred-lambda-write")) << r.out;
  EXPECT_TRUE(contains(r.out, "§1.1, 4.1")) << r.out;
  EXPECT_TRUE(contains(r.out, "variants: broken, fixed")) << r.out;
}

TEST(Cli, ExplainTellsTheLessonWithTheRacingLines) {
  const auto r = run(bin("lockedges"), {"explain", "iteration-during-grow"});
  EXPECT_EQ(r.code(), 0);
  for (const char* part : {"The pitfall", "The bad interleaving", "The racing lines", "RACE(A)",
                           "return idx.map[key];", "The fix", "CP.2", "The Go original",
                           "What does not carry over to C++"})
    EXPECT_TRUE(contains(r.out, part)) << part;
  EXPECT_EQ(run(bin("lockedges"), {"explain", "nope"}).code(), 2);
}

}  // namespace
}  // namespace lockedges
