// Bad inputs, faults and signals, each met on purpose: one test per row of
// README.md's troubleshooting table.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/test_util.hpp"
#include "util/files.hpp"

namespace lockedges {
namespace {

using nlohmann::json;
using testing::Ran;

// A stand-in for the ThreadSanitizer build: a shell script, given to the
// hidden --tsan-binary.
std::string fake_tsan(const ScratchDir& dir, const std::string& body) {
  const auto path = dir.path() / "fake-tsan";
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path.string();
}

std::vector<std::string> quick_run(const std::string& scenario, const std::filesystem::path& out) {
  return {"run", scenario, "--runs", "1", "--stress-seconds", "0.1", "--format", "json", "--out", out.string(), "-q"};
}

// A quick run of deferred-lambda-write with its TSan build replaced by a
// script of `body`, and `extra` options.
Ran run_with_fake_tsan(const ScratchDir& dir, const std::string& body, std::vector<std::string> extra = {}) {
  auto args = quick_run("deferred-lambda-write", dir.path() / "out");
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--tsan-binary");
  args.push_back(fake_tsan(dir, body));
  return run(bin("lockedges"), args);
}

// A quick run of deferred-lambda-write from a shell that runs `setup` first
// (a ulimit, a trap).
Ran run_after(const ScratchDir& dir, const std::string& setup) {
  std::string command = setup + "; exec " + bin("lockedges");
  for (const auto& a : quick_run("deferred-lambda-write", dir.path())) command += " '" + a + "'";
  return run("/bin/sh", {"-c", command});
}

// The reasons of a run judged `error`, after checking it was, with exit 3.
std::string tool_error_reasons(const Ran& r) {
  EXPECT_EQ(r.code(), 3) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "error");
  return report["reasons"].dump();
}

// A path that names a device or a pipe (/dev/null, /dev/stdout as --junit)
// is written into, not replaced: a file renamed over it would take its place,
// as root does to /dev/null. A FIFO stands in for the device.
TEST(Hardening, WritingToAPipeOrDeviceWritesIntoItAndLeavesItInPlace) {
  ScratchDir dir("write-fifo");
  const auto fifo = dir.path() / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  std::string error;
  const bool written = write_file(fifo, "one result\n", error);
  reader.join();
  EXPECT_TRUE(written) << error;
  EXPECT_EQ(received, "one result\n");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo)) << "the pipe is still a pipe";
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.fifo.tmp"));
}

TEST(Hardening, AnOutFolderInUseByAnotherCommandIsRefused) {
  ScratchDir dir("out-in-use");
  std::string error;
  const FolderClaim held = FolderClaim::claim(dir.path(), error);
  ASSERT_TRUE(held.held()) << error;
  const auto r = run(bin("lockedges"), quick_run("deferred-lambda-write", dir.path()));
  EXPECT_EQ(r.code(), 3) << r.err;
  EXPECT_TRUE(contains(r.err, "is in use by another lockedges command (pid " + std::to_string(::getpid()) + ")"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "deferred-lambda-write")) << "a child ran";
}

TEST(Hardening, AnOutThatIsAFileIsRefusedBeforeAnyChild) {
  ScratchDir dir("out-file");
  const auto file = dir.path() / "a-file";
  std::ofstream(file) << "x";
  const auto r = run(bin("lockedges"), quick_run("deferred-lambda-write", file));
  EXPECT_EQ(r.code(), 3) << r.err;
  EXPECT_TRUE(contains(r.err, "report folder: cannot create the folder " + file.string())) << r.err;
}

