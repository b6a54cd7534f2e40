#include "benchmarks/bench_report.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "reports/pieces.hpp"
#include "reports/text_report.hpp"

namespace lockedges {

namespace {

using nlohmann::json;

double to_ns(double value, const std::string& unit) {
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return value;
}

// lockedges' own description of table `key` (bench.json's "lockedges").
const json& table_info(const json& results, const std::string& key) {
  static const json kNone = json::object();
  const auto ours = results.find("lockedges");
  if (ours == results.end() || !ours->is_object()) return kNone;
  const auto tables = ours->find("tables");
  if (tables == ours->end() || !tables->is_object()) return kNone;
  const auto it = tables->find(key);
  return it != tables->end() && it->is_object() ? *it : kNone;
}

// "fixes/coarse-lock/broken/real_time/threads:2" -> {fixes, coarse-lock, broken}
std::optional<std::array<std::string, 3>> split_name(const std::string& name) {
  std::array<std::string, 3> parts;
  std::size_t from = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t to = name.find('/', from);
    if (to == std::string::npos && k < 2) return std::nullopt;
    parts[k] = name.substr(from, to == std::string::npos ? std::string::npos : to - from);
    if (parts[k].empty()) return std::nullopt;
    from = to == std::string::npos ? name.size() : to + 1;
  }
  return parts;
}

BenchCell cell_of(const json& b) {
  BenchCell c;
  c.real_ns = to_ns(b.value("real_time", 0.0), b.value("time_unit", std::string("ns")));
  c.per_second = b.contains("items_per_second") ? b.value("items_per_second", 0.0)
                 : c.real_ns > 0               ? 1e9 / c.real_ns
                                               : 0;
  if (b.value("error_occurred", false)) c.error = b.value("error_message", std::string("failed"));
  return c;
}

// Repetitions: the median aggregate when there is one, else the mean of
// the repetitions.
struct Samples {
  std::vector<BenchCell> runs;
  std::optional<BenchCell> median;
  BenchCell summary() const {
    BenchCell cell;
    if (median) {
      cell = *median;
    } else {
      for (const auto& r : runs) {
        cell.per_second += r.per_second / static_cast<double>(runs.size());
        cell.real_ns += r.real_ns / static_cast<double>(runs.size());
        if (!r.error.empty()) cell.error = r.error;
      }
    }
    if (runs.size() > 1) {
      const auto [lo, hi] = std::minmax_element(runs.begin(), runs.end(), [](const BenchCell& a, const BenchCell& b) {
        return a.per_second < b.per_second;
      });
      cell.repetitions = static_cast<int>(runs.size());
      cell.min_per_second = lo->per_second;
      cell.max_per_second = hi->per_second;
    }
    return cell;
  }
};

std::string rate_text(double per_second) {
  const auto [scale, suffix] = count_unit(per_second);
  if (scale >= 1e6) return fmt::format("{:.2f}{}/s", per_second / scale, suffix);
  return fmt::format("{:.1f}{}/s", per_second / scale, suffix);
}

// " (11.9-12.8)": the repetitions' slowest and fastest, in the unit of
// `cell`'s own rate; "" without repetitions.
std::string spread_text(const BenchCell& cell) {
  if (cell.repetitions < 2) return "";
  return lockedges::spread_text(cell.per_second, cell.min_per_second, cell.max_per_second);
}

}  // namespace

std::string threads_text(int t) { return fmt::format("{} thread{}", t, t == 1 ? "" : "s"); }

// One cell: throughput and ratio, "-" where the row did not run.
std::string cell_text(const BenchTable& table, const BenchRow& row, int threads) {
  const auto it = row.cells.find(threads);
  if (it == row.cells.end()) return "-";
  if (!it->second.error.empty()) return "error: " + it->second.error;
  const auto r = table.ratio(row, threads);
  const std::string rate = rate_text(it->second.per_second);
  return (r ? fmt::format("{} {:.2f}x", rate, *r) : rate) + spread_text(it->second);
}

