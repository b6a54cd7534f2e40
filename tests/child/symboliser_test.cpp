// Symbolising the forced children's reports in one child (child/symboliser):
// the rewriting on its own, and a real report rewritten against the one the
// child symbolised itself.
#include <gtest/gtest.h>

#include <regex>

#include "child/protocol.hpp"
#include "child/sanitizers.hpp"
#include "child/spawn.hpp"
#include "child/symboliser.hpp"
#include "support/test_util.hpp"

namespace lockedges {
namespace {

SymboliseRequest at(std::string module, std::uint64_t offset) { return {std::move(module), offset}; }

TEST(Symboliser, ARequestLineReadsBack) {
  const SymboliseRequest r = at("/opt/my build/lockedges-tsan", 0x1c5565);
  EXPECT_EQ(to_line(r), "1c5565 /opt/my build/lockedges-tsan");
  EXPECT_EQ(parse_symbolise_request(to_line(r)), r);
  for (const char* bad : {"", "1c5565", "1c5565 ", "xyz /bin/x", "12z /bin/x"})
    EXPECT_EQ(parse_symbolise_request(bad), std::nullopt) << bad;
}

TEST(Symboliser, FramesAreExpandedRenumberedAndNamedAsTheRuntimeWould) {
  const std::string log =
      "WARNING: ThreadSanitizer: data race (pid=7)\n"
      "  Write of size 8 at 0x7b04 by thread T1:\n"
      "    #0 0x7f0000041491 (/lib/libtsan.so.2+0x41491)\n"
      "    #1 0x555500000a10 (/b/lockedges-tsan+0xa10)\n"
      "    #2 0x555500000b20 (/b/lockedges-tsan+0xb20)\n"
      "\n"
      "  Mutex M1 (0x7ffd) created at:\n"
      "    #0 0x555500000c30 (/b/lockedges-tsan+0xc30)\n"
      "    #1 0x555500000d40 (/b/lockedges-tsan+0xd40)\n"
      "    #2 0x7f0000027249 (/lib/libc.so.6+0x27249)\n"
      "\n"
      "  Thread T1 (tid=9, running) created by main thread at:\n"
      "    #0 0x7f00000d44a2 (/lib/libstdc++.so.6+0xd44a2)\n"
      "\n"
      "SUMMARY: ThreadSanitizer: data race (/lib/libtsan.so.2+0x41491) \n";
  const auto addresses = unsymbolised_addresses(log);
  EXPECT_EQ(addresses.size(), 7u) << "each (module, offset) once, the SUMMARY's included";
  const SymbolTable table{
      {at("/lib/libtsan.so.2", 0x41491),
       {{"__interceptor_pthread_rwlock_trywrlock", "../../tsan_interceptors_posix.cpp:1446",
         "../../tsan_interceptors_posix.cpp:1446 in __interceptor_pthread_rwlock_trywrlock"}}},
      {at("/b/lockedges-tsan", 0xa10),
       {{"insert", "/usr/include/c++/12/bits/hashtable.h:2155", "/usr/include/c++/12/bits/hashtable.h:2155 in insert"},
        {"bump", "../cases/x.cpp:40", "../cases/x.cpp:40 in bump"}}},
      {at("/b/lockedges-tsan", 0xb20), {{"operator()", "../cases/x.cpp:55", "../cases/x.cpp:55 in operator()"}}},
      {at("/b/lockedges-tsan", 0xc30), {{"setup", "../cases/x.cpp:20", "../cases/x.cpp:20 in setup"}}},
      {at("/b/lockedges-tsan", 0xd40), {{"main", "../cmd/main.cpp:3", "../cmd/main.cpp:3 in main"}}},
      {at("/lib/libc.so.6", 0x27249), {{"__libc_start_call_main", "libc_start_call_main.h:58", ""}}},
  };
  EXPECT_EQ(symbolised_log(log, table),
            "WARNING: ThreadSanitizer: data race (pid=7)\n"
            "  Write of size 8 at 0x7b04 by thread T1:\n"
            "    #0 __interceptor_pthread_rwlock_trywrlock ../../tsan_interceptors_posix.cpp:1446 (libtsan.so.2+0x41491)\n"
            "    #1 insert /usr/include/c++/12/bits/hashtable.h:2155 (lockedges-tsan+0xa10)\n"
            "    #2 bump ../cases/x.cpp:40 (lockedges-tsan+0xa10)\n"
            "    #3 operator() ../cases/x.cpp:55 (lockedges-tsan+0xb20)\n"
            "\n"
            "  Mutex M1 (0x7ffd) created at:\n"
            "    #0 setup ../cases/x.cpp:20 (lockedges-tsan+0xc30)\n"
            "    #1 main ../cmd/main.cpp:3 (lockedges-tsan+0xd40)\n"
            "\n"
            "  Thread T1 (tid=9, running) created by main thread at:\n"
            "    #0 <null> <null> (libstdc++.so.6+0xd44a2)\n"
            "\n"
            "SUMMARY: ThreadSanitizer: data race /usr/include/c++/12/bits/hashtable.h:2155 in insert\n")
      << "the table's entries are taken as given (the prefix is dropped when the child's answer is read); the "
         "frame below main goes; the summary skips the interceptor";
}

// What a report says, with what differs between two runs of the same
// schedule taken out: pids, thread ids, addresses, the stack's randomised
// offset.
std::string comparable(std::string log) {
  for (const char* pattern : {R"(pid=\d+)", R"(tid=\d+)", R"(==\d+==)", R"(0x[0-9a-f]{12})", R"(\[stack\]\+0x[0-9a-f]+)"})
    log = std::regex_replace(log, std::regex(pattern), "_");
  return log;
}

std::string forced_log(const std::string& scenario, const std::string& variant, const ScratchDir& dir,
                       const std::string& tag, bool symbolise_in_child) {
  WorkerRequest request;
  request.scenario = scenario;
  request.variant = variant;
  request.mode = Mode::kForced;
  request.result_path = (dir.path() / (tag + ".json")).string();
  const std::string base = (dir.path() / tag).string();
  ChildSpec spec = worker_child(testing::bin("lockedges-tsan"), request, base);
  // Halting at the first report: the same schedule may race a third time
  // in one run and not in the next, but its first report is always the same.
  spec.env = tsan_environment(base, /*halt_on_error=*/true, symbolise_in_child);
  const ChildOutcome outcome = run_child(spec);
  EXPECT_TRUE(outcome.exited) << describe(outcome);  // exit 66: halted at its report
  return slurp(base + "." + std::to_string(outcome.pid));
}

TEST(Symboliser, AReportSymbolisedByTheServiceReadsAsTheOneTheChildSymbolisedItself) {
  ScratchDir dir("symboliser");
  Symboliser symboliser(testing::bin("lockedges-tsan"), (dir.path() / "symbolise.err").string());
  for (const auto& [scenario, variant] : {std::pair{"iteration-during-grow", "broken"}, {"timer-callback", "broken"}}) {
    const std::string own = forced_log(scenario, variant, dir, std::string(scenario) + "-own", true);
    std::string served = forced_log(scenario, variant, dir, std::string(scenario) + "-served", false);
    ASSERT_NE(own.find("WARNING: ThreadSanitizer: data race"), std::string::npos) << own;
    ASSERT_FALSE(unsymbolised_addresses(served).empty()) << served;
    std::string error;
    ASSERT_TRUE(symboliser.symbolise(served, error)) << error;
    EXPECT_TRUE(unsymbolised_addresses(served).empty());
    EXPECT_EQ(comparable(served), comparable(own)) << scenario;
  }
}

TEST(Symboliser, ABuildThatCannotSymboliseIsAnErrorNotAHang) {
  ScratchDir dir("symboliser-plain");
  Symboliser symboliser(testing::bin("lockedges"), (dir.path() / "symbolise.err").string());
  std::string log = "    #0 0x555500000a10 (/b/lockedges+0xa10)\n";
  const std::string before = log;
  std::string error;
  EXPECT_FALSE(symboliser.symbolise(log, error));
  EXPECT_NE(error.find("stopped answering"), std::string::npos) << error;
  EXPECT_EQ(log, before);
  EXPECT_NE(slurp(dir.path() / "symbolise.err").find("sanitizer builds only"), std::string::npos);
}

}  // namespace
}  // namespace lockedges
