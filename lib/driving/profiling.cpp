#include "driving/profiling.hpp"

#include <algorithm>
#include <deque>
#include <fstream>
#include <thread>

#include "child/protocol.hpp"
#include "child/sanitizers.hpp"
#include "driving/stress.hpp"
#include "profiles/cpu_profile.hpp"
#include "profiles/profile.hpp"
#include "util/files.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

constexpr double kChildStartSeconds = 0.03;      // starting a plain child and its profiler
constexpr double kShortestProfileSeconds = 0.05;  // below this a profile says little: skip
constexpr std::size_t kSymboliseJobs = 2;         // profiles symbolised at a time

ProfileResult run_profiled(const Scenario& scenario, const Variant& variant, const Binaries& binaries,
                           double seconds, int hz, const fs::path& dir) {
  ProfileResult p;
  p.file = (dir / "cpu.prof").string();
  WorkerRequest request;
  request.scenario = scenario.name;
  request.variant = variant.name;
  request.mode = Mode::kStress;
  request.limits.stress_seconds = seconds;
  request.profile_path = p.file;
  request.result_path = (dir / "profile.json").string();
  ChildSpec spec = worker_child(binaries.plain, request, dir / "profile");
  spec.address_space_limit = kPlainAddressSpaceBytes;
  spec.env = profiler_environment(hz);
  spec.timeout_seconds = seconds + kStressGraceSeconds;
  const ChildOutcome outcome = run_child(spec);
  p.seconds = outcome.wall_seconds;
  if (!outcome.started || !outcome.exited || outcome.exit_code != 0) {
    p.error = "the profiled child " + describe(outcome);
    return p;
  }
  p.ran = true;
  return p;
}

}  // namespace

void symbolise(ProfileResult& p, const std::string& binary, const std::string& title) {
  if (!p.ran) return;
  const fs::path dir = fs::path(p.file).parent_path();
  std::string error;
  const auto raw = profile::read_cpu_profile(read_file(p.file), error);
  if (!raw) {
    p.error = p.file + ": " + error;
    return;
  }
  const auto stacks = profile::symbolize(*raw, binary, error);
  if (!error.empty()) {
    p.error = "symbolising " + p.file + ": " + error;
    return;
  }
  // The collapsed stacks stay beside the profile, for flame graph tools.
  std::ofstream(dir / "cpu.collapsed") << profile::collapsed_text(stacks);
  const profile::Text text = profile::summarize(stacks);
  p.samples = text.total;
  p.harness_samples = text.harness;
  p.top.assign(text.functions.begin(),
               text.functions.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(text.functions.size(), 12)));
  p.flame_graph = (dir / "flame.svg").string();
  std::ofstream(p.flame_graph) << profile::flame_graph_svg(stacks, title + ": " + std::to_string(text.total) +
                                                                       " samples");
  if (p.samples == 0) p.error = "no samples (the workload ran too briefly, or mostly blocked)";
}

ProfileResult profile_variant(const Scenario& scenario, const Variant& variant, const DriverOptions& options,
                              const fs::path& dir) {
  ProfileResult p = run_profiled(scenario, variant, options.binaries, options.profile_seconds, options.profile_hz,
                                 dir);
  symbolise(p, options.binaries.plain, scenario.name + " / " + variant.name);
  return p;
}

ProfileSession profile_session(const std::vector<const Scenario*>& scenarios, const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  ProfileSession session;
  session.seconds = options.seconds;
  session.hz = options.hz;
  for (const Scenario* s : scenarios)
    for (const auto& v : s->variants) session.items.push_back({s, &v, {}});
  // Each child gets an equal share of what is left, less what an item costs
  // beyond its share (measured as we go) and the last symbolising. Profiles
  // are symbolised beside the next children, two at a time.
  std::atomic<double> symbolise_seconds{0.3};
  double overhead = kChildStartSeconds;
  std::deque<std::thread> symbolising;
  auto join_oldest = [&] {
    symbolising.front().join();
    symbolising.pop_front();
  };
  for (std::size_t i = 0; i < session.items.size(); ++i) {
    auto& item = session.items[i];
    if (interrupted().load()) {  // Ctrl-C: what was collected is kept
      session.interrupted = true;
      break;
    }
    const auto item_start = Clock::now();
    const double left = std::chrono::duration<double>(deadline - item_start).count() - symbolise_seconds.load();
    if (left < overhead + kShortestProfileSeconds) {
      session.skipped.push_back(item.scenario->name + "/" + item.variant->name);
      continue;
    }
    const double share =
        std::max(kShortestProfileSeconds, left / static_cast<double>(session.items.size() - i) - overhead);
    const fs::path dir = options.out_dir / item.scenario->name / item.variant->name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (options.progress) options.progress(item.scenario->name + "/" + item.variant->name, start, deadline);
    item.profile = run_profiled(*item.scenario, *item.variant, options.binaries, share, options.hz, dir);
    if (symbolising.size() >= kSymboliseJobs) join_oldest();
    symbolising.emplace_back([&item, &options, &symbolise_seconds] {
      const auto began = Clock::now();
      symbolise(item.profile, options.binaries.plain, item.scenario->name + " / " + item.variant->name);
      symbolise_seconds.store(std::chrono::duration<double>(Clock::now() - began).count());
    });
    const double cost = std::chrono::duration<double>(Clock::now() - item_start).count();
    overhead = 0.5 * overhead + 0.5 * std::max(kChildStartSeconds, cost - share);
  }
  while (!symbolising.empty()) join_oldest();
  session.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return session;
}

}  // namespace lockedges