TEST(Hardening, StepWritesNoJsonOrJunitAndSaysSo) {
  const auto r = run(bin("lockedges"), {"run", "deferred-lambda-write", "--step", "--format", "json", "--junit", "x.xml"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_TRUE(contains(r.err, "writes no --format json or --junit")) << r.err;
}

TEST(Hardening, TheWorkerRefusesNanSeconds) {
  const auto r = run(bin("lockedges"),
                     {"worker", "deferred-lambda-write", "broken", "--mode", "stress", "--seconds", "nan", "--result", "-"});
  EXPECT_EQ(r.code(), 2) << r.err;
  EXPECT_TRUE(contains(r.err, "not a finite number")) << r.err;
}

// The watchdog's kill of a forced run is never "clean": the verdict is error.
TEST(Hardening, AForcedRunKilledByTheWatchdogIsAnError) {
  ScratchDir dir("forced-hang");
  const std::string reasons = tool_error_reasons(run_with_fake_tsan(dir, "sleep 30", {"--timeout", "1"}));
  EXPECT_TRUE(contains(reasons, "tsan-1 did not finish: timed out")) << reasons;
}

// A forced child killed from outside before it said anything: an error.
TEST(Hardening, AForcedRunKilledFromOutsideIsAnError) {
  ScratchDir dir("forced-killed");
  const std::string reasons = tool_error_reasons(run_with_fake_tsan(dir, "kill -KILL $$"));
  EXPECT_TRUE(contains(reasons, "tsan-1: the worker was killed by SIGKILL")) << reasons;
}

// The sanitizer's exit status, no result, nothing on stderr: an error that
// says so (this once aborted the driver).
TEST(Hardening, AChildThatExitsWithTheSanitizersStatusAndSaysNothingIsAnError) {
  ScratchDir dir("silent-child");
  const std::string reasons = tool_error_reasons(run_with_fake_tsan(dir, "exit 66"));
  EXPECT_TRUE(contains(reasons, "(nothing on standard error)")) << reasons;
}

// Under a low `ulimit -v` the sanitizers cannot reserve their shadow memory:
// a tool failure, never a finding and never "clean".
TEST(Hardening, SanitizersOutOfAddressSpaceAreAToolError) {
  ScratchDir dir("ulimit");
  const Ran r = run_after(dir, "ulimit -v 2097152");
  const std::string reasons = tool_error_reasons(r);
  EXPECT_TRUE(contains(reasons, "the sanitizer ran out of memory")) << reasons;
  for (const auto& v : json::parse(r.out)["variants"]) EXPECT_TRUE(v["asan"]["findings"].empty()) << v["asan"];
}

// The children get the harness's settings, not the user's.
TEST(Hardening, CpuprofileAndSanitizerOptionsInTheEnvironmentChangeNothing) {
  ScratchDir dir("user-env");
  const auto r = run(bin("lockedges"), quick_run("deferred-lambda-write", dir.path() / "out"),
                     {{"CPUPROFILE", (dir.path() / "user.prof").string()},
                      {"UBSAN_OPTIONS", "halt_on_error=1 exitcode=9"},
                      {"TSAN_OPTIONS", "report_bugs=0"},
                      {"MALLOC_PERTURB_", "85"}});
  EXPECT_EQ(r.code(), 0) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["verdict"], "reproduced-and-fixed") << report["reasons"];
  for (const auto& v : report["variants"]) EXPECT_GT(v["profile"]["samples"].get<long>(), 0) << v["profile"];
}

// `run coarse-lock` with a 30 s stress run, in the background.
Background long_stress_run(const ScratchDir& dir) {
  return Background(bin("lockedges"),
                    {"run", "coarse-lock", "--runs", "1", "--stress-seconds", "30", "--timeout", "60",
                     "--profile-seconds", "0", "--out", dir.path().string()},
                    dir.path() / "cmd");
}

// Whether its stress child started (within a minute).
bool stressing(const Background& cmd) {
  return cmd.wait_for([&] { return contains(cmd.err(), "stress for 30 s"); }, 60) &&
         cmd.wait_for([&] { return !children_of(cmd.pid()).empty(); }, 10);
}

// SIGTERM while a stress child runs: the child is ended, the scenario is
// written marked interrupted, exit 143, nothing left running.
TEST(Hardening, SigtermEndsTheChildrenAndWritesWhatRanMarkedInterrupted) {
  ScratchDir dir("sigterm");
  Background cmd = long_stress_run(dir);
  ASSERT_TRUE(stressing(cmd)) << cmd.err();
  kill(cmd.pid(), SIGTERM);
  const int status = cmd.wait(20);
  ASSERT_NE(status, -1) << "still running 20 s after SIGTERM";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143) << cmd.err();
  EXPECT_TRUE(children_of(cmd.pid()).empty()) << "a child outlived the command";
  const json reports = json::parse(slurp(dir.path() / "report.json"));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["verdict"], "interrupted");
  EXPECT_TRUE(contains(cmd.err(), "interrupted by SIGTERM")) << cmd.err();
}

