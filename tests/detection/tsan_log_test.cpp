// Tests for lib/tsan_log: every expectation below was read off a real TSan log
// in tests/fixtures/tsan/ (regenerate with tests/fixtures/tsan/src/regen.sh;
// sources there, line numbers below refer to them).
#include "detection/tsan_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "support/parser_checks.hpp"
#include "support/test_util.hpp"

#ifndef LOCKEDGES_FIXTURE_DIR
#define LOCKEDGES_FIXTURE_DIR "/work/main/tests/fixtures"
#endif

namespace lockedges::tsan {
namespace {

std::string fixture(const std::string& name) {
  const std::string path = std::string(LOCKEDGES_FIXTURE_DIR) + "/tsan/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing fixture " << path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string_view basename(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// is_case_file for a fixture: the file is the fixture program's own source.
auto source_is(std::string name) {
  return [name](std::string_view file) { return basename(file) == name; };
}

// First frame of `stack` in `file_name`, or nullptr.
const Frame* first_frame_in(const std::vector<Frame>& stack, std::string_view file_name) {
  for (const Frame& f : stack)
    if (basename(f.file) == file_name) return &f;
  return nullptr;
}

// ---- rehash under a shared lock (fixture 1) ---------------------------------

TEST(Parser, RehashUnderSharedLockGivesFifteenCompleteDataRaces) {
  const Log log = parse(fixture("rehash_race.log"));
  ASSERT_EQ(log.warnings.size(), 15u);
  EXPECT_EQ(log.reported, 15);  // "ThreadSanitizer: reported 15 warnings"
  EXPECT_TRUE(log.fatal_errors.empty());
  for (const Warning& w : log.warnings) {
    EXPECT_EQ(w.kind, "data race");
    EXPECT_GT(w.pid, 0);
    EXPECT_EQ(w.pid, log.warnings[0].pid);
    EXPECT_TRUE(w.complete);
    EXPECT_TRUE(w.summary.starts_with("data race ")) << w.summary;
    ASSERT_EQ(w.accesses.size(), 2u);
    EXPECT_FALSE(w.accesses[0].previous);
    EXPECT_TRUE(w.accesses[1].previous);
  }
}

TEST(Parser, ReadLockIsParsedAsSharedMutex) {
  const Log log = parse(fixture("rehash_race.log"));
  ASSERT_FALSE(log.warnings.empty());
  for (const Warning& w : log.warnings)
    for (const Access& a : w.accesses) {
      ASSERT_EQ(a.mutexes.size(), 1u);  // "(mutexes: read M10)"
      EXPECT_EQ(a.mutexes[0].id, "M10");
      EXPECT_TRUE(a.mutexes[0].shared);
    }
}

TEST(Parser, FirstRehashWarningIsInsertRacingWithEarlierLookup) {
  const Log log = parse(fixture("rehash_race.log"));
  ASSERT_FALSE(log.warnings.empty());
  const Warning& w = log.warnings[0];
  ASSERT_EQ(w.accesses.size(), 2u);
  const Access& now = w.accesses[0];  // "Write of size 8 at 0x... by thread T2 (mutexes: read M10):"
  EXPECT_TRUE(now.write);
  EXPECT_FALSE(now.atomic);
  EXPECT_EQ(now.size, 8);
  EXPECT_EQ(now.thread, "T2");
  EXPECT_TRUE(now.address.starts_with("0x"));
  const Access& before = w.accesses[1];  // "Previous read of size 8 ... by thread T1 ..."
  EXPECT_FALSE(before.write);
  EXPECT_EQ(before.size, 8);
  EXPECT_EQ(before.thread, "T1");
  EXPECT_EQ(before.address, now.address);

  // The top frame is deep in libstdc++; its name has spaces, commas, parens.
  ASSERT_EQ(now.stack.size(), 11u);
  const Frame& top = now.stack[0];
  EXPECT_EQ(top.index, 0);
  EXPECT_TRUE(top.function.starts_with("std::_Hashtable<int, std::pair<int const, int>, ")) << top.function;
  EXPECT_TRUE(top.function.ends_with("::_M_insert_bucket_begin(unsigned long, std::__detail::_Hash_node<"
                                     "std::pair<int const, int>, false>*)"))
      << top.function;
  EXPECT_EQ(top.file, "/usr/include/c++/12/bits/hashtable.h");
  EXPECT_EQ(top.line, 2000);
  EXPECT_EQ(top.column, 0);  // g++'s libtsan prints no columns
  EXPECT_EQ(top.module, "rehash_race");

  // The program's own frame is further down: #4 operator() rehash_race.cpp:36.
  const Frame* own = first_frame_in(now.stack, "rehash_race.cpp");
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->index, 4);
  EXPECT_EQ(own->function, "operator()");
  EXPECT_EQ(own->line, 36);
  const Frame* own_before = first_frame_in(before.stack, "rehash_race.cpp");
  ASSERT_NE(own_before, nullptr);
  EXPECT_EQ(own_before->line, 28);

  // "#10 <null> <null> (libstdc++.so.6+0xd44a2)": unknown function and file.
  EXPECT_EQ(now.stack.back().index, 10);
  EXPECT_EQ(now.stack.back().function, "");
  EXPECT_EQ(now.stack.back().file, "");
  EXPECT_EQ(now.stack.back().line, 0);
  EXPECT_EQ(now.stack.back().module, "libstdc++.so.6");

  EXPECT_TRUE(w.summary.starts_with("data race /usr/include/c++/12/bits/hashtable.h:2000 in std::_Hashtable<int, "))
      << w.summary;
}

TEST(Parser, RehashWarningsAreToppedByLibraryFramesNotCaseCode) {
  const Log log = parse(fixture("rehash_race.log"));
  int in_hashtable = 0;
  for (const Warning& w : log.warnings) {
    ASSERT_FALSE(w.accesses.empty());
    ASSERT_FALSE(w.accesses[0].stack.empty());
    const Frame& top = w.accesses[0].stack[0];
    EXPECT_NE(basename(top.file), "rehash_race.cpp");
    if (basename(top.file) == "hashtable.h") ++in_hashtable;
  }
  EXPECT_EQ(in_hashtable, 12);  // the others: operator delete, equal_to, _Hash_code_base
}

TEST(Parser, SectionsKeepHeadersAndStacks) {
  const Log log = parse(fixture("rehash_race.log"));
  ASSERT_FALSE(log.warnings.empty());
  const auto& sections = log.warnings[0].sections;
  ASSERT_EQ(sections.size(), 4u);
  EXPECT_TRUE(sections[0].header.starts_with("Location is global 'm' of size 56 at 0x")) << sections[0].header;
  EXPECT_TRUE(sections[0].stack.empty());
  EXPECT_TRUE(sections[1].header.starts_with("Mutex M10 (0x")) << sections[1].header;
  EXPECT_TRUE(sections[1].header.ends_with(") created at")) << sections[1].header;
  ASSERT_EQ(sections[1].stack.size(), 12u);
  EXPECT_EQ(sections[1].stack[0].function, "pthread_rwlock_rdlock");
  EXPECT_EQ(sections[1].stack[0].module, "libtsan.so.2");
  EXPECT_TRUE(sections[2].header.starts_with("Thread T2 (tid=")) << sections[2].header;
  EXPECT_TRUE(sections[3].header.ends_with("created by main thread at")) << sections[3].header;
}

TEST(Group, RehashWarningsCollapseIntoTwoFindingsOnCaseLines) {
  const Log log = parse(fixture("rehash_race.log"));
  const auto findings = group(log, source_is("rehash_race.cpp"));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].count + findings[1].count, 15);

