// The `profiler` benchmark group: the CPU profiler's cost. One stress
// workload, run with and without gperftools sampling, in the same process
// and the same run, so the ratio of the two is what counts (this machine is
// shared and noisy).
//
// Contention model: the workload is coarse-lock's fixed variant — a sessions
// writer refreshing batches under the sessions lock and a config reader under
// the config lock, a fixed number of iterations each — two threads that
// compute and take locks without waiting for each other, so the only thing
// that differs between the rows is the profiler's signal handler. (A
// workload whose threads queue on one lock, such as deferred-lambda-write's,
// swings 2-10x with the scheduler on two cores and hides a 2% cost.)
// `make bench` sets CPUPROFILE_FREQUENCY=1000 and per-thread timers, the
// rates lockedges uses (gperftools reads them when the process starts).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "benchmarks/bench_runner.hpp"
#include "worker/profiler.hpp"
#include "case_api/run.hpp"
#include "case_api/scenario.hpp"

namespace {

using lockedges::Limits;
using lockedges::Mode;
using lockedges::Registry;
using lockedges::Run;

constexpr const char* kScenario = "coarse-lock";
constexpr std::uint64_t kIterations = 20000;

void stress_fixed(benchmark::State& state, bool profiled, bool quiet) {
  const auto* variant = Registry::instance().find(kScenario)->find_variant("fixed");
  const auto path = std::filesystem::temp_directory_path() / fmt::format("lockedges-bench-{}.prof", ::getpid());
  if (profiled) {
    Run::set_thread_hook(&lockedges::profiler::register_thread);
    lockedges::profiler::start(path.string());
  }
  std::uint64_t ops = 0;
  for (auto _ : state) {
    Run run(Mode::kStress, Limits{.stress_seconds = 600, .stress_iterations = kIterations});
    variant->stress(run);
    ops += run.ops();
  }
  if (profiled) {
    lockedges::profiler::stop(quiet);
    Run::set_thread_hook(nullptr);
    std::filesystem::remove(path);
  }
  state.SetLabel(profiled ? lockedges::kRoleMeasured : lockedges::kRoleBaseline);
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
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
      fmt::format("one loop iteration of a stress-run thread ({} per thread per benchmark iteration)", kIterations));
  for (const bool profiled : {false, true}) {
    const std::string name = fmt::format("profiler/{}/{}", table, profiled ? "profiled" : "not-profiled");
    benchmark::RegisterBenchmark(name.c_str(), [profiled, quiet = selection.quiet](benchmark::State& state) {
      stress_fixed(state, profiled, quiet);
    })
        ->UseRealTime()
        // The table's cell is the median of five: one run in several is
        // slowed by whatever else the machine does.
        ->Repetitions(5)
        ->Unit(benchmark::kMillisecond);
  }
}

const lockedges::BenchGroupRegistration kProfiler{
    {.order = 30, .name = "profiler", .summary = "the CPU profiler's overhead on a stress workload", .add = add_profiler}};

}  // namespace