// Ctrl-C during `run all` over an old report: the old pages are gone, the
// new ones hold the scenarios that ran, exit 130, no child left.
TEST(Hardening, CtrlCDuringRunAllReplacesTheOldReportWithWhatRan) {
  ScratchDir dir("sigint-all");
  std::ofstream(dir.path() / "index.html") << "OLD REPORT";
  Background cmd(bin("lockedges"), {"run", "all", "--runs", "1", "--stress-seconds", "0.1", "--out", dir.path().string()},
                 dir.path() / "cmd");
  ASSERT_TRUE(cmd.wait_for([&] { return contains(cmd.err(), ": reproduced-and-fixed in "); }, 120)) << cmd.err();
  kill(cmd.pid(), SIGINT);
  const int status = cmd.wait(20);
  ASSERT_NE(status, -1) << "still running 20 s after Ctrl-C";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << cmd.err();
  EXPECT_TRUE(children_of(cmd.pid()).empty()) << "a child outlived the command";
  const json reports = json::parse(slurp(dir.path() / "report.json"));
  ASSERT_GE(reports.size(), 1u);
  EXPECT_LT(reports.size(), Registry::instance().all().size());
  for (std::size_t i = 0; i + 1 < reports.size(); ++i) EXPECT_EQ(reports[i]["verdict"], "reproduced-and-fixed");
  EXPECT_FALSE(contains(slurp(dir.path() / "index.html"), "OLD REPORT"));
  EXPECT_TRUE(contains(cmd.err(), "interrupted by SIGINT (Ctrl-C)")) << cmd.err();
}

// The command killed outright (no handler runs): its children die with it.
TEST(Hardening, ChildrenDieWithACommandKilledOutright) {
  ScratchDir dir("sigkill");
  Background cmd = long_stress_run(dir);
  ASSERT_TRUE(stressing(cmd)) << cmd.err();
  kill(cmd.pid(), SIGKILL);
  ASSERT_NE(cmd.wait(10), -1);
  EXPECT_TRUE(cmd.wait_for([&] { return children_of(cmd.pid()).empty(); }, 5)) << "a child outlived the command";
}

// Ctrl-C during `bench` ends it at once (Google Benchmark cannot stop
// half-way); the detection group's TSan children die with it.
TEST(Hardening, CtrlCDuringBenchLeavesNoChild) {
  ScratchDir dir("bench-ctrl-c");
  Background cmd(bin("lockedges"), {"bench", "deferred-lambda-write", "--groups", "detection", "--out",
                                    dir.path().string(), "-q"},
                 dir.path() / "cmd");
  ASSERT_TRUE(cmd.wait_for([&] { return !children_of(cmd.pid()).empty(); }, 60)) << cmd.err();
  kill(cmd.pid(), SIGINT);
  const int status = cmd.wait(10);
  ASSERT_NE(status, -1) << "still running 10 s after Ctrl-C";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_TRUE(cmd.wait_for([&] { return children_of(cmd.pid()).empty(); }, 5)) << "a child outlived the command";
}

