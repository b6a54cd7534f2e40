#include "driving/driver.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "child/interrupt.hpp"
#include "driving/forced.hpp"
#include "driving/profiling.hpp"
#include "driving/stress.hpp"
#include "profiles/profile.hpp"
#include "sources/lesson.hpp"
#include "verdict/verdict.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

std::string seconds_text(double s) { return fmt::format("{}", s); }

// `pending` is set when the variant's profile still has to be symbolised.
VariantReport run_variant(const Scenario& scenario, const Variant& variant, const DriverOptions& options,
                          bool& pending) {
  const auto start = std::chrono::steady_clock::now();
  auto say = [&](const std::string& what) {
    if (options.progress) options.progress(scenario.name + ": " + variant.name + ": " + what);
  };
  VariantReport v;
  v.name = variant.name;
  v.broken = variant.broken;
  v.evidence = !variant.broken ? "" : variant.evidence == Evidence::kDetector ? "detector" : "symptom";
  v.summary = variant.summary;
  const fs::path dir = options.out_dir / scenario.name / variant.name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    v.errors.push_back("cannot create " + dir.string() + ": " + ec.message());
    return v;
  }
  run_forced(scenario, options, dir, v);
  // A profile no longer than the stress run is taken of the stress child
  // itself (the profiler's overhead is about 2%, the same for every
  // variant): no extra process, and the profile shows the run the table
  // reports. A longer one gets its own child.
  const bool profile_stress = options.profile_seconds > 0 && options.profile_seconds <= options.stress_seconds;
  say("stress for " + seconds_text(options.stress_seconds) + " s" + (profile_stress ? ", CPU-profiled" : ""));
  const bool stress_exited = run_stress(scenario, options, dir, profile_stress, v);
  if (profile_stress && v.stress.ran) {
    v.profile.ran = stress_exited && fs::exists(dir / "cpu.prof");
    v.profile.file = (dir / "cpu.prof").string();
    v.profile.seconds = v.stress.seconds;
    if (!v.profile.ran) v.profile.error = "the profiled stress child " + v.stress.outcome;
    pending = v.profile.ran;
  } else if (options.profile_seconds > 0) {
    say("CPU profile for " + seconds_text(options.profile_seconds) + " s");
    v.profile = profile_variant(scenario, variant, options, dir);
    v.timings.profile = v.profile.seconds;
  }
  v.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return v;
}

// The functions whose CPU share moved most from the first profiled broken
// variant to the first profiled fix.
void profile_diff(ScenarioReport& report) {
  const VariantReport* broken = nullptr;
  const VariantReport* fixed = nullptr;
  for (const auto& v : report.variants) {
    if (v.broken && !broken && v.profile.samples > 0) broken = &v;
    if (!v.broken && !fixed && v.profile.samples > 0) fixed = &v;
  }
  if (broken == nullptr || fixed == nullptr) return;
  profile::Text before, after;
  before.functions = broken->profile.top;
  after.functions = fixed->profile.top;
  report.profile_diff = profile::diff(before, after, 8);
}

}  // namespace

std::vector<const Scenario*> chosen_scenarios(const std::vector<std::string>& names) {
  const bool all = names.empty() || std::find(names.begin(), names.end(), "all") != names.end();
  std::vector<const Scenario*> chosen;
  for (const auto& s : Registry::instance().all())
    if (all || std::find(names.begin(), names.end(), s.name) != names.end()) chosen.push_back(&s);
  return chosen;
}

ScenarioReport scenario_header(const Scenario& scenario) {
  ScenarioReport report;
  report.scenario = scenario.name;
  report.title = scenario.title;
  report.seed = scenario.seed;
  report.source = scenario.source_path();
  report.symptom = scenario.symptom;
  report.lesson = lesson_of(scenario);
  return report;
}

std::unique_ptr<ScenarioRun> start_scenario(const Scenario& scenario, const DriverOptions& options,
                                            ScenarioRun* previous) {
  const auto start = std::chrono::steady_clock::now();
  auto run = std::make_unique<ScenarioRun>();
  ScenarioReport& report = run->report;
  report = scenario_header(scenario);
  report.runs = options.runs;
  report.report_dir = (options.out_dir / scenario.name).string();
  report.variants.reserve(scenario.variants.size());  // the threads keep pointers into it
  for (const auto& variant : scenario.variants) {
    if (interrupted().load()) break;  // the scenario is judged interrupted (run_command)
    bool pending = false;
    report.variants.push_back(run_variant(scenario, variant, options, pending));
    if (previous != nullptr) previous->finish();
    if (pending)
      run->symbolising.emplace_back([&options, v = &report.variants.back(), title = scenario.name + " / " + variant.name] {
        const auto started = std::chrono::steady_clock::now();
        symbolise(v->profile, options.binaries.plain, title);
        v->timings.profile_symbolise =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      });
  }
  if (previous != nullptr) previous->finish();  // no variant ran
  judge(report);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

void ScenarioRun::finish() {
  if (finished) return;
  finished = true;
  symbolising.clear();  // joins
  profile_diff(report);
  for (const auto& v : report.variants)
    spdlog::debug("{}: {}: {:.2f} s: forced runs {:.2f} s, symbolising them {:.2f} s, stress {:.2f} s{}; "
                  "profile symbolised beside the next variant in {:.2f} s",
                  report.scenario, v.name, v.wall_seconds, v.timings.forced, v.timings.symbolise, v.timings.stress,
                  v.timings.profile > 0 ? fmt::format(", profile child {:.2f} s", v.timings.profile) : "",
                  v.timings.profile_symbolise);
}

}  // namespace lockedges
