#include "reports/json_report.hpp"

#include "child/protocol.hpp"

namespace lockedges {

using nlohmann::json;

json to_json(const ProfileResult& p) {
  json top = json::array();
  for (const auto& f : p.top)
    top.push_back({{"name", f.name},
                   {"full_name", f.full_name},
                   {"flat", f.flat},
                   {"flat_share", f.flat_share},
                   {"cum", f.cum},
                   {"cum_share", f.cum_share},
                   {"lock", f.lock}});
  return {{"ran", p.ran},       {"file", p.file},   {"flame_graph", p.flame_graph}, {"seconds", p.seconds},
          {"samples", p.samples}, {"harness_samples", p.harness_samples}, {"harness_share", harness_share(p)},
          {"top", top},     {"error", p.error}};
}

namespace {

json to_json(const tsan::Finding& f) {
  json locations = json::array();
  for (const auto& l : f.locations) {
    json mutexes = json::array();
    for (const auto& m : l.mutexes) mutexes.push_back(tsan::mode_json_word(m) + " " + tsan::mutex_label(m));
    locations.push_back({{"file", l.file},
                         {"line", l.line},
                         {"access", l.access},
                         {"thread", l.thread},
                         {"mutexes", mutexes}});
  }
  return {{"kind", f.kind},
          {"count", f.count},
          {"diagnosis", f.diagnosis},
          {"summary", f.summary},
          {"incomplete", f.incomplete},
          {"locations", locations}};
}

json to_json(const DetectorResult& d) {
  json findings = json::array();
  for (const auto& f : d.findings) findings.push_back(to_json(f));
  return {{"runs", d.runs},
          {"runs_with_warnings", d.runs_with_warnings},
          {"warnings", d.warnings},
          {"schedule_completed_runs", d.schedule_completed_runs},
          {"findings", findings},
          {"outcomes", d.outcomes},
          {"logs", d.logs}};
}

json to_json(const VariantReport& v) {
  json locks = json::array();
  for (const auto& l : v.stress.locks) locks.push_back(to_json(l));
  json events = json::array();
  for (const auto& e : v.interleaving)
    events.push_back(to_json(e, e.thread >= 0 && e.thread < static_cast<int>(v.thread_names.size())
                                    ? v.thread_names[e.thread]
                                    : std::to_string(e.thread)));
  return {{"name", v.name},
          {"broken", v.broken},
          {"evidence", v.evidence},
          {"summary", v.summary},
          {"tsan", to_json(v.tsan)},
          {"asan", to_json(v.asan)},
          {"reproduced_runs", v.reproduced_runs},
          {"judgement", {{"passed", v.judgement.passed}, {"reasons", v.judgement.reasons}}},
          {"forced_symptoms", v.forced_symptoms},
          {"runs_with_symptom", v.runs_with_symptom},
          {"symptoms", v.stress.symptoms},
          {"ops_per_second", v.stress.ops_per_second},
          {"stress",
           {{"ran", v.stress.ran},
            {"seconds", v.stress.seconds},
            {"ops", v.stress.ops},
            {"ops_per_second_min", v.stress.ops_per_second_min},
            {"ops_per_second_max", v.stress.ops_per_second_max},
            {"repetition_ops_per_second", v.stress.repetition_rates},
            {"outcome", v.stress.outcome},
            {"signal", v.stress.signal},
            {"timed_out", v.stress.timed_out},
            {"deadlock", v.stress.deadlock},
            {"locks", locks}}},
          {"profile", to_json(v.profile)},
          {"interleaving", events},
          {"errors", v.errors},
          {"wall_seconds", v.wall_seconds},
          {"timings",
           {{"forced_seconds", v.timings.forced},
            {"symbolise_seconds", v.timings.symbolise},
            {"stress_seconds", v.timings.stress},
            {"profile_seconds", v.timings.profile},
            {"profile_symbolise_seconds", v.timings.profile_symbolise}}}};
}

}  // namespace

json to_json(const ScenarioReport& r) {
  json variants = json::array();
  for (const auto& v : r.variants) variants.push_back(to_json(v));
  json tags = json::array();
  for (const auto& t : r.ground_truth.tags)
    tags.push_back({{"kind", t.kind}, {"id", t.id}, {"line", t.line}, {"note", t.note}});
  return {{"scenario", r.scenario},
          {"title", r.title},
          {"seed", r.seed},
          {"source", r.source},
          {"verdict", r.verdict},
          {"reasons", r.reasons},
          {"runs", r.runs},
          {"reproduced_runs", r.reproduced_runs},
          {"symptom", r.symptom},
          {"lesson",
           {{"pitfall", r.lesson.pitfall},
            {"interleaving", r.lesson.interleaving},
            {"fix", r.lesson.fix},
            {"guideline", r.lesson.guideline},
            {"go_origin", r.lesson.go_origin},
            {"cpp_differs", r.lesson.cpp_differs}}},
          {"ground_truth",
           {{"matched", r.ground_truth.matched},
            {"note", r.ground_truth.note},
            {"tags", tags},
            {"tags_hit", r.ground_truth.tags_hit},
            {"off_tag", r.ground_truth.off_tag}}},
          {"variants", variants},
          {"profile_diff", [&] {
             json changes = json::array();
             for (const auto& c : r.profile_diff)
               changes.push_back({{"name", c.name},
                                  {"full_name", c.full_name},
                                  {"before", c.before},
                                  {"after", c.after},
                                  {"lock", c.lock}});
             return changes;
           }()},
          {"wall_seconds", r.wall_seconds},
          {"report_dir", r.report_dir}};
}

json to_json(const std::vector<ScenarioReport>& reports) {
  json all = json::array();
  for (const auto& r : reports) all.push_back(to_json(r));
  return all;
}

}  // namespace lockedges