// The parent's signal and profile paths (the handler, run_child ending a
// stress child, the interrupted report, profile's symbolising threads)
// under both sanitizer builds: any report fails.
TEST(Hardening, InterruptAndProfilePathsAreCleanUnderTheSanitizers) {
  ScratchDir dir("sanitized-parent");
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> builds = {
      {"lockedges-tsan", {{"TSAN_OPTIONS", "halt_on_error=1 exitcode=66"}}},
      {"lockedges-asan", {{"ASAN_OPTIONS", "halt_on_error=1 detect_leaks=1"}, {"UBSAN_OPTIONS", "halt_on_error=1"}}}};
  for (const auto& [binary, env] : builds) {
    std::string command;
    for (const auto& [key, value] : env) command += key + "='" + value + "' ";
    command += "exec " + bin(binary) + " run deferred-lambda-write --runs 1 --stress-seconds 30 --timeout 60 " +
               "--profile-seconds 0 --out " + (dir.path() / binary).string();
    Background cmd("/bin/sh", {"-c", command}, dir.path() / (binary + "-cmd"));
    ASSERT_TRUE(stressing(cmd)) << binary << ": " << cmd.err();
    kill(cmd.pid(), SIGINT);
    const int status = cmd.wait(30);
    ASSERT_NE(status, -1) << binary << ": still running 30 s after Ctrl-C";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << binary << ": status " << status << cmd.err();
    const auto profiled = run(bin(binary), {"profile", "deferred-lambda-write", "--seconds", "1", "--out",
                                            (dir.path() / (binary + "-profile")).string(), "-q"},
                              env);
    EXPECT_EQ(profiled.code(), 0) << binary << ": " << profiled.err;
    for (const std::string& err : {cmd.err(), profiled.err})
      for (const char* report : {"WARNING: ThreadSanitizer", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                 "runtime error"})
        EXPECT_FALSE(contains(err, report)) << binary << ": " << err;
  }
}

// A full disk, as a file-size limit stands in for one: the report that
// cannot be written is named, exit 3, and no half-written file is left.
TEST(Hardening, AFullDiskIsAToolErrorAndLeavesNoHalfWrittenFile) {
  ScratchDir dir("full-disk");
  const Ran r = run_after(dir, "trap '' XFSZ; ulimit -f 40");
  EXPECT_EQ(r.code(), 3) << r.err;
  EXPECT_TRUE(contains(r.err, "cannot write the report")) << r.err;
  EXPECT_TRUE(contains(r.err, "File too large")) << r.err;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
}

// No addr2line on PATH: the profile cannot be named, and a warning says so
// (it changes no verdict).
TEST(Hardening, AMissingAddr2lineIsSaidOnStandardError) {
  ScratchDir dir("no-binutils");
  auto args = quick_run("deferred-lambda-write", dir.path());
  args.pop_back();  // not -q: a warning still shows with it, but this reads the whole stderr
  const auto r = run(bin("lockedges"), args, {{"PATH", (dir.path() / "empty").string()}});
  EXPECT_EQ(r.code(), 0) << r.err;
  EXPECT_TRUE(contains(r.err, "deferred-lambda-write: broken: CPU profile: symbolising")) << r.err;
  EXPECT_TRUE(contains(r.err, "addr2line is not on PATH")) << r.err;
}

// A binary copied away from its siblings refuses before it writes anything.
TEST(Hardening, ALoneBinaryRefusesBeforeWritingAnything) {
  ScratchDir dir("lone");
  const auto lone = dir.path() / "lockedges";
  std::filesystem::copy_file(bin("lockedges"), lone);
  for (const auto& args : {quick_run("deferred-lambda-write", dir.path() / "out"),
                           std::vector<std::string>{"run", "deferred-lambda-write", "--step", "--out",
                                                    (dir.path() / "out").string()}}) {
    const auto r = run(lone.string(), args);
    EXPECT_EQ(r.code(), 3) << r.err;
    EXPECT_TRUE(contains(r.err, "cannot find " + (dir.path() / "lockedges-tsan").string())) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  }
}

}  // namespace
}  // namespace lockedges