  // Insert (line 36) after lookup (line 28): the writer's access comes first.
  const Finding& insert_first = findings[0];
  EXPECT_EQ(insert_first.kind, "data race");
  EXPECT_EQ(insert_first.count, 10);
  ASSERT_EQ(insert_first.locations.size(), 2u);
  EXPECT_EQ(basename(insert_first.locations[0].file), "rehash_race.cpp");
  EXPECT_EQ(insert_first.locations[0].line, 36);
  EXPECT_EQ(insert_first.locations[0].access, "write");
  EXPECT_EQ(insert_first.locations[0].thread, "T2");
  ASSERT_EQ(insert_first.locations[0].mutexes.size(), 1u);
  EXPECT_TRUE(insert_first.locations[0].mutexes[0].shared);
  EXPECT_EQ(insert_first.locations[1].line, 28);
  EXPECT_EQ(insert_first.locations[1].access, "read");
  EXPECT_EQ(insert_first.locations[1].thread, "T1");
  EXPECT_EQ(insert_first.summary, log.warnings[0].summary);

  // Lookup (line 28) after insert (line 36): reads of freshly written nodes.
  const Finding& lookup_first = findings[1];
  EXPECT_EQ(lookup_first.count, 5);
  ASSERT_EQ(lookup_first.locations.size(), 2u);
  EXPECT_EQ(lookup_first.locations[0].line, 28);
  EXPECT_EQ(lookup_first.locations[0].access, "read");
  EXPECT_EQ(lookup_first.locations[1].line, 36);
  EXPECT_EQ(lookup_first.locations[1].access, "write");
  EXPECT_EQ(lookup_first.summary, log.warnings[10].summary);
}

TEST(Group, WriteUnderSharedLockIsDiagnosed) {
  const auto findings = group(parse(fixture("rehash_race.log")), source_is("rehash_race.cpp"));
  ASSERT_FALSE(findings.empty());
  const std::string& d = findings[0].diagnosis;
  EXPECT_TRUE(d.starts_with("write under a shared (read) lock: a shared lock does not exclude other readers"))
      << d;
  EXPECT_NE(d.find("thread T2's write races with thread T1's read"), std::string::npos) << d;
  // The log's source is not readable here, so M10 is named by the line
  // that created it.
  EXPECT_NE(d.find("both hold rehash_race.cpp:25 (M10) only in shared mode"), std::string::npos) << d;
}

TEST(Group, FreeOfOldBucketsIsLabelledFree) {
  // Warning 8: the rehash frees the old bucket array ("#0 operator delete").
  const Log log = parse(fixture("rehash_race.log"));
  ASSERT_GE(log.warnings.size(), 8u);
  Log one;
  one.warnings.push_back(log.warnings[7]);
  const auto findings = group(one, source_is("rehash_race.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  ASSERT_EQ(findings[0].locations.size(), 2u);
  EXPECT_EQ(findings[0].locations[0].access, "free");
  EXPECT_EQ(findings[0].locations[0].line, 36);
  EXPECT_NE(findings[0].diagnosis.find("thread T2's free races with"), std::string::npos)
      << findings[0].diagnosis;
}

TEST(Group, NoCaseFrameGivesEmptyLocationAndMergesOnKindAlone) {
  const Log log = parse(fixture("rehash_race.log"));
  const auto findings = group(log, [](std::string_view) { return false; });
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].count, 15);
  ASSERT_EQ(findings[0].locations.size(), 2u);
  for (const Location& l : findings[0].locations) {
    EXPECT_EQ(l.file, "");
    EXPECT_EQ(l.line, 0);
    EXPECT_FALSE(l.thread.empty());
  }
}

TEST(Group, ThrowingCasePredicateCountsAsNotCaseCode) {
  const Log log = parse(fixture("rehash_race.log"));
  std::vector<Finding> findings;
  EXPECT_NO_THROW(findings = group(log, [](std::string_view) -> bool { throw std::runtime_error("boom"); }));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].count, 15);
  EXPECT_EQ(findings[0].locations[0].file, "");
}