std::string goal_text(const BenchGoal& g) {
  std::string text = fmt::format("{}: best fix {}", threads_text(g.threads), g.best_fix ? g.best_fix->name : "-");
  if (g.best_library) text += fmt::format(", best library {}", g.best_library->name);
  if (g.fix_over_library)
    text += fmt::format("; fix/library {:.2f}x ({})", *g.fix_over_library,
                        *g.fix_over_library >= kFixOverLibraryGoal ? "within 1.25x: met" : "not within 1.25x");
  if (g.fix_over_broken)
    text += fmt::format("; fix/broken {:.2f}x{}", *g.fix_over_broken,
                        g.threads != 2                          ? ""
                        : *g.fix_over_broken >= kFixOverBrokenGoal ? " (at least 2x: met)"
                                                                   : " (under 2x: not met)");
  return text;
}

const BenchRow* BenchTable::baseline() const {
  for (const auto& r : rows)
    if (r.role == "broken" || r.role == "baseline") return &r;
  return nullptr;
}

std::optional<double> BenchTable::ratio(const BenchRow& row, int threads) const {
  const BenchRow* base = baseline();
  if (base == nullptr) return std::nullopt;
  const auto b = base->cells.find(threads);
  const auto r = row.cells.find(threads);
  if (b == base->cells.end() || r == row.cells.end() || !b->second.error.empty() || !r->second.error.empty() ||
      b->second.per_second <= 0)
    return std::nullopt;
  return r->second.per_second / b->second.per_second;
}

std::vector<BenchGoal> bench_goals(const BenchTable& table) {
  std::vector<BenchGoal> goals;
  const auto has = [&](const char* role) {
    return std::any_of(table.rows.begin(), table.rows.end(), [&](const BenchRow& r) { return r.role == role; });
  };
  if (!has("fixed") || !has("library")) return goals;
  const auto best = [&](const char* role, int threads) {
    const BenchRow* found = nullptr;
    double best_rate = 0;
    for (const auto& r : table.rows) {
      const auto c = r.cells.find(threads);
      if (r.role != role || c == r.cells.end() || !c->second.error.empty()) continue;
      if (found == nullptr || c->second.per_second > best_rate) found = &r, best_rate = c->second.per_second;
    }
    return std::pair{found, best_rate};
  };
  for (int t : table.threads) {
    BenchGoal g;
    g.threads = t;
    const auto [fix, fix_rate] = best("fixed", t);
    const auto [library, library_rate] = best("library", t);
    g.best_fix = fix;
    g.best_library = library;
    if (fix != nullptr && library != nullptr && library_rate > 0) g.fix_over_library = fix_rate / library_rate;
    if (fix != nullptr) g.fix_over_broken = table.ratio(*fix, t);
    goals.push_back(g);
  }
  return goals;
}

std::vector<BenchTable> bench_tables(const json& results) {
  std::vector<BenchTable> tables;
  std::map<std::string, std::map<std::string, std::map<int, Samples>>> samples;  // table, row, threads
  for (const json& b : results.value("benchmarks", json::array())) {
    const auto parts = split_name(b.value("run_name", b.value("name", std::string())));
    if (!parts) continue;
    const auto& [group, id, row_name] = *parts;
    const std::string key = group + "/" + id;
    auto table = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.group + "/" + t.id == key; });
    if (table == tables.end()) {
      const json& info = table_info(results, key);
      tables.push_back({.group = group,
                        .id = id,
                        .title = info.value("title", std::string()),
                        .op = info.value("op", std::string())});
      table = std::prev(tables.end());
      if (table->title.empty()) table->title = key;
    }
    auto row = std::find_if(table->rows.begin(), table->rows.end(), [&](const auto& r) { return r.name == row_name; });
    if (row == table->rows.end()) {
      const json& notes = table_info(results, key).value("notes", json::object());
      table->rows.push_back({.name = row_name, .note = notes.value(row_name, std::string())});
      row = std::prev(table->rows.end());
    }
    if (row->role.empty()) row->role = b.value("label", std::string());
    const int threads = b.value("threads", 1);
    Samples& s = samples[key][row_name][threads];
    if (b.value("run_type", std::string("iteration")) == "aggregate") {
      if (b.value("aggregate_name", std::string()) == "median") s.median = cell_of(b);
    } else {
      s.runs.push_back(cell_of(b));
    }
  }
  for (auto& table : tables) {
    for (auto& row : table.rows)
      for (const auto& [threads, s] : samples[table.group + "/" + table.id][row.name]) {
        if (s.runs.empty() && !s.median) continue;
        row.cells[threads] = s.summary();
        if (std::find(table.threads.begin(), table.threads.end(), threads) == table.threads.end())
          table.threads.push_back(threads);
      }
    std::sort(table.threads.begin(), table.threads.end());
  }
  return tables;
}

