// The parsers of outside text, timed: how parsing a ThreadSanitizer log and
// grouping its warnings into findings grow with the number of distinct
// reports in it. A user's own log (`lockedges diagnose`) may hold thousands;
// grouping once compared every new finding with every one before it, and
// 20,000 distinct reports took 22 s.
//
// Its own program (lockedges_parser_bench), not a `lockedges bench` group:
// it measures the harness, not a lock pitfall, so it has no place in the
// tables a workshop reads.
//
//   cmake --build build --target lockedges_parser_bench
//   build/lockedges_parser_bench --benchmark_filter=BM_TsanGroup
//
// The log: N copies of one real report (tests/fixtures/tsan/unlocked_write.log,
// trimmed to two sections), each with its two case-code lines renumbered so
// that no two reports share a finding, the worst case for grouping.
// Complexity() fits the times to a curve over N, so the output says O(N) or
// O(N^2) in words.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "detection/tsan_log.hpp"

namespace {

namespace tsan = lockedges::tsan;

// {0}: the write's line, {1}: the read's line.
constexpr std::string_view kReport = R"(==================
WARNING: ThreadSanitizer: data race (pid=4842)
  Write of size 4 at 0x55b18cfd1104 by thread T2:
    #0 operator() /src/lockedges/many.cpp:{0} (many+0x1469)
    #1 __invoke_impl<void, main()::<lambda()> > /usr/include/c++/12/bits/invoke.h:61 (many+0x1469)
    #2 __invoke<main()::<lambda()> > /usr/include/c++/12/bits/invoke.h:96 (many+0x1469)
    #3 _M_invoke<0> /usr/include/c++/12/bits/std_thread.h:252 (many+0x1469)
    #4 operator() /usr/include/c++/12/bits/std_thread.h:259 (many+0x1469)
    #5 _M_run /usr/include/c++/12/bits/std_thread.h:210 (many+0x1469)
    #6 <null> <null> (libstdc++.so.6+0xd44a2)

  Previous read of size 4 at 0x55b18cfd1104 by thread T1 (mutexes: read M9):
    #0 operator() /src/lockedges/many.cpp:{1} (many+0x12ce)
    #1 __invoke_impl<void, main()::<lambda()> > /usr/include/c++/12/bits/invoke.h:61 (many+0x12ce)
    #2 __invoke<main()::<lambda()> > /usr/include/c++/12/bits/invoke.h:96 (many+0x12ce)
    #3 _M_invoke<0> /usr/include/c++/12/bits/std_thread.h:252 (many+0x12ce)
    #4 operator() /usr/include/c++/12/bits/std_thread.h:259 (many+0x12ce)
    #5 _M_run /usr/include/c++/12/bits/std_thread.h:210 (many+0x12ce)
    #6 <null> <null> (libstdc++.so.6+0xd44a2)

  Location is global 'hits' of size 4 at 0x55b18cfd1104 (many+0x4104)

  Thread T2 (tid=4845, running) created by main thread at:
    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)
    #1 std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, std::default_delete<std::thread::_State> >, void (*)()) <null> (libstdc++.so.6+0xd4578)
    #2 __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58 (libc.so.6+0x27249)

SUMMARY: ThreadSanitizer: data race /src/lockedges/many.cpp:{0} in operator()
)";

// `n` reports, no two with the same pair of lines.
std::string many_reports(std::int64_t n) {
  std::string text;
  for (std::int64_t i = 0; i < n; ++i) text += fmt::format(kReport, 2 * i + 2, 2 * i + 1);
  text += "==================\n";
  text += fmt::format("ThreadSanitizer: reported {} warnings\n", n);
  return text;
}

bool is_many_cpp(std::string_view file) { return file.ends_with("/many.cpp"); }

void BM_TsanParse(benchmark::State& state) {
  const std::string text = many_reports(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(tsan::parse(text));
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TsanParse)->Arg(2500)->Arg(5000)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond)
    ->Complexity();

// What the issue timed: the findings of a log, from its text.
void BM_TsanGroup(benchmark::State& state) {
  const std::string text = many_reports(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(tsan::group(tsan::parse(text), is_many_cpp));
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));  // reports per second
}
BENCHMARK(BM_TsanGroup)->Arg(2500)->Arg(5000)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond)
    ->Complexity();

// One report whose two accesses each hold N mutexes, none in common: the
// diagnosis looks for a shared one (it compared every pair once).
void BM_TsanGroupManyMutexes(benchmark::State& state) {
  std::string held[2];
  for (std::int64_t i = 0; i < state.range(0); ++i)
    for (int side = 0; side < 2; ++side) held[side] += fmt::format("{}read M{}{}", i ? ", " : "", side, i);
  const std::string text = fmt::format(
      "WARNING: ThreadSanitizer: data race (pid=1)\n"
      "  Write of size 8 at 0x1 by thread T1 (mutexes: {}):\n    #0 f /src/lockedges/many.cpp:1 (many+0x1)\n\n"
      "  Previous write of size 8 at 0x1 by thread T2 (mutexes: {}):\n    #0 f /src/lockedges/many.cpp:2 (many+0x2)\n"
      "==================\n",
      held[0], held[1]);
  for (auto _ : state) benchmark::DoNotOptimize(tsan::group(tsan::parse(text), is_many_cpp));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_TsanGroupManyMutexes)->Arg(2500)->Arg(5000)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond)
    ->Complexity();

}  // namespace

BENCHMARK_MAIN();
