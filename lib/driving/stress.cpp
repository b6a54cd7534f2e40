#include "driving/stress.hpp"

#include <algorithm>

#include "child/protocol.hpp"
#include "child/sanitizers.hpp"
#include "driving/forced.hpp"
#include "util/files.hpp"

namespace lockedges {

bool run_stress(const Scenario& scenario, const DriverOptions& options, const std::filesystem::path& dir,
                bool profiled, VariantReport& v) {
  WorkerRequest request;
  request.scenario = scenario.name;
  request.variant = v.name;
  request.mode = Mode::kStress;
  request.limits.stress_seconds = options.stress_seconds;
  request.repetitions = options.stress_repetitions;
  request.result_path = (dir / "stress.json").string();
  if (profiled) request.profile_path = (dir / "cpu.prof").string();
  ChildSpec spec = worker_child(options.binaries.plain, request, dir / "stress");
  if (profiled) spec.env = profiler_environment(options.profile_hz);
  spec.address_space_limit = kPlainAddressSpaceBytes;
  // A stress child stops by itself at --stress-seconds; still running well
  // after that, it is hung.
  spec.timeout_seconds = std::min(options.timeout_seconds, options.stress_seconds + kStressGraceSeconds);
  const ChildOutcome outcome = run_child(spec);
  StressResult& s = v.stress;
  s.outcome = describe(outcome);
  if (!outcome.started) {
    v.errors.push_back(outcome.start_error);
    return false;
  }
  s.ran = true;
  s.signal = outcome.signal;
  s.timed_out = outcome.timed_out;
  s.seconds = outcome.wall_seconds;
  v.timings.stress = outcome.wall_seconds;
  if (outcome.exited && outcome.exit_code != 0) {
    v.errors.push_back("stress: worker " + describe(outcome) + ": " + tail(read_file(spec.stderr_path)));
    return false;
  }
  if (const auto result = read_worker_result(request.result_path)) {
    s.seconds = result->elapsed_seconds;
    s.ops = result->ops;
    s.ops_per_second = s.seconds > 0 ? static_cast<double>(s.ops) / s.seconds : 0;
    s.ops_per_second_min = s.ops_per_second_max = s.ops_per_second;
    s.repetition_rates = result->repetition_rates;
    if (s.repetition_rates.size() >= 2) {
      std::vector<double> sorted = s.repetition_rates;
      std::sort(sorted.begin(), sorted.end());
      const std::size_t n = sorted.size();
      s.ops_per_second = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      s.ops_per_second_min = sorted.front();
      s.ops_per_second_max = sorted.back();
    }
    s.symptoms = result->symptoms;
    s.locks = result->locks;
    s.deadlock = result->deadlock;
  }
  return outcome.exited && outcome.exit_code == 0;
}

}  // namespace lockedges