std::string render_bench_text(const std::vector<BenchTable>& tables) {
  std::string out;
  for (const auto& table : tables) {
    const BenchRow* base = table.baseline();
    out += fmt::format("\n{}\n  one op: {}\n", table.title, table.op.empty() ? "-" : table.op);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {base ? fmt::format("ops/s, x {}", base->name) : "ops/s"};
    for (int t : table.threads) header.push_back(threads_text(t));
    rows.push_back(header);
    for (const auto& row : table.rows) {
      std::vector<std::string> cells = {row.name + (row.note.empty() ? "" : " *")};
      for (int t : table.threads) cells.push_back(cell_text(table, row, t));
      rows.push_back(cells);
    }
    out += text_table(rows, "  ");
    for (const auto& row : table.rows)
      if (!row.note.empty()) out += fmt::format("  * {}: {}\n", row.name, row.note);
    for (const auto& goal : bench_goals(table)) out += "  goal at " + goal_text(goal) + "\n";
  }
  return out;
}

std::string render_bench_markdown(const std::vector<BenchTable>& tables, const json& results) {
  const json& context = results.value("context", json::object());
  std::string out = "# lockedges bench\n\n";
  out += fmt::format("{} on {}, {} CPUs at {} MHz, Google Benchmark {} build; throughput in operations per "
                     "second (real time), ratios against the table's first broken row, same run.\n",
                     context.value("date", std::string("?")), context.value("host_name", std::string("?")),
                     context.value("num_cpus", 0), context.value("mhz_per_cpu", 0),
                     context.value("library_build_type", std::string("?")));
  for (const auto& table : tables) {
    const BenchRow* base = table.baseline();
    out += fmt::format("\n## {}\n\nOne operation: {}.\n\n", table.title, table.op.empty() ? "-" : table.op);
    out += fmt::format("| {} |", base ? fmt::format("ops/s, x {}", base->name) : "ops/s");
    for (int t : table.threads) out += " " + threads_text(t) + " |";
    out += "\n|---|";
    for (std::size_t k = 0; k < table.threads.size(); ++k) out += "---|";
    out += "\n";
    for (const auto& row : table.rows) {
      out += fmt::format("| `{}`{} |", row.name, row.note.empty() ? "" : " \\*");
      for (int t : table.threads) out += " " + cell_text(table, row, t) + " |";
      out += "\n";
    }
    if (std::any_of(table.rows.begin(), table.rows.end(), [](const auto& r) { return !r.note.empty(); }))
      out += "\n";
    for (const auto& row : table.rows)
      if (!row.note.empty()) out += fmt::format("- \\* `{}`: {}\n", row.name, row.note);
    const auto goals = bench_goals(table);
    if (!goals.empty()) out += "\nGoals (fix within 1.25x of the best library; at least 2x broken at 2 threads):\n\n";
    for (const auto& goal : goals) out += "- " + goal_text(goal) + "\n";
  }
  return out;
}

}  // namespace lockedges
