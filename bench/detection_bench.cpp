// The `detection` benchmark group: how long ThreadSanitizer takes to report
// each race with the forced schedule, and without it.
//
// One table per broken variant whose evidence is a detector: two rows, the
// free-running stress workload (the baseline, bounded at kStressLimit) and
// the forced schedule, each one ThreadSanitizer child per benchmark
// iteration that halts at its first report (lib/driving/detection_speed.hpp). The time is
// manual: from the variant's start to the child's end, so the sanitizer's
// start-up is left out and writing the report counts in both rows alike. The
// ratio in the table is stress time over forced time. A stress run that
// reports nothing within its limit is an error cell, "not found in N s",
// never a made-up time.
//
// Contention model: whatever the case's stress workload does (its own
// threads, its own key distribution, free-running); the forced row runs the
// case's one pass through the bad interleaving.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "benchmarks/bench_runner.hpp"
#include "driving/detection_speed.hpp"
#include "driving/driver.hpp"
#include "case_api/scenario.hpp"

namespace {

using lockedges::Mode;

constexpr double kStressLimit = 10;  // seconds a stress child may run before "not found"

void detect(benchmark::State& state, const lockedges::Scenario* scenario, const lockedges::Variant* variant,
            Mode mode) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("lockedges-detection-{}/{}/{}", ::getpid(), scenario->name, variant->name);
  const std::string tsan = lockedges::sibling_binaries().tsan;
  const std::string tag = mode == Mode::kForced ? "forced" : "stress";
  for (auto _ : state) {
    const auto d = lockedges::time_to_first_report(tsan, *scenario, *variant, mode, kStressLimit, dir, tag);
    if (!d.error.empty()) {
      state.SkipWithError(d.error.c_str());
      break;
    }
    if (!d.found) {
      state.SkipWithError(fmt::format("not found in {:g} s", kStressLimit).c_str());
      break;
    }
    state.SetIterationTime(d.seconds);
  }
  state.SetItemsProcessed(state.iterations());  // reports found per second: the tables' speed
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  state.SetLabel(mode == Mode::kForced ? lockedges::kRoleMeasured : lockedges::kRoleBaseline);
}

void add_detection(const lockedges::BenchSelection& selection) {
  for (const auto& name : selection.scenarios) {
    const lockedges::Scenario* s = lockedges::Registry::instance().find(name);
    if (s == nullptr) continue;
    for (const auto& v : s->variants) {
      if (!v.broken || v.evidence != lockedges::Evidence::kDetector) continue;
      const std::string table = s->name + "." + v.name;
      lockedges::add_bench_table("detection", table,
                                 fmt::format("detection: {} / {}, time to ThreadSanitizer's first report", s->name,
                                             v.name),
                                 "from the variant's start to the child's end (report written); ratio = stress "
                                 "time / forced time");
      for (const Mode mode : {Mode::kStress, Mode::kForced}) {
        const std::string bench = fmt::format("detection/{}/{}", table, mode == Mode::kForced ? "forced" : "stress");
        benchmark::RegisterBenchmark(bench.c_str(),
                                     [s, v = &v, mode](benchmark::State& state) { detect(state, s, v, mode); })
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
}

const lockedges::BenchGroupRegistration kDetection{{.order = 40,
                                                    .name = "detection",
                                                    .summary = "time to ThreadSanitizer's first report, forced "
                                                               "schedule vs free-running stress",
                                                    .add = add_detection}};

}  // namespace
