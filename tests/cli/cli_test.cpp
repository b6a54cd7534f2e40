// The command line as a user meets it: help, version, mistakes.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <string_view>

#include "support/test_util.hpp"

namespace lockedges {
namespace {

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

// Every command's --help lists the exit statuses, in lines a projector's 80
// columns hold.
TEST(Cli, EveryHelpListsTheExitStatuses) {
  for (const char* command : {"run", "profile", "bench"}) {
    const auto r = run(bin("lockedges"), {command, "--help"});
    EXPECT_TRUE(contains(r.out, "3 the tool or its environment failed")) << command << ":\n" << r.out;
    EXPECT_TRUE(contains(r.out, "130 or 143 interrupted")) << command;
    const auto at = r.out.find("Exit status:");
    if (at == std::string::npos) continue;  // failed above
    for (const auto& line : lines_of(r.out.substr(at))) EXPECT_LE(line.size(), 80u) << command << ": " << line;
  }
  EXPECT_TRUE(contains(run(bin("lockedges"), {"--help"}).out, "3 the tool or its environment failed"));
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

// A sanitizer log given where a scenario goes: the error names diagnose.
TEST(Cli, ALogGivenAsAScenarioPointsAtDiagnose) {
  const std::string log = std::string(LOCKEDGES_FIXTURE_DIR) + "/diagnose/logs/hit_counter.log";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"run", log}, {"explain", log}, {log},
                                               {"run", "my-tsan.log"}}) {
    const auto r = run(bin("lockedges"), args);
    EXPECT_EQ(r.code(), 2) << args.back();
    EXPECT_TRUE(contains(r.err, "lockedges diagnose " + args.back())) << r.err;
  }
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

// NaN passes every `<` and `>` check, so a range alone lets it through;
// each seconds option refuses it, both infinities, and a value past its
// bound, before anything starts.
TEST(Cli, EverySecondsOptionRefusesNanInfinityAndValuesPastItsBounds) {
  const std::vector<std::vector<std::string>> options = {{"run", "all", "--stress-seconds"},
                                                         {"run", "all", "--profile-seconds"},
                                                         {"run", "all", "--timeout"},
                                                         {"profile", "--seconds"}};
  for (const auto& option : options) {
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "1e9", "-1", "2s"}) {
      std::vector<std::string> args = option;
      args.push_back(bad);
      const auto r = run(bin("lockedges"), args);
      EXPECT_EQ(r.code(), 2) << option.back() << " " << bad << ": " << r.err;
      EXPECT_TRUE(contains(r.err, option.back())) << r.err;
      EXPECT_TRUE(contains(r.err, std::string("'") + bad + "'")) << r.err;
      EXPECT_EQ(r.out, "") << option.back() << " " << bad;
    }
  }
  const auto nan = run(bin("lockedges"), {"run", "all", "--stress-seconds", "nan"});
  EXPECT_TRUE(contains(nan.err, "not a finite number; give one from 0.01 to 3600")) << nan.err;
}

// The report folder goes into every sanitizer's options: a space, a colon
// or a comma in it must not split them, and a name no option can quote is
// refused before anything starts.
TEST(Cli, AReportFolderWithSpacesColonsAndCommasWorks) {
  ScratchDir dir("odd-out");
  const auto out = dir.path() / "my reports: 1, 2";
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--profile-seconds", "0", "--out", out.string(), "-q"});
  EXPECT_EQ(r.code(), 0) << r.err << r.out;
  EXPECT_TRUE(std::filesystem::exists(out / "deferred-lambda-write" / "broken" / "tsan-1.log")) << r.err;
  EXPECT_TRUE(contains(slurp(out / "report.json"), "reproduced-and-fixed"));
  const auto both = run(bin("lockedges"), {"run", "all", "--out", (dir.path() / "it's \"both\"").string()});
  EXPECT_EQ(both.code(), 2) << both.err;
  EXPECT_TRUE(contains(both.err, "choose another folder")) << both.err;
}

