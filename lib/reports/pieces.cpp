#include "reports/pieces.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "profiles/frames.hpp"

namespace lockedges {

namespace {

std::string detector_cell(const DetectorResult& d) {
  if (d.runs == 0) return "not run";
  if (d.warnings == 0) return fmt::format("clean in {}/{} runs", d.runs, d.runs);
  return fmt::format("{} report{}, {}/{} runs", d.warnings, d.warnings == 1 ? "" : "s", d.runs_with_warnings,
                     d.runs);
}

std::string symptom_cell(const VariantReport& v, const std::string& name) {
  if (!v.stress.ran) return "not run";
  auto it = v.stress.symptoms.find(name);
  return it == v.stress.symptoms.end() ? "-" : std::to_string(it->second);
}

std::string wait_cell(const VariantReport& v) {
  std::int64_t total = 0, p99 = 0;
  std::uint64_t contended = 0;
  for (const auto& l : v.stress.locks) {
    total += l.total_wait_ns;
    contended += l.contended;
    p99 = std::max(p99, l.p99_wait_ns);
  }
  if (contended == 0) return "none";
  return fmt::format("{} in {} waits, p99 {}", duration_text(total), contended, duration_text(p99));
}

std::string profile_cell(const VariantReport& v) {
  if (!v.profile.ran) return v.profile.error.empty() ? "-" : "failed";
  // The case's own top function: the harness row is not what the case costs.
  const auto& top = v.profile.top;
  const auto own = std::find_if(top.begin(), top.end(),
                                [](const profile::Function& f) { return f.name != profile::kHarnessFrame; });
  std::string leader = own == top.end() ? "" : own->name;
  if (leader.size() > 22) leader.replace(20, std::string::npos, "..");
  return fmt::format("{} samples{}", v.profile.samples, leader.empty() ? "" : ", top " + leader);
}

// `name` with every "[<digits>]" written "[*]".
std::string family_of(std::string_view name) {
  std::string family;
  for (std::size_t i = 0; i < name.size(); ++i) {
    std::size_t end = i + 1;
    while (name[i] == '[' && end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    if (name[i] == '[' && end > i + 1 && end < name.size() && name[end] == ']') {
      family += "[*]";
      i = end;
    } else {
      family += name[i];
    }
  }
  return family;
}

}  // namespace

std::vector<LockStats> lock_families(const std::vector<LockStats>& locks) {
  std::vector<LockStats> families;
  std::vector<std::size_t> members;
  std::vector<std::string> keys;
  for (const LockStats& l : locks) {
    const std::string key = family_of(l.name);
    const auto at = std::find(keys.begin(), keys.end(), key);
    if (at == keys.end()) {
      keys.push_back(key);
      families.push_back(l);
      members.push_back(1);
      continue;
    }
    const auto i = static_cast<std::size_t>(at - keys.begin());
    merge_into(families[i], l);
    ++members[i];
  }
  for (std::size_t i = 0; i < families.size(); ++i)
    if (members[i] > 1) families[i].name = fmt::format("{}, {} locks", keys[i], members[i]);
  return families;
}

// The rows of the side-by-side table: a label, then one cell per variant.
Rows comparison_rows(const ScenarioReport& r) {
  Rows rows;
  std::vector<std::string> head{""};
  for (const auto& v : r.variants) head.push_back(v.name);
  rows.push_back(head);
  auto row = [&](std::string label, auto cell) {
    std::vector<std::string> cells{std::move(label)};
    for (const auto& v : r.variants) cells.push_back(cell(v));
    rows.push_back(std::move(cells));
  };
  row("ThreadSanitizer", [](const VariantReport& v) { return detector_cell(v.tsan); });
  row("AddressSanitizer", [](const VariantReport& v) { return detector_cell(v.asan); });
  row("findings", [](const VariantReport& v) {
    const std::size_t n = v.tsan.findings.size() + v.asan.findings.size();
    return n == 0 ? std::string("none") : std::to_string(n) + " (grouped)";
  });
  if (std::any_of(r.variants.begin(), r.variants.end(), [](const VariantReport& v) { return v.evidence == "symptom"; }))
    row(r.symptom + " (forced)", [&](const VariantReport& v) {
      auto it = v.forced_symptoms.find(r.symptom);
      return fmt::format("{} in {}/{} runs", it == v.forced_symptoms.end() ? 0 : it->second,
                         v.runs_with_symptom, v.tsan.runs);
    });
  std::vector<std::string> names;
  for (const auto& v : r.variants)
    for (const auto& [name, count] : v.stress.symptoms)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  for (const auto& name : names)
    row(name, [&](const VariantReport& v) { return symptom_cell(v, name); });
  row("throughput", [](const VariantReport& v) {
    return throughput_text(v.stress, " ops/s");
  });
  row("lock wait", wait_cell);
  row("CPU profile", profile_cell);
  row("stress child", [](const VariantReport& v) {
    if (!v.stress.deadlock.empty()) return std::string("deadlocked (watchdog)");
    return v.stress.outcome.empty() ? std::string("-") : v.stress.outcome;
  });
  return rows;
}

Rows summary_rows(const std::vector<ScenarioReport>& reports) {
  Rows rows{{"scenario", "verdict", "reproduced", "ground truth", "symptom, broken -> fixed", "time"}};
  for (const auto& r : reports) {
    std::string symptom = r.symptom;
    for (const auto& v : r.variants) symptom += (v.broken ? " " : " -> ") + symptom_cell(v, r.symptom);
    rows.push_back({r.scenario, r.verdict, fmt::format("{}/{}", r.reproduced_runs, r.runs),
                    r.ground_truth.matched ? "matched" : "not matched", symptom,
                    fmt::format("{:.1f} s", r.wall_seconds)});
  }
  return rows;
}

std::string mutex_text(const std::vector<tsan::HeldMutex>& mutexes) {
  if (mutexes.empty()) return "no lock held";
  std::string out;
  for (const auto& m : mutexes) out += (out.empty() ? "" : ", ") + tsan::mode_word(m) + " " + tsan::mutex_label(m);
  return out;
}

std::string incomplete_note(const tsan::Finding& f) {
  return f.incomplete ? " (report cut short: a location or a lock may be missing)" : "";
}

std::string display_file(const std::string& file) {
  const auto at = file.rfind("cases/");
  return at == std::string::npos ? file : file.substr(at);
}

const Tag* tag_at(const GroundTruth& gt, int line) {
  for (const auto& t : gt.tags)
    if (t.line == line) return &t;
  return nullptr;
}

std::string thread_name(const VariantReport& v, int thread) {
  return thread >= 0 && thread < static_cast<int>(v.thread_names.size()) ? v.thread_names[thread] : "?";
}

std::vector<int> interleaving_threads(const VariantReport& v) {
  std::vector<int> threads;
  for (const auto& e : v.interleaving)
    if (std::find(threads.begin(), threads.end(), e.thread) == threads.end()) threads.push_back(e.thread);
  std::sort(threads.begin(), threads.end());
  return threads;
}

std::string event_text(const Event& e) { return e.what.empty() ? e.kind : e.what; }

std::pair<double, const char*> count_unit(double value) {
  if (value >= 1e9) return {1e9, "G"};
  if (value >= 1e6) return {1e6, "M"};
  if (value >= 1e3) return {1e3, "k"};
  return {1, ""};
}

std::string human_count(double value) {
  const auto [scale, suffix] = count_unit(value);
  if (scale >= 1e6) return fmt::format("{:.2f}{}", value / scale, suffix);
  if (scale >= 1e3) return fmt::format("{:.1f}{}", value / scale, suffix);
  return fmt::format("{:.0f}", value);
}

std::string throughput_text(const StressResult& stress, std::string_view unit) {
  if (!stress.ran) return "-";
  std::string text = human_count(stress.ops_per_second) + std::string(unit);
  if (stress.repetition_rates.size() >= 2)
    text += spread_text(stress.ops_per_second, stress.ops_per_second_min, stress.ops_per_second_max);
  return text;
}

std::string spread_text(double value, double least, double most) {
  const double scale = count_unit(value).first;
  return fmt::format(" ({:.1f}-{:.1f})", least / scale, most / scale);
}

std::string duration_text(std::int64_t ns, std::string_view micro) {
  if (ns >= 1'000'000) return fmt::format("{:.1f} ms", static_cast<double>(ns) / 1e6);
  if (ns >= 1'000) return fmt::format("{:.1f} {}", static_cast<double>(ns) / 1e3, micro);
  return fmt::format("{} ns", ns);
}

std::string shortened(const std::string& text, std::size_t max) {
  return text.size() > max ? text.substr(0, max - 3) + "..." : text;
}

std::vector<SourceExcerpt> source_excerpts(const tsan::Finding& f, int context) {
  // Per file, the finding's lines in order; windows that touch are merged.
  std::map<std::string, std::vector<int>> by_file;
  for (const auto& l : f.locations)
    if (!l.file.empty() && l.line > 0) by_file[display_file(l.file)].push_back(l.line);
  std::vector<SourceExcerpt> out;
  for (auto& [file, marked] : by_file) {
    const auto text = embedded_source(file);
    if (!text) continue;  // not a case file this binary embeds
    std::sort(marked.begin(), marked.end());
    marked.erase(std::unique(marked.begin(), marked.end()), marked.end());
    for (std::size_t i = 0; i < marked.size();) {
      std::size_t j = i;
      while (j + 1 < marked.size() && marked[j + 1] - marked[j] <= 2 * context + 1) ++j;
      SourceExcerpt e;
      e.file = file;
      e.first = std::max(1, marked[i] - context);
      e.lines = source_lines(*text, e.first, marked[j] + context);
      e.marked.assign(marked.begin() + static_cast<std::ptrdiff_t>(i), marked.begin() + static_cast<std::ptrdiff_t>(j) + 1);
      if (!e.lines.empty()) out.push_back(std::move(e));
      i = j + 1;
    }
  }
  return out;
}

std::string markdown_table(const Rows& rows) {
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += "|";
    for (const auto& c : rows[i]) {
      std::string cell;
      for (char ch : c) cell += ch == '|' ? std::string("\\|") : std::string(1, ch);
      out += " " + (cell.empty() ? std::string(" ") : cell) + " |";
    }
    out += "\n";
    if (i == 0) {
      out += "|";
      for (std::size_t k = 0; k < rows[i].size(); ++k) out += "---|";
      out += "\n";
    }
  }
  return out;
}

std::string md_inline(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string md_code(std::string_view text) {
  const std::string fence = text.find('`') == std::string_view::npos ? "`" : "`` ";
  const std::string close = fence == "`" ? "`" : " ``";
  return fence + md_inline(text) + close;
}

}  // namespace lockedges
