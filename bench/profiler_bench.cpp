// The CPU profiler's cost: one stress workload, run with and without
// gperftools sampling, in the same process and the same run, so the ratio
// of the two is what counts (this machine is shared and noisy).
//
// Contention model: the workload is deferred-lambda-write's fixed variant —
// two writers and a reader on one SharedMutex, a fixed number of iterations
// each — so the profiler's signal handler interrupts threads that are both
// computing and waiting for the lock, as in every profiled stress run.
// `make bench` sets CPUPROFILE_FREQUENCY=1000 and per-thread timers, the
// rates lockedges uses.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "profiler.hpp"
#include "run.hpp"
#include "scenario.hpp"

namespace {

using lockedges::Limits;
using lockedges::Mode;
using lockedges::Registry;
using lockedges::Run;

constexpr std::uint64_t kIterations = 20000;

void BM_Stress_DeferredLambdaWrite_Fixed(benchmark::State& state) {
  const bool profiled = state.range(0) != 0;
  const auto* variant = Registry::instance().find("deferred-lambda-write")->find_variant("fixed");
  const auto path = std::filesystem::temp_directory_path() / "lockedges-bench.prof";
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
  state.SetLabel(profiled ? "profiled" : "not profiled");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kIterations * 3));
}
BENCHMARK(BM_Stress_DeferredLambdaWrite_Fixed)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
