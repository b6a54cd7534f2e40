#include "benchmarks/bench_runner.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <barrier>
#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks/bench_report.hpp"
#include "case_api/scenario.hpp"
#include "driving/driver.hpp"
#include "reports/writer.hpp"
#include "util/exit_status.hpp"
#include "util/files.hpp"

namespace lockedges {

namespace {

// ---------------------------------------------------------------------------
// Running a fixture under Google Benchmark
// ---------------------------------------------------------------------------

// One benchmark's fixture, shared by its threads. Google Benchmark calls the
// benchmark function once per run on every thread (threads are started for
// each run and joined after it), so thread 0 builds the fixture and a
// barrier publishes it to the others before the timed loop.
struct FixtureSlot {
  explicit FixtureSlot(int threads) : ready(threads) {}
  std::barrier<> ready;
  std::unique_ptr<BenchFixture> fixture;
};

// The slot whose fixture is alive. Runs never overlap, and thread 0 of a
// new run is the only thread running when it reads this, so a fixture is
// destroyed only after every thread that used it has been joined.
FixtureSlot* g_live = nullptr;

void release_live_fixture() {
  if (g_live != nullptr) g_live->fixture.reset();
  g_live = nullptr;
}

void run_fixture(benchmark::State& state, FixtureSlot& slot, const BenchFactory& make, const std::string& role) {
  const int thread = state.thread_index();
  if (thread == 0) {
    release_live_fixture();
    slot.fixture = make(state.threads());
    g_live = &slot;
  }
  slot.ready.arrive_and_wait();
  BenchFixture& fixture = *slot.fixture;
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(fixture.op(thread, i++));
  fixture.thread_done(thread);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetLabel(role);
}

// What the tables need besides the numbers, filled while groups register
// and written into bench.json under "lockedges" after the run (Google
// Benchmark's own context would print every entry on the console).
nlohmann::json g_tables = nlohmann::json::object();

// ---------------------------------------------------------------------------
// Built-in groups
// ---------------------------------------------------------------------------

// fixes: every variant's core operation, broken against fixed.
void add_fixes(const BenchSelection& selection) {
  for (const auto& name : selection.scenarios) {
    const Scenario* scenario = Registry::instance().find(name);
    const ScenarioBench* bench = BenchRegistry::instance().find(name);
    if (scenario == nullptr || bench == nullptr) continue;
    add_bench_table("fixes", name, fmt::format("{}: broken against fixed", name), bench->op);
    for (const auto& v : bench->variants) {
      const Variant* variant = scenario->find_variant(v.variant);
      const bool broken = variant != nullptr && variant->broken;
      std::vector<int> threads;
      for (int t : selection.threads)
        if (v.max_threads == 0 || t <= v.max_threads) threads.push_back(t);
      if (!v.note.empty()) add_bench_note("fixes", name, v.variant, v.note);
      add_fixture_benchmark("fixes", name, v.variant, broken ? kRoleBroken : kRoleFixed, v.make, threads);
    }
  }
}

// stores: each store comparison under two mixes.
struct Mix {
  const char* name;
  int write_percent;
};
constexpr Mix kMixes[] = {{"read-mostly", 5}, {"write-heavy", 50}};

void add_stores(const BenchSelection& selection) {
  for (const auto& name : selection.scenarios) {
    const StoreComparison* comparison = BenchRegistry::instance().comparison(name);
    const auto stores = BenchRegistry::instance().stores(name);
    if (comparison == nullptr || stores.empty()) continue;
    for (const Mix& mix : kMixes) {
      const std::string table = fmt::format("{}.{}", name, mix.name);
      add_bench_table("stores", table,
                      fmt::format("{}: stores and libraries, {} ({}% reads, {}% writes)", name, mix.name,
                                  100 - mix.write_percent, mix.write_percent),
                      comparison->op);
      for (const StoreBench* s : stores) {
        add_bench_note("stores", table, s->name, s->summary);
        add_fixture_benchmark(
            "stores", table, s->name, s->role,
            [make = s->make, w = mix.write_percent](int threads) { return make(threads, w); }, selection.threads);
      }
    }
  }
}

const BenchGroupRegistration kFixes{{.order = 10,
                                     .name = "fixes",
                                     .summary = "each variant's core operation, broken against fixed",
                                     .add = add_fixes}};
const BenchGroupRegistration kStores{{.order = 20,
                                      .name = "stores",
                                      .summary = "a case's stores against concurrent-map libraries, two mixes",
                                      .add = add_stores}};

// ---------------------------------------------------------------------------
// run_bench
// ---------------------------------------------------------------------------

std::vector<std::string> scenario_names(const std::vector<std::string>& named) {
  std::vector<std::string> names;
  for (const Scenario* s : chosen_scenarios(named)) names.push_back(s->name);
  return names;
}

// `threads` in ascending order, without repeats.
std::vector<int> ascending(std::vector<int> threads) {
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  return threads;
}

bool is_flag(const std::vector<std::string>& args, const std::string& flag) {
  for (const auto& a : args)
    if (a == flag || a == flag + "=true" || a == flag + "=1") return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// Registries and table metadata
// ---------------------------------------------------------------------------

BenchGroups& BenchGroups::instance() {
  static BenchGroups groups;
  return groups;
}

void BenchGroups::add(BenchGroup group) {
  groups_.push_back(std::move(group));
  std::stable_sort(groups_.begin(), groups_.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
}

std::vector<std::string> BenchGroups::names() const {
  std::vector<std::string> names;
  for (const auto& g : groups_) names.push_back(g.name);
  return names;
}

void add_bench_table(const std::string& group, const std::string& table, const std::string& title,
                     const std::string& op) {
  nlohmann::json& t = g_tables[group + "/" + table];
  t["title"] = title;
  t["op"] = op;
}

void add_bench_note(const std::string& group, const std::string& table, const std::string& row,
                    const std::string& note) {
  g_tables[group + "/" + table]["notes"][row] = note;
}

void add_fixture_benchmark(const std::string& group, const std::string& table, const std::string& row,
                           const std::string& role, BenchFactory make, const std::vector<int>& threads) {
  const std::string name = group + "/" + table + "/" + row;
  for (int t : threads) {
    auto slot = std::make_shared<FixtureSlot>(t);
    benchmark::RegisterBenchmark(name.c_str(), [slot, make, role](benchmark::State& state) {
      run_fixture(state, *slot, make, role);
    })->Threads(t)->UseRealTime();
  }
}

std::vector<int> default_bench_threads() {
  return ascending({1, 2, static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))});
}

namespace {

class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

BenchOutcome run_bench(const BenchOptions& o) {
  BenchOutcome outcome;
  std::string why;
  const FolderClaim claim = FolderClaim::claim(o.out_dir, why);  // held to the end, as run's
  if (!claim.held()) {
    outcome.exit_code = kExitEnvironment;
    outcome.error = "bench folder: " + why;
    return outcome;
  }
  outcome.json = o.out_dir / "bench.json";
  outcome.markdown = o.out_dir / "bench.md";
  outcome.html = o.out_dir / "bench.html";

  // Google Benchmark reads its options from an argv; ours come first so the
  // JSON always lands in out_dir.
  // Listing runs nothing, so it writes no file either: the last results stay.
  const bool listing = is_flag(o.benchmark_args, "--benchmark_list_tests");
  std::vector<std::string> args = {"lockedges bench"};
  if (!listing) args.insert(args.end(), {"--benchmark_out=" + outcome.json.string(), "--benchmark_out_format=json"});
  args.insert(args.end(), o.benchmark_args.begin(), o.benchmark_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  benchmark::Initialize(&argc, argv.data());
  if (benchmark::ReportUnrecognizedArguments(argc, argv.data())) {
    outcome.exit_code = kExitUsage;
    outcome.error = "Google Benchmark did not recognise an option (above)";
    return outcome;
  }

  BenchSelection selection{scenario_names(o.scenarios),
                           o.threads.empty() ? default_bench_threads() : ascending(o.threads), o.quiet};
  for (const auto& group : BenchGroups::instance().all())
    if (o.groups.empty() || std::find(o.groups.begin(), o.groups.end(), group.name) != o.groups.end())
      group.add(selection);
  // -q: a display reporter that shows nothing, not the banner (machine,
  // caches, load) on stderr nor a line per benchmark; the JSON file is
  // written all the same.
  // A --benchmark_format the user asked for is printed even with -q: standard
  // output is then exactly that format, for whatever reads it.
  const bool format_asked = std::any_of(o.benchmark_args.begin(), o.benchmark_args.end(), [](const std::string& a) {
    return a.rfind("--benchmark_format=", 0) == 0;
  });
  SilentReporter silent;
  const std::size_t ran = o.quiet && !format_asked ? benchmark::RunSpecifiedBenchmarks(&silent)
                                                   : benchmark::RunSpecifiedBenchmarks();
  release_live_fixture();
  benchmark::ClearRegisteredBenchmarks();
  benchmark::Shutdown();
  if (listing) return outcome;  // listed, nothing ran
  if (ran == 0) {
    outcome.exit_code = kExitUsage;
    outcome.error = "no benchmark matched: check --benchmark_filter, the scenarios and --groups";
    return outcome;
  }

  nlohmann::json results;
  try {
    std::ifstream in(outcome.json);
    results = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    outcome.exit_code = kExitEnvironment;
    outcome.error = fmt::format("cannot read {}: {}", outcome.json.string(), e.what());
    return outcome;
  }
  results["lockedges"] = {{"tables", g_tables}};
  // Should bench.json not take the tables, Google Benchmark's own stays whole.
  if (!write_outputs(o.out_dir, {{outcome.json.filename(), results.dump(2) + "\n"}}).empty()) {
    outcome.exit_code = kExitEnvironment;
    outcome.error = fmt::format("cannot add the tables to {}", outcome.json.string());
  }
  const std::vector<BenchTable> tables = bench_tables(results);
  outcome.text = render_bench_text(tables);
  const auto failed = write_outputs(o.out_dir, {{outcome.markdown.filename(), render_bench_markdown(tables, results)},
                                                {outcome.html.filename(), render_bench_html(tables, results)}});
  if (!failed.empty()) {
    outcome.exit_code = kExitEnvironment;
    outcome.error = fmt::format("cannot write {} or {}", outcome.markdown.string(), outcome.html.string());
  }
  return outcome;
}

}  // namespace lockedges