// ---- plain int written with no lock (fixture 2) -------------------------------

TEST(Parser, UnlockedWriteHasNoMutexesWhileReaderHoldsSharedLock) {
  const Log log = parse(fixture("unlocked_write.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  EXPECT_EQ(w.kind, "data race");
  EXPECT_TRUE(w.complete);
  ASSERT_EQ(w.accesses.size(), 2u);
  EXPECT_TRUE(w.accesses[0].write);  // "Write of size 4 at 0x... by thread T2:"
  EXPECT_EQ(w.accesses[0].size, 4);
  EXPECT_EQ(w.accesses[0].thread, "T2");
  EXPECT_TRUE(w.accesses[0].mutexes.empty());
  EXPECT_FALSE(w.accesses[1].write);  // "Previous read ... by thread T1 (mutexes: read M9):"
  EXPECT_EQ(w.accesses[1].thread, "T1");
  ASSERT_EQ(w.accesses[1].mutexes.size(), 1u);
  EXPECT_EQ(w.accesses[1].mutexes[0].id, "M9");
  EXPECT_TRUE(w.accesses[1].mutexes[0].shared);
  EXPECT_EQ(w.summary, "data race /src/lockedges/unlocked_write.cpp:22 in operator()");
  ASSERT_FALSE(w.sections.empty());
  EXPECT_TRUE(w.sections[0].header.starts_with("Location is global 'hits' of size 4 at ")) << w.sections[0].header;
}

TEST(Group, WriteWithNoLockIsDiagnosed) {
  const auto findings = group(parse(fixture("unlocked_write.log")), source_is("unlocked_write.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.count, 1);
  ASSERT_EQ(f.locations.size(), 2u);
  EXPECT_EQ(f.locations[0].line, 22);
  EXPECT_EQ(f.locations[0].access, "write");
  EXPECT_TRUE(f.locations[0].mutexes.empty());
  EXPECT_EQ(f.locations[1].line, 17);
  EXPECT_EQ(f.locations[1].access, "read");
  EXPECT_TRUE(f.diagnosis.starts_with("write with no lock held")) << f.diagnosis;
  EXPECT_NE(f.diagnosis.find("a shared (read) lock on unlocked_write.cpp:16 (M9) held by thread T1's read"),
            std::string::npos)
      << f.diagnosis;
}

TEST(Parser, ClangFramesCarryColumnsAndBuildIds) {
  // clang's runtime: "file:line:col" and a trailing "(BuildId: ...)".
  const Log log = parse(fixture("unlocked_write_clang.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  ASSERT_EQ(w.accesses.size(), 2u);
  ASSERT_EQ(w.accesses[0].stack.size(), 7u);
  const Frame& top = w.accesses[0].stack[0];
  EXPECT_EQ(top.function, "main::$_1::operator()() const");
  EXPECT_EQ(top.file, "/src/lockedges/unlocked_write.cpp");
  EXPECT_EQ(top.line, 22);
  EXPECT_EQ(top.column, 10);
  EXPECT_EQ(top.module, "unlocked_write_clang");
  EXPECT_EQ(w.accesses[0].stack[6].module, "libstdc++.so.6");
  EXPECT_EQ(w.accesses[0].stack[6].function, "");
  ASSERT_EQ(w.accesses[1].mutexes.size(), 1u);
  EXPECT_EQ(w.accesses[1].mutexes[0].id, "M0");
  EXPECT_EQ(w.summary, "data race /src/lockedges/unlocked_write.cpp:22:10 in main::$_1::operator()() const");

  const auto findings = group(log, source_is("unlocked_write.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].locations[0].line, 22);
  EXPECT_EQ(findings[0].locations[1].line, 17);
}

// ---- lock-order inversion (fixture 3) -----------------------------------------

TEST(Parser, LockOrderInversionHasCycleAndAcquisitionSections) {
  const Log log = parse(fixture("lock_order.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  EXPECT_EQ(w.kind, "lock-order-inversion (potential deadlock)");
  EXPECT_TRUE(w.complete);
  EXPECT_TRUE(w.accesses.empty());
  EXPECT_EQ(w.cycle, (std::vector<std::string>{"M9", "M10", "M9"}));
  ASSERT_EQ(w.sections.size(), 7u);
  EXPECT_TRUE(w.sections[0].header.starts_with("Cycle in lock order graph: M9 (0x")) << w.sections[0].header;
  EXPECT_EQ(w.sections[1].header, "Mutex M10 acquired here while holding mutex M9 in thread T1");
  EXPECT_EQ(w.sections[2].header, "Mutex M9 previously acquired by the same thread here");  // second_deadlock_stack=1
  EXPECT_EQ(w.sections[3].header, "Mutex M9 acquired here while holding mutex M10 in thread T2");
  ASSERT_EQ(w.sections[1].stack.size(), 11u);
  EXPECT_EQ(w.sections[1].stack[0].function, "pthread_mutex_lock");
  EXPECT_EQ(w.sections[1].stack[3].function, "std::lock_guard<std::mutex>::lock_guard(std::mutex&)");
  EXPECT_EQ(w.summary,
            "lock-order-inversion (potential deadlock) "
            "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h:749 in __gthread_mutex_lock");
}

TEST(Group, LockOrderInversionLocationsAreTheTwoInnerLockCalls) {
  const auto findings = group(parse(fixture("lock_order.log")), source_is("lock_order.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.count, 1);
  ASSERT_EQ(f.locations.size(), 2u);  // the "previously acquired" sections are not keyed
  EXPECT_EQ(basename(f.locations[0].file), "lock_order.cpp");
  EXPECT_EQ(f.locations[0].line, 14);
  EXPECT_EQ(f.locations[0].access, "lock");
  EXPECT_EQ(f.locations[0].thread, "T1");
  ASSERT_EQ(f.locations[0].mutexes.size(), 1u);
  EXPECT_EQ(f.locations[0].mutexes[0].id, "M9");
  EXPECT_EQ(f.locations[1].line, 20);
  EXPECT_EQ(f.locations[1].access, "lock");
  EXPECT_EQ(f.locations[1].thread, "T2");
  EXPECT_EQ(f.locations[1].mutexes[0].id, "M10");
  EXPECT_TRUE(f.diagnosis.starts_with("two threads take the same two locks in opposite orders")) << f.diagnosis;
  // second_deadlock_stack=1 shows how each held mutex was taken; the lines
  // that took them do not name them.
  EXPECT_NE(f.diagnosis.find("thread T1 takes M10 while holding M9 exclusively"), std::string::npos) << f.diagnosis;
}

// ---- heap-use-after-free (fixture 4) ------------------------------------------

TEST(Parser, HeapUseAfterFreeRecordsTheFreeAsPreviousWrite) {
  const Log log = parse(fixture("use_after_free.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  EXPECT_EQ(w.kind, "heap-use-after-free");
  ASSERT_EQ(w.accesses.size(), 2u);
  EXPECT_TRUE(w.accesses[0].write);
  EXPECT_EQ(w.accesses[0].size, 4);
  EXPECT_EQ(w.accesses[0].thread, "T1");
  EXPECT_TRUE(w.accesses[1].previous);
  EXPECT_TRUE(w.accesses[1].write);
  EXPECT_EQ(w.accesses[1].size, 8);
  EXPECT_EQ(w.accesses[1].thread, "main thread");
  ASSERT_EQ(w.accesses[1].stack.size(), 2u);
  const Frame& del = w.accesses[1].stack[0];
  EXPECT_EQ(del.function, "operator delete(void*, unsigned long)");
  EXPECT_EQ(del.file, "../../../../src/libsanitizer/tsan/tsan_new_delete.cpp");
  EXPECT_EQ(del.line, 150);
  EXPECT_EQ(del.module, "libtsan.so.2");
  EXPECT_EQ(w.summary, "heap-use-after-free /src/lockedges/use_after_free.cpp:14 in operator()");
}

TEST(Group, UseAfterFreeLocatesUseAndFree) {
  const auto findings = group(parse(fixture("use_after_free.log")), source_is("use_after_free.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  ASSERT_EQ(f.locations.size(), 2u);
  EXPECT_EQ(f.locations[0].line, 14);
  EXPECT_EQ(f.locations[0].access, "write");
  EXPECT_EQ(f.locations[1].line, 16);
  EXPECT_EQ(f.locations[1].access, "free");
  EXPECT_EQ(f.locations[1].thread, "main thread");
  EXPECT_EQ(f.diagnosis,
            "use after free: thread T1's write touches memory that the main thread freed; "
            "no synchronisation makes the use finish before the free.");
}

// ---- atomics, main thread, mixed mutex modes --------------------------------------

TEST(Parser, AtomicAccessesMainThreadAndMixedMutexModes) {
  const Log log = parse(fixture("atomic_mix.log"));
  ASSERT_EQ(log.warnings.size(), 2u);
  // "Atomic write of size 4 at ... by thread T1 (mutexes: write M9, read M10):"
  const Access& store = log.warnings[0].accesses.at(0);
  EXPECT_TRUE(store.atomic);
  EXPECT_TRUE(store.write);
  EXPECT_FALSE(store.previous);
  EXPECT_EQ(store.thread, "T1");
  ASSERT_EQ(store.mutexes.size(), 2u);
  EXPECT_EQ(store.mutexes[0].id, "M9");
  EXPECT_FALSE(store.mutexes[0].shared);
  EXPECT_EQ(store.mutexes[1].id, "M10");
  EXPECT_TRUE(store.mutexes[1].shared);
  // "Previous read of size 4 at ... by main thread:"
  const Access& plain_read = log.warnings[0].accesses.at(1);
  EXPECT_FALSE(plain_read.atomic);
  EXPECT_EQ(plain_read.thread, "main thread");
  EXPECT_TRUE(plain_read.mutexes.empty());
  // "Previous atomic read of size 4 at ... by thread T1 (mutexes: write M9, read M10):"
  const Access& load = log.warnings[1].accesses.at(1);
  EXPECT_TRUE(load.previous);
  EXPECT_TRUE(load.atomic);
  EXPECT_FALSE(load.write);
  EXPECT_EQ(load.mutexes.size(), 2u);
  EXPECT_EQ(log.warnings[1].accesses.at(0).thread, "main thread");
}

TEST(Group, MixingAtomicAndPlainAccessIsDiagnosed) {
  const auto findings = group(parse(fixture("atomic_mix.log")), source_is("atomic_mix.cpp"));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].locations.at(0).access, "atomic write");
  EXPECT_EQ(findings[0].locations.at(0).line, 30);
  EXPECT_EQ(findings[0].locations.at(1).access, "read");
  EXPECT_EQ(findings[0].locations.at(1).line, 43);
  EXPECT_EQ(findings[1].locations.at(1).access, "atomic read");
  EXPECT_EQ(findings[1].locations.at(1).line, 29);
  EXPECT_TRUE(findings[0].diagnosis.starts_with("atomic and plain accesses mixed: thread T1's atomic write "
                                                "races with the main thread's read"))
      << findings[0].diagnosis;
}

TEST(Parser, AnonymousNamespaceFunctionNamesSurvive) {
  const Log log = parse(fixture("atomic_mix_clang.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  const Frame& top = log.warnings[0].accesses.at(0).stack.at(0);
  EXPECT_EQ(top.function, "(anonymous namespace)::Poller::poll()");
  EXPECT_EQ(top.file, "/src/lockedges/atomic_mix.cpp");
  EXPECT_EQ(top.line, 30);
  EXPECT_EQ(top.column, 5);
  EXPECT_EQ(log.warnings[0].summary,
            "data race /src/lockedges/atomic_mix.cpp:30:5 in (anonymous namespace)::Poller::poll()");
}

// ---- truncated and hostile input (fixture 5) --------------------------------

TEST(Parser, TruncatedMidWarningLeavesLastWarningIncomplete) {
  const Log log = parse(fixture("rehash_race_truncated_mid_warning.log"));
  ASSERT_EQ(log.warnings.size(), 3u);
  EXPECT_TRUE(log.warnings[0].complete);
  EXPECT_TRUE(log.warnings[1].complete);
  const Warning& cut = log.warnings[2];
  EXPECT_FALSE(cut.complete);
  EXPECT_EQ(cut.summary, "");
  ASSERT_EQ(cut.accesses.size(), 2u);
  EXPECT_EQ(cut.accesses[1].stack.size(), 3u);
  EXPECT_EQ(log.reported, -1);

  // Still grouped: the cut access has no case frame yet, so it is its own
  // finding, and it says it came from a cut report.
  const auto findings = group(log, source_is("rehash_race.cpp"));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].count, 2);
  EXPECT_FALSE(findings[0].incomplete);
  EXPECT_EQ(findings[1].count, 1);
  EXPECT_EQ(findings[1].locations.at(1).file, "");
  EXPECT_TRUE(findings[1].incomplete);
}

TEST(Parser, TruncatedMidFrameDropsTheCutFrame) {
  const std::string text = fixture("rehash_race_truncated_mid_frame.log");
  ASSERT_FALSE(text.ends_with('\n'));  // the fixture really stops inside a line
  const Log log = parse(text);
  ASSERT_EQ(log.warnings.size(), 3u);
  const Warning& cut = log.warnings[2];
  EXPECT_FALSE(cut.complete);
  ASSERT_EQ(cut.accesses.size(), 2u);
  ASSERT_EQ(cut.accesses[1].stack.size(), 3u);  // "#3 std::unordered_map<int, int, std:" is dropped
  EXPECT_EQ(cut.accesses[1].stack[2].index, 2);
  EXPECT_EQ(cut.accesses[1].stack[2].line, 1655);
}

// Issue 11: the log ends inside "  Previous read of size 4 at 0x... by main
// thread (mutexes: read M9):", after "by main thr". Taken at face value the
// read was by thread "main thr" holding no lock.
TEST(Parser, AccessHeaderCutMidLineIsDroppedAndTheWarningIncomplete) {
  const std::string text = fixture("suppressed_truncated_header.log");
  ASSERT_TRUE(text.ends_with("by main thr"));  // the fixture really stops inside the header
  const Log log = parse(text);
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  EXPECT_FALSE(w.complete);
  ASSERT_EQ(w.accesses.size(), 1u) << "only the whole header, T1's write, is an access";
  EXPECT_EQ(w.accesses[0].thread, "T1");
  EXPECT_TRUE(w.sections.empty()) << "nor does the cut header become a section";

  const auto findings = group(log, source_is("suppressed.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].incomplete);
  ASSERT_EQ(findings[0].locations.size(), 1u);
  EXPECT_EQ(findings[0].locations[0].line, 23);
  EXPECT_EQ(findings[0].locations[0].thread, "T1");
}

TEST(Parser, CutHeaderFollowedByMoreLogKeepsItsWarningIncomplete) {
  // Two log files joined, the first cut inside a header: its frames and even
  // a closing ===== line do not make the first warning whole, and the second
  // log parses as it would alone.
  const std::string whole = fixture("suppressed.log");
  const std::size_t at = whole.find(" by main thread (mutexes: ");
  ASSERT_NE(at, std::string::npos);
  std::string text = whole.substr(0, at) + " by main thr\n" + whole.substr(whole.find('\n', at) + 1);
  text += fixture("unlocked_write.log");
  const Log log = parse(text);
  ASSERT_EQ(log.warnings.size(), 2u);
  EXPECT_FALSE(log.warnings[0].complete);
  ASSERT_EQ(log.warnings[0].accesses.size(), 1u);
  EXPECT_EQ(log.warnings[0].sections.size(), 3u) << "Location, Mutex M9 and Thread T1, as in the whole log";
  EXPECT_TRUE(log.warnings[1].complete);
  EXPECT_EQ(log.warnings[1].accesses.size(), 2u);
}

TEST(Parser, CutLockAcquisitionHeaderIsNotReadAsAThreadNamedThr) {
  // "Mutex M10 acquired here while holding mutex M9 in thread T1:" cut to
  // "... in thr" would still parse, with thread "thr".
  std::string text = fixture("lock_order.log");
  const std::string header = "Mutex M10 acquired here while holding mutex M9 in thread T1:";
  const std::size_t at = text.find(header);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, header.size(), "Mutex M10 acquired here while holding mutex M9 in thr");
  const Log log = parse(text);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_FALSE(log.warnings[0].complete);
  for (const Section& s : log.warnings[0].sections) EXPECT_FALSE(s.header.ends_with("in thr")) << s.header;
  const auto findings = group(log, source_is("lock_order.cpp"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].incomplete);
  ASSERT_EQ(findings[0].locations.size(), 1u) << "T2's acquisition only";
  EXPECT_EQ(findings[0].locations[0].thread, "T2");
}

TEST(Parser, EveryPrefixOfARealLogParsesMonotonically) {
  const std::string text = fixture("unlocked_write.log");
  ASSERT_FALSE(text.empty());
  std::size_t seen = 0;
  bool completed = false;
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const Log log = parse(std::string_view(text).substr(0, n));
    ASSERT_LE(log.warnings.size(), 1u);
    ASSERT_GE(log.warnings.size(), seen) << "at prefix " << n;
    seen = log.warnings.size();
    if (seen && log.warnings[0].complete) completed = true;
    else ASSERT_FALSE(completed) << "a longer prefix lost completeness at " << n;
  }
  EXPECT_EQ(seen, 1u);
  EXPECT_TRUE(completed);
}

TEST(Parser, RandomlyCorruptedLogsDoNotCrash) {
  const std::string original = fixture("lock_order.log");
  ASSERT_FALSE(original.empty());
  std::mt19937 rng(12345);
  std::size_t total = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = original;
    std::uniform_int_distribution<std::size_t> pos(0, text.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int k = 0; k < 20; ++k) text[pos(rng)] = static_cast<char>(byte(rng));
    const Log log = parse(text);
    total += log.warnings.size();
    const auto findings = group(log, source_is("lock_order.cpp"));
    int merged = 0;
    for (const Finding& f : findings) merged += f.count;
    ASSERT_EQ(static_cast<std::size_t>(merged), log.warnings.size());
  }
  EXPECT_GT(total, 0u);  // most corruptions leave the header intact
}

TEST(Parser, GarbageGivesNoWarnings) {
  const std::string text = fixture("garbage.log");
  ASSERT_FALSE(text.empty());
  const Log log = parse(text);
  EXPECT_TRUE(log.warnings.empty());
  EXPECT_TRUE(log.fatal_errors.empty());
  EXPECT_EQ(log.reported, -1);
  EXPECT_TRUE(group(log, source_is("x.cpp")).empty());
}

TEST(Parser, EmptyInputGivesEmptyLog) {
  const Log log = parse("");
  EXPECT_TRUE(log.warnings.empty());
  EXPECT_TRUE(log.fatal_errors.empty());
  EXPECT_EQ(log.reported, -1);
  EXPECT_TRUE(group(log, nullptr).empty());
}

TEST(Parser, CrLfLineEndingsParseTheSame) {
  const std::string lf = fixture("unlocked_write.log");
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const Log a = parse(lf);
  const Log b = parse(crlf);
  ASSERT_EQ(b.warnings.size(), 1u);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_TRUE(b.warnings[0].complete);
  EXPECT_EQ(b.warnings[0].summary, a.warnings[0].summary);
  ASSERT_EQ(b.warnings[0].accesses.size(), 2u);
  EXPECT_EQ(b.warnings[0].accesses[1].stack.size(), a.warnings[0].accesses[1].stack.size());
  EXPECT_EQ(b.warnings[0].accesses[1].stack[0].module, "unlocked_write");
}

// ---- tool failures ----------------------------------------------------------

TEST(Parser, FatalLineLandsInFatalErrors) {
  const Log log = parse(fixture("fatal_mapping.log"));
  EXPECT_TRUE(log.warnings.empty());
  ASSERT_EQ(log.fatal_errors.size(), 1u);
  EXPECT_EQ(log.fatal_errors[0], "FATAL: ThreadSanitizer: unexpected memory mapping 0x200000000000-0x200000001000");
}

TEST(Parser, SegvIsAToolFailureNotAWarning) {
  const Log log = parse(fixture("segv.log"));
  EXPECT_TRUE(log.warnings.empty());  // its stack and SUMMARY are outside any report
  ASSERT_EQ(log.fatal_errors.size(), 1u);
  EXPECT_TRUE(log.fatal_errors[0].starts_with("=="));
  EXPECT_NE(log.fatal_errors[0].find("==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000"),
            std::string::npos)
      << log.fatal_errors[0];
}

TEST(Parser, SuppressionsUsedAreNotesNotFailures) {
  // Run with suppressions=suppressed.supp: one race reported, the other
  // suppressed, and the runtime's closing account of the suppression.
  const Log log = parse(fixture("suppressed.log"));
  EXPECT_TRUE(log.fatal_errors.empty()) << log.fatal_errors.front();
  ASSERT_EQ(log.notes.size(), 1u);
  EXPECT_TRUE(log.notes[0].starts_with("ThreadSanitizer: Matched 1 suppressions (pid=")) << log.notes[0];
  EXPECT_EQ(log.reported, 1);
  ASSERT_EQ(log.warnings.size(), 1u);
  const Warning& w = log.warnings[0];
  EXPECT_TRUE(w.complete);
  ASSERT_EQ(w.accesses.size(), 2u);
  const Access& read = w.accesses[1];  // "Previous read ... by main thread (mutexes: read M9):"
  EXPECT_EQ(read.thread, "main thread");
  ASSERT_EQ(read.mutexes.size(), 1u);
  EXPECT_EQ(read.mutexes[0].id, "M9");
  EXPECT_TRUE(read.mutexes[0].shared);
}

TEST(Parser, RuntimeNotesAreNotFailuresAndOtherToolLinesAre) {
  // Lines written from the runtime's format strings (g++ 12's libtsan,
  // clang 14's), not captured: notes it prints while it carries on, between
  // the lines of an open report, which they leave open; then lines it prints
  // as it dies.
  const std::string notes[] = {
      "ThreadSanitizer: matched suppression 'race:bump_quietly'",
      "ThreadSanitizer: suppressing report as doubled (stack)",
      "ThreadSanitizer: reading suppressions file at /src/lockedges/suppressed.supp",
      "ThreadSanitizer: flushing memory due to RSS",
      "ThreadSanitizer: memory flush check RSS=120 LAST=100 LIMIT=110",
      "ThreadSanitizer: memory flushed RSS=60",
      "ThreadSanitizer: periodic memory flush",
      "ThreadSanitizer: growing sync allocator: 1048576 out of 1048576*1024",
      "ThreadSanitizer: forked new process with pid 4321, parent had 3 threads",
      "ThreadSanitizer: ignoring signal 13",
      "ThreadSanitizer: soft rss limit exhausted (100Mb vs 120Mb)",
      "ThreadSanitizer: WARNING: unexpected format specifier in printf interceptor: %y (reported once per process)",
      "ThreadSanitizer: starting new threads after multi-threaded fork is not supported (pid 4321). Continuing "
      "because of die_after_fork=0, but you are on your own",
  };
  std::string whole = fixture("unlocked_write.log");
  const std::size_t blank = whole.find("\n\n");
  ASSERT_NE(blank, std::string::npos);
  std::string inside;
  for (const std::string& n : notes) inside += n + "\n";
  const Log log = parse(whole.substr(0, blank + 1) + inside + whole.substr(blank + 1));
  EXPECT_TRUE(log.fatal_errors.empty()) << log.fatal_errors.front();
  EXPECT_EQ(log.notes, std::vector<std::string>(std::begin(notes), std::end(notes)));
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_TRUE(log.warnings[0].complete);
  EXPECT_EQ(log.warnings[0].accesses.size(), 2u);

  for (const char* failure : {
           "ThreadSanitizer: Thread limit (8128 threads) exceeded. Dying.",
           "ThreadSanitizer: can't find longjmp buf",
           "ThreadSanitizer: main thread finished with ignores enabled",
           "ThreadSanitizer: starting new threads after multi-threaded fork is not supported. Dying (set "
           "die_after_fork=0 to override)",
           "ThreadSanitizer: failed to parse suppressions",
           "ThreadSanitizer: some line no runtime of ours prints",
       }) {
    const Log dead = parse(std::string(failure) + "\n");
    ASSERT_EQ(dead.fatal_errors.size(), 1u) << failure;
    EXPECT_EQ(dead.fatal_errors[0], failure);
    EXPECT_TRUE(dead.notes.empty()) << failure;
  }
}

TEST(Parser, ToolDyingMidReportClosesItIncomplete) {
  // A real report cut after its first access, then a runtime CHECK failure
  // (line as printed by g++ 12's libtsan under `ulimit -v`).
  std::string text = fixture("unlocked_write.log");
  text = text.substr(0, text.find("\n\n") + 1);
  text += "ThreadSanitizer: CHECK failed: sanitizer_allocator_primary64.h:131 \"((kSpaceBeg)) == "
          "((address_range.Init(TotalSpaceSize, PrimaryAllocatorName, kSpaceBeg)))\" "
          "(0x7b0000000000, 0xfffffffffffffff4) (tid=3481)\n";
  text += "  Previous read of size 4 at 0x1 by thread T1:\n";  // must not attach to the closed report
  const Log log = parse(text);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_FALSE(log.warnings[0].complete);
  EXPECT_EQ(log.warnings[0].accesses.size(), 1u);
  ASSERT_EQ(log.fatal_errors.size(), 1u);
  EXPECT_TRUE(log.fatal_errors[0].starts_with("ThreadSanitizer: CHECK failed: "));
}

// ---- several logs in one text ---------------------------------------------------

TEST(Group, FindingsKeepOrderOfFirstAppearance) {
  const Log log = parse(fixture("lock_order.log") + fixture("unlocked_write.log") + fixture("lock_order.log"));
  ASSERT_EQ(log.warnings.size(), 3u);
  const auto findings = group(log, [](std::string_view f) {
    return basename(f) == "lock_order.cpp" || basename(f) == "unlocked_write.cpp";
  });
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].kind, "lock-order-inversion (potential deadlock)");
  EXPECT_EQ(findings[0].count, 2);
  EXPECT_EQ(findings[1].kind, "data race");
  EXPECT_EQ(findings[1].count, 1);
}

TEST(Parser, EveryInputTheFuzzerKeptHoldsTheParsersPromises) {
  // The corpus of fuzz/run.sh's tsan_log target: inputs that each reached some
  // code no other did, and the ones that once broke the parser (crash-*).
  testing::replay_fuzz_corpus("tsan_log", checks::tsan_log);
}

}  // namespace
}  // namespace lockedges::tsan

// ---- logs captured from the cases themselves (tests/fixtures/tsan/cases/) ---------
// Captured from `lockedges run <scenario>` (broken variant, forced run 1) with
// the checkout path replaced by /src/lockedges/. Line numbers are those of the
// case files at capture time; the fixtures are snapshots and do not follow
// later edits of the cases.

namespace lockedges::tsan {
namespace {

bool in_case(std::string_view file, std::string_view path) {
  return file.size() >= path.size() && file.substr(file.size() - path.size()) == path;
}

TEST(CaseLogs, DeferredWriteAfterUnlockIsOneRaceBetweenTheTaggedLines) {
  const Log log = parse(fixture("cases/deferred-lambda-write.log"));
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_TRUE(log.warnings[0].complete);
  const auto findings =
      group(log, [](std::string_view f) { return in_case(f, "cases/deferred_lambda_write.cpp"); });
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.kind, "data race");
  ASSERT_EQ(f.locations.size(), 2u);
  EXPECT_EQ(f.locations[0].access, "write");
  EXPECT_EQ(f.locations[0].line, 60);
  EXPECT_TRUE(f.locations[0].mutexes.empty()) << "the deferred write holds no lock";
  EXPECT_EQ(f.locations[1].access, "read");
  EXPECT_EQ(f.locations[1].line, 46);
  ASSERT_EQ(f.locations[1].mutexes.size(), 1u);
  EXPECT_TRUE(f.locations[1].mutexes[0].shared) << "the reader holds the lock in shared mode";
  EXPECT_NE(f.diagnosis.find("no lock held"), std::string::npos) << f.diagnosis;
}

TEST(CaseLogs, RehashUnderSharedLockPointsAtOperatorBracketAndTheWalk) {
  const Log log = parse(fixture("cases/iteration-during-grow.log"));
  ASSERT_EQ(log.warnings.size(), 2u);
  const auto findings =
      group(log, [](std::string_view f) { return in_case(f, "cases/iteration_during_grow.cpp"); });
  ASSERT_EQ(findings.size(), 2u);
  for (const auto& f : findings) {
    ASSERT_EQ(f.locations.size(), 2u);
    EXPECT_EQ(f.locations[0].access, "write");
    EXPECT_EQ(f.locations[0].line, 79) << "operator[] in lookup_broken";
    EXPECT_EQ(f.locations[1].access, "read");
    for (const auto& l : f.locations) {
      ASSERT_EQ(l.mutexes.size(), 1u);
      EXPECT_TRUE(l.mutexes[0].shared) << "both sides hold only the shared lock";
    }
    EXPECT_NE(f.diagnosis.find("write under a shared (read) lock"), std::string::npos) << f.diagnosis;
  }
  EXPECT_EQ(findings[0].locations[1].line + findings[1].locations[1].line, 57 + 53)
      << "the walk's ++it (57) and its size() (53)";
}

}  // namespace
}  // namespace lockedges::tsan
