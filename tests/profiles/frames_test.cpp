// Frames as the tables show them (profiles/frames): short names, the harness
// told apart from the case, the harness folded into one row, and a diff
// without rows that say nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "profiles/frames.hpp"
#include "profiles/profile.hpp"
#include "support/test_util.hpp"

namespace lockedges::profile {
namespace {

using nlohmann::json;

// Names as c++filt and addr2line print them in this suite's own profiles,
// and what google-pprof --text shows for each.
TEST(ProfileFrames, ShortNamesDropTemplateArgumentsParametersAndReturnTypes) {
  const std::vector<std::pair<std::string, std::string>> names{
      {"std::vector<int, std::allocator<int> >::push_back(int const&)", "std::vector::push_back"},
      {"std::_Function_handler<void (), (anonymous namespace)::stress<&(anonymous namespace)::cancel_fixed, "
       "&(anonymous namespace)::finish_fixed>(lockedges::Run&)::{lambda()#3}>::_M_invoke(std::_Any_data const&)",
       "std::_Function_handler::_M_invoke"},
      {"(anonymous namespace)::stress<(anonymous namespace)::SplitStore>(lockedges::Run&)::{lambda()#1}::operator()"
       "() const",
       "(anonymous namespace)::stress::{lambda()#1}::operator()"},
      {"(anonymous namespace)::f()::{lambda(int, std::vector<int, std::allocator<int> > const&)#2}::operator()(int, "
       "std::vector<int, std::allocator<int> > const&) const",
       "(anonymous namespace)::f::{lambda()#2}::operator()"},
      {"__gnu_cxx::__enable_if<std::__is_char<char>::__value, bool>::__type std::operator==<char>(std::__cxx11::"
       "basic_string<char, std::char_traits<char>, std::allocator<char> > const&, std::__cxx11::basic_string<char, "
       "std::char_traits<char>, std::allocator<char> > const&)",
       "std::operator=="},
      {"std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, long>, false, false>, bool> "
       "std::_Hashtable<unsigned long, std::pair<unsigned long const, long>, std::allocator<std::pair<unsigned long "
       "const, long> >, std::__detail::_Select1st, std::equal_to<unsigned long>, std::hash<unsigned long>, "
       "std::__detail::_Mod_range_hashing, std::__detail::_Default_ranged_hash, std::__detail::_Prime_rehash_policy, "
       "std::__detail::_Hashtable_traits<false, false, true> >::_M_emplace<std::pair<unsigned long, long> >(std::"
       "integral_constant<bool, true>, std::pair<unsigned long, long>&&)",
       "std::_Hashtable::_M_emplace"},
      {"std::__detail::_Map_base<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, "
       "std::pair<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const, int>, "
       "std::allocator<std::pair<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
       "const, int> >, std::__detail::_Select1st, std::equal_to<std::__cxx11::basic_string<char, std::char_traits<"
       "char>, std::allocator<char> > >, std::hash<std::__cxx11::basic_string<char, std::char_traits<char>, "
       "std::allocator<char> > >, std::__detail::_Mod_range_hashing, std::__detail::_Default_ranged_hash, std::"
       "__detail::_Prime_rehash_policy, std::__detail::_Hashtable_traits<true, false, true>, true>::operator[](std::"
       "__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&)",
       "std::__detail::_Map_base::operator[]"},
      {"std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >(std::basic_"
       "ostream<char, std::char_traits<char> >&, char const*)",
       "std::operator<<"},
      {"std::function<void ()>::operator()() const", "std::function::operator()"},
      {"std::unique_ptr<int, std::default_delete<int> >::operator bool() const", "std::unique_ptr::operator bool"},
      {"operator new(unsigned long)", "operator new"},
      // DWARF's names of inlined frames, as addr2line -i prints them.
      {"__invoke_impl<void, lockedges::Run::threads(std::vector<std::pair<std::__cxx11::basic_string<char>, "
       "std::function<void()> > >)::<lambda()> >[inline]",
       "__invoke_impl[inline]"},
      {"lockedges::Run::threads(std::vector<std::pair<std::__cxx11::basic_string<char>, std::function<void()> > >)"
       "::<lambda()>",
       "lockedges::Run::threads::<lambda()>"},
      {"std::this_thread::yield()[inline]", "std::this_thread::yield[inline]"},
      {"(anonymous namespace)::walk((anonymous namespace)::Index&, std::vector<unsigned char, std::allocator<"
       "unsigned char> >&) [clone .cold]",
       "(anonymous namespace)::walk [clone .cold]"},
      // Names with nothing to drop stay as they are.
      {"start_thread", "start_thread"},
      {"[vdso]", "[vdso]"},
      {"0x7f00001234", "0x7f00001234"},
      {"libstdc++.so.6.0.30+0xd44a2", "libstdc++.so.6.0.30+0xd44a2"},
  };
  for (const auto& [full, expected] : names) EXPECT_EQ(short_name(full), expected) << full;
}

// The harness's machinery is harness wherever it is the leaf; the lock's
// own work and the case's code are not, even when the suite's lock calls it.
TEST(ProfileFrames, HarnessFramesAreTheRunLoopThreadStartFunctionPlumbingAndLockBookkeeping) {
  for (const char* frame : {"lockedges::Run::keep_going", "lockedges::Run::threads::<lambda()>[inline]",
                            "lockedges::(anonymous namespace)::record", "lockedges::SharedMutex::took_exclusive",
                            "lockedges::run_worker", "start_thread", "clone3", "_M_run",
                            "std::thread::_State_impl::_M_run", "std::function::operator()[inline]",
                            "std::_Function_handler::_M_invoke", "__invoke_impl[inline]"})
    EXPECT_TRUE(is_harness_frame(frame)) << frame;
  for (const char* frame : {"lockedges::SharedMutex::lock_shared", "lockedges::SharedMutex::unlock",
                            "pthread_rwlock_unlock", "__futex_abstimed_wait_common", "__memcmp_evex_movbe",
                            "(anonymous namespace)::birthday_fixed", "operator()[inline]", "[vdso]", "sched_yield",
                            "lockedges::TimerQueue::loop", "std::_Hashtable::find"})
    EXPECT_FALSE(is_harness_frame(frame)) << frame;
}

std::vector<std::string> thread_stack(std::vector<std::string> leaf_part) {
  std::vector<std::string> frames{"clone3", "start_thread", "libstdc++.so.6.0.30+0xd44a2", "_M_run",
                                  "std::function<void ()>::operator()() const[inline]",
                                  "std::_Function_handler<void (), (anonymous namespace)::stress(lockedges::Run&)::"
                                  "{lambda()#1}>::_M_invoke(std::_Any_data const&)"};
  frames.insert(frames.end(), leaf_part.begin(), leaf_part.end());
  return frames;
}

// A sample is decided by its leaf: the clock reads of the instrumented
// lock's hold time and of the stress loop's deadline are the harness's; the
// lock's futex wait, a case's own yield and the timer's clock reads are the
// case's.
TEST(ProfileFrames, ASampleIsTheHarnessesWhenItsLeafIsOrServesHarnessCode) {
  EXPECT_TRUE(is_harness_sample(thread_stack({"lockedges::Run::keep_going(unsigned long) const"})));
  EXPECT_TRUE(is_harness_sample(thread_stack({"lockedges::SharedMutex::unlock()", "std::chrono::_V2::steady_clock::"
                                                                                  "now()",
                                              "clock_gettime", "[vdso]"})));
  EXPECT_TRUE(is_harness_sample(
      thread_stack({"lockedges::Run::keep_going(unsigned long) const", "std::chrono::_V2::steady_clock::now()",
                    "[vdso]"})));
  EXPECT_TRUE(is_harness_sample({"clone3", "start_thread"}));
  EXPECT_FALSE(is_harness_sample(thread_stack(
      {"operator()[inline]", "lockedges::SharedMutex::unlock()", "std::__shared_mutex_pthread::unlock()[inline]",
       "pthread_rwlock_unlock"})));
  EXPECT_FALSE(is_harness_sample(thread_stack({"operator()[inline]", "std::this_thread::yield()[inline]",
                                               "sched_yield"})))
      << "the case's own stress loop yields: the case's time";
  EXPECT_FALSE(is_harness_sample(thread_stack({"(anonymous namespace)::birthday_fixed(int)", "__memcmp_evex_movbe"})));
  EXPECT_FALSE(is_harness_sample(thread_stack({"lockedges::TimerQueue::schedule(std::chrono::duration<long, "
                                               "std::ratio<1l, 1000000000l> >, std::function<void ()>)",
                                               "std::chrono::_V2::steady_clock::now()", "[vdso]"})))
      << "the timer's clock reads are the timer's: when a callback is due is its work";
  EXPECT_FALSE(is_harness_sample({}));
}

// The tables: one "harness" row holds the harness's samples; harness frames
// have no rows of their own, not even cumulative ones; names are short, with
// the full name kept beside.
TEST(ProfileFrames, SummarizeFoldsTheHarnessIntoOneRowAndShortensNames) {
  const std::string case_fn = "(anonymous namespace)::birthday_fixed(std::vector<int, std::allocator<int> >&)";
  const std::vector<Stack> stacks{
      {thread_stack({case_fn}), 50},
      {thread_stack({case_fn, "lockedges::SharedMutex::unlock()", "std::chrono::_V2::steady_clock::now()", "[vdso]"}),
       30},
      {thread_stack({"lockedges::Run::keep_going(unsigned long) const"}), 20},
  };
  const Text t = summarize(stacks);
  EXPECT_EQ(t.total, 100);
  EXPECT_EQ(t.harness, 50);
  ASSERT_FALSE(t.functions.empty());
  EXPECT_EQ(t.functions[0].name, "(anonymous namespace)::birthday_fixed");
  EXPECT_EQ(t.functions[0].full_name, case_fn);
  EXPECT_EQ(t.functions[0].flat, 50);
  EXPECT_EQ(t.functions[0].cum, 50) << "the clock read under its unlock is the harness's";
  const auto harness = std::find_if(t.functions.begin(), t.functions.end(),
                                    [](const Function& f) { return f.name == kHarnessFrame; });
  ASSERT_NE(harness, t.functions.end());
  EXPECT_EQ(harness->flat, 50);
  EXPECT_DOUBLE_EQ(harness->flat_share, 0.5);
  for (const auto& f : t.functions)
    EXPECT_FALSE(f.name != kHarnessFrame && is_harness_frame(f.name)) << f.name << " has a row of its own";
}

// "Moved most" lists what moved: a function at 0.0% in both profiles, one
// that did not move, and the harness row are left out.
TEST(ProfileFrames, DiffLeavesOutRowsThatDidNotMoveOrReadZeroInBoth) {
  Text before, after;
  before.functions = {{.name = "work", .flat_share = 0.5},
                      {.name = "main", .flat_share = 0.0},
                      {.name = "tiny", .flat_share = 0.0002},
                      {.name = "same", .flat_share = 0.2},
                      {.name = kHarnessFrame, .flat_share = 0.3}};
  after.functions = {{.name = "work", .flat_share = 0.9},
                     {.name = "main", .flat_share = 0.0},
                     {.name = "tiny", .flat_share = 0.0004},
                     {.name = "same", .flat_share = 0.2},
                     {.name = kHarnessFrame, .flat_share = 0.1}};
  const auto changes = diff(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].name, "work");
}

// A real profiled run: the fixed variant's JSON says how much of its profile
// the harness spent, the table's harness frames are folded into one row, and
// no thread starts in std::error_code::default_error_condition() (libstdc++'s
// unnamed thread routine, named after the exported function before it), and
// no function reappears as an inlined frame of itself (addr2line's name for
// an innermost inlined frame the debug information leaves unnamed).
TEST(ProfileFrames, ARealRunReportsTheHarnessShareOfTheFixedVariant) {
  testing::ScratchDir dir("profile-harness");
  const auto r = testing::run(testing::bin("lockedges"),
                              {"run", "cancel-tree", "--runs", "1", "--asan-runs", "0", "--stress-seconds", "0.3",
                               "--format", "json", "--out", dir.path().string(), "-q"});
  ASSERT_EQ(r.code(), 0) << r.err;
  const json report = json::parse(r.out);
  bool saw_fixed = false;
  for (const auto& v : report["variants"]) {
    if (v["broken"].get<bool>()) continue;
    saw_fixed = true;
    const auto& p = v["profile"];
    ASSERT_TRUE(p["ran"].get<bool>()) << p["error"];
    ASSERT_TRUE(p.contains("harness_samples") && p.contains("harness_share")) << p.dump();
    const long samples = p["samples"].get<long>(), harness = p["harness_samples"].get<long>();
    EXPECT_GE(harness, 0);
    EXPECT_LE(harness, samples);
    EXPECT_DOUBLE_EQ(p["harness_share"].get<double>(), samples > 0 ? double(harness) / double(samples) : 0.0);
    for (const auto& f : p["top"]) {
      const std::string name = f["name"].get<std::string>();
      EXPECT_TRUE(f.contains("full_name")) << name;
      if (name == kHarnessFrame)
        EXPECT_EQ(f["flat"].get<long>(), harness) << "the harness row holds the harness samples";
      else
        EXPECT_FALSE(is_harness_frame(name)) << name;
    }
    const std::string stacks = testing::slurp(dir.path() / "cancel-tree" / v["name"].get<std::string>() /
                                              "cpu.collapsed");
    EXPECT_EQ(stacks.find("default_error_condition"), std::string::npos);
    EXPECT_NE(stacks.find(";start_thread;"), std::string::npos);
    for (const auto& stack : parse_collapsed(stacks))
      for (const auto& frame : stack.frames)
        EXPECT_FALSE(frame.starts_with("std::_Function_handler<") && frame.ends_with("[inline]")) << frame;
  }
  EXPECT_TRUE(saw_fixed);
  for (const auto& c : report["profile_diff"]) {
    EXPECT_FALSE(c["before"].get<double>() < 0.0005 && c["after"].get<double>() < 0.0005) << c.dump();
    EXPECT_NE(c["name"], kHarnessFrame);
  }
}

}  // namespace
}  // namespace lockedges::profile
