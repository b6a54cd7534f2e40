// The `profiler` benchmark group: the CPU profiler's cost. One stress
// workload, run with and without gperftools sampling, in the same process
// and the same run, so the ratio of the two is what counts (this machine is
// shared and noisy).
//
// Contention model: the workload is deferred-lambda-write's fixed variant —
// two writers and a reader on one SharedMutex, a fixed number of iterations
// each — so the profiler's signal handler interrupts threads that are both
// computing and waiting for the lock, as in every profiled stress run.
// `make bench` sets CPUPROFILE_FREQUENCY=1000 and per-thread timers, the
// rates lockedges uses (gperftools reads them when the process starts).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "bench_runner.hpp"
#include "profiler.hpp"
#include "run.hpp"
#include "scenario.hpp"

namespace {

using lockedges::Limits;
using lockedges::Mode;
using lockedges::Registry;
using lockedges::Run;

constexpr const char* kScenario = "deferred-lambda-write";
constexpr std::uint64_t kIterations = 20000;

void stress_fixed(benchmark::State& state, bool profiled) {
  const auto* variant = Registry::instance().find(kScenario)->find_variant("fixed");
  const auto path = std::filesystem::temp_directory_path() / fmt::format("lockedges-bench-{}.prof", ::getpid());
  if (profiled) {
    Run::set_thread_hook(&lockedges::profiler::register_thread);
    lockedges::profiler::start(path.string());
  }
  for (auto _ : state) {
    Run run(Mode::kStress, Limits{.stress_seconds = 600, .stress_iterations = kIterations});
    variant->stress(run);
    benchmark::DoNotOptimize(run.ops());
  }
  if (profiled) {
    lockedges::profiler::stop();
    Run::set_thread_hook(nullptr);
    std::filesystem::remove(path);
  }
  state.SetLabel(profiled ? lockedges::kRoleMeasured : lockedges::kRoleBaseline);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kIterations * 3));
}

void add_profiler(const lockedges::BenchSelection& selection) {
  if (std::find(selection.scenarios.begin(), selection.scenarios.end(), kScenario) == selection.scenarios.end())
    return;
  const char* hz = std::getenv("CPUPROFILE_FREQUENCY");
  const std::string table = std::string(kScenario) + ".fixed-stress";
  lockedges::add_bench_table(
      "profiler", table,
      fmt::format("profiler: gperftools' CPU profiler on {}'s fixed stress workload, sampling at {} Hz", kScenario,
                  hz != nullptr ? hz : "100 (gperftools' default; make bench sets 1000)"),
      "one lock operation of the stress run (3 threads x 20000 iterations per benchmark iteration)");
  for (const bool profiled : {false, true}) {
    const std::string name = fmt::format("profiler/{}/{}", table, profiled ? "profiled" : "not-profiled");
    benchmark::RegisterBenchmark(name.c_str(), [profiled](benchmark::State& state) { stress_fixed(state, profiled); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
}

const lockedges::BenchGroupRegistration kProfiler{
    {.order = 30, .name = "profiler", .summary = "the CPU profiler's overhead on a stress workload", .add = add_profiler}};

}  // namespace