// What `lockedges args...` writes to standard error when that is a
// terminal (a pseudo-terminal), with NO_COLOR set or not.
std::string stderr_on_a_terminal(const std::vector<std::string>& args, bool no_color_env) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return "no pseudo-terminal";
  const int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  const int null = open("/dev/null", O_RDWR);
  std::vector<std::string> words = {bin("lockedges")};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<std::string> env_words;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string_view(*e).rfind("NO_COLOR=", 0) != 0) env_words.emplace_back(*e);
  if (no_color_env) env_words.emplace_back("NO_COLOR=1");
  std::vector<char*> argv, envp;  // made before fork: the child may only exec
  for (auto& w : words) argv.push_back(w.data());
  for (auto& w : env_words) envp.push_back(w.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(slave, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(slave);
  close(null);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(master, buffer, sizeof buffer)) > 0;) text.append(buffer, n);  // EIO once it exits
  waitpid(pid, nullptr, 0);
  close(master);
  return text;
}

// The coloured "info"/"error" prefixes on standard error follow the same
// rule as the rest of the colour: off with --no-color or NO_COLOR.
TEST(Cli, LogPrefixesAreColouredOnlyWhenColourIsOn) {
  ScratchDir dir("log-colour");
  const std::vector<std::string> quick = {"run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                          "--profile-seconds", "0", "--out", dir.path().string()};
  const std::string coloured = stderr_on_a_terminal(quick, false);
  EXPECT_TRUE(contains(coloured, "info")) << coloured;
  EXPECT_TRUE(contains(coloured, "\033[")) << "a terminal, no NO_COLOR: coloured";
  const std::string env_off = stderr_on_a_terminal(quick, true);
  EXPECT_TRUE(contains(env_off, "info")) << env_off;
  EXPECT_FALSE(contains(env_off, "\033[")) << env_off;
  std::vector<std::string> flag = quick;
  flag.insert(flag.begin(), "--no-color");
  const std::string flag_off = stderr_on_a_terminal(flag, false);
  EXPECT_TRUE(contains(flag_off, "info")) << flag_off;
  EXPECT_FALSE(contains(flag_off, "\033[")) << flag_off;
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

// -v names every child with the environment it gets, as a line a shell can
// run again: rerunning the broken variant's forced ThreadSanitizer child by
// hand reports the race again. (The profile's symbolisers, addr2line and
// nm, are children too, and named as well.)
TEST(Cli, VerboseShowsEveryChildAsACommandToRerun) {
  testing::ScratchDir dir("verbose");
  const auto r = run(bin("lockedges"), {"-v", "run", "deferred-lambda-write", "--runs", "1", "--stress-seconds", "0.1",
                                        "--profile-seconds", "0.1", "--out", dir.path().string()});
  ASSERT_EQ(r.code(), 0) << r.err;
  std::vector<std::string> children;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("debug: child: ", 0) == 0 && contains(line, " worker ")) children.push_back(line.substr(14));
  // Two variants, each: a forced run under TSan, one under ASan, a profiled stress child.
  ASSERT_EQ(children.size(), 6u) << r.err;
  std::string tsan_broken;
  for (const auto& c : children)
    if (contains(c, "TSAN_OPTIONS=") && contains(c, "lockedges-tsan worker deferred-lambda-write broken --mode forced"))
      tsan_broken = c;
  ASSERT_FALSE(tsan_broken.empty()) << r.err;
  for (const auto& c : children) EXPECT_TRUE(contains(c, " 2> ")) << c;
  EXPECT_TRUE(contains(r.err, "debug: child: /usr/bin/addr2line ")) << r.err;
  const auto again = run("/bin/sh", {"-c", tsan_broken});
  EXPECT_EQ(again.code(), 66) << "ThreadSanitizer's exit status: it reported again\n" << tsan_broken;
}

}  // namespace
}  // namespace lockedges
