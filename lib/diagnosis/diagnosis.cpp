#include "diagnosis/diagnosis.hpp"

#include <filesystem>
#include <map>
#include <unordered_map>

#include "detection/asan_log.hpp"
#include "detection/fingerprint.hpp"
#include "detection/frames.hpp"
#include "detection/go_race_log.hpp"
#include "detection/tsan_log.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace lockedges {
namespace {

namespace fs = std::filesystem;

// Where `file`, as the log names it, may be under --src-root: with a
// --strip-prefix cut off; as it stands when relative; and relative to a
// build folder the log does not name ("../src/cache.cpp": the compiler's
// working directory), with its leading "../" and "./" dropped.
std::vector<fs::path> under_root(const std::string& file, const SourceSettings& settings) {
  std::vector<fs::path> found;
  if (settings.src_root.empty() || file.empty()) return found;
  const fs::path root(settings.src_root);
  for (const std::string& prefix : settings.strip_prefixes)
    if (!prefix.empty() && file.starts_with(prefix)) {
      found.push_back(root / fs::path(file.substr(prefix.size())).relative_path());
      break;
    }
  const fs::path path(file);
  if (path.is_relative()) {
    found.push_back(root / path);
    fs::path rest;
    bool leading = true;
    for (const fs::path& part : path) {
      if (leading && (part == ".." || part == ".")) continue;
      leading = false;
      rest /= part;
    }
    if (rest != path) found.push_back(root / rest);
  }
  return found;
}

// The user's source files, read once each; "" for one that cannot be read.
class SourceFiles {
 public:
  explicit SourceFiles(const SourceSettings& settings) : settings_(settings) {}

  // Where `file` as the log names it is on this machine, or "".
  fs::path locate(const std::string& file) {
    std::vector<fs::path> candidates = under_root(file, settings_);
    candidates.push_back(file);
    std::error_code ec;
    for (const fs::path& c : candidates)
      if (fs::is_regular_file(c, ec)) return c;
    return {};
  }

  const std::string& text(const std::string& file) {
    if (const auto it = texts_.find(file); it != texts_.end()) return it->second;
    const fs::path where = file.empty() ? fs::path() : locate(file);
    return texts_.emplace(file, where.empty() ? std::string() : read_file(where)).first->second;
  }

  std::string line(const std::string& file, int n) { return std::string(line_at(text(file), n)); }

 private:
  const SourceSettings& settings_;
  std::unordered_map<std::string, std::string> texts_;
};

// Is `file` the user's? Under --src-root when it is given (as the log
// names it, or found there by under_root), else any file that is not the
// standard library's or the sanitizer's.
bool is_user_path(std::string_view file, const SourceSettings& settings) {
  if (file.empty()) return false;
  tsan::Frame f;
  f.file = std::string(file);
  f.function = "?";
  if (tsan::is_runtime_frame(f)) return false;
  if (settings.src_root.empty()) return true;
  std::error_code ec;
  const fs::path path(file);
  if (path.is_absolute()) {
    const std::string p = path.lexically_normal().string();
    const std::string r = fs::weakly_canonical(settings.src_root, ec).string();
    if (p.starts_with(r + "/") || p == r) return true;
  }
  for (const fs::path& c : under_root(f.file, settings))
    if (fs::is_regular_file(c, ec)) return true;
  return false;
}

void add(Diagnosis& d, std::unordered_map<std::string, std::size_t>& index, tsan::Finding f,
         const std::string& tool, const std::string& input) {
  if (f.fingerprint.empty()) f.fingerprint = tsan::fingerprint(f);
  if (const auto it = index.find(f.fingerprint); it != index.end()) {
    DiagnosedFinding& have = d.findings[it->second];
    have.finding.count += f.count;
    have.finding.incomplete = have.finding.incomplete && f.incomplete;
    if (have.inputs.back() != input) have.inputs.push_back(input);
    return;
  }
  DiagnosedFinding n;
  n.finding = std::move(f);
  n.tool = tool;
  n.inputs.push_back(input);
  d.findings.push_back(std::move(n));
  index.emplace(d.findings.back().finding.fingerprint, d.findings.size() - 1);
}

bool memory_access(const tsan::Location& l) {
  return l.access.find("read") != std::string::npos || l.access.find("write") != std::string::npos;
}

}  // namespace

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string diagnosis_totals(const Diagnosis& d) {
  return fmt::format("{}, {}, {}", plural(d.inputs.size(), "input", "inputs"),
                     plural(static_cast<std::size_t>(d.reports), "report", "reports"),
                     plural(d.findings.size(), "finding", "findings"));
}

std::string baseline_summary(const Diagnosis& d) {
  return fmt::format("Baseline: {} new, {} known, {} gone (against {}).", d.new_findings(),
                     static_cast<int>(d.findings.size()) - d.new_findings(), d.gone.size(), d.baseline);
}

std::string held_text(const tsan::Location& l) {
  if (!l.mutexes_known) return "";
  std::vector<std::string> parts;
  if (!memory_access(l) && l.access != "lock" && l.access != "read lock") {
    for (const tsan::HeldMutex& m : l.mutexes) parts.push_back(tsan::mutex_label(m));
    return parts.empty() ? "" : "mutex " + joined(parts, ", ");
  }
  if (l.mutexes.empty()) return memory_access(l) ? "no lock held" : "";
  // A mode the report does not give is left out: "holding queue->mu".
  for (const tsan::HeldMutex& m : l.mutexes)
    parts.push_back(m.mode_known ? tsan::mode_word(m) + " " + tsan::mutex_label(m) : tsan::mutex_label(m));
  return "holding " + joined(parts, ", ");
}

std::string shown_path(const std::string& path, const SourceSettings& settings) {
  for (const std::string& prefix : settings.strip_prefixes)
    if (!prefix.empty() && path.starts_with(prefix)) return path.substr(prefix.size());
  // A file under --src-root, or under the folder diagnose runs in, is shown
  // from there: the path a reader opens.
  std::error_code ec;
  for (const fs::path& c : under_root(path, settings))
    if (fs::is_regular_file(c, ec))
      return c.lexically_normal().lexically_relative(fs::path(settings.src_root).lexically_normal()).string();
  for (const fs::path& base : {settings.src_root.empty() ? fs::path() : fs::weakly_canonical(settings.src_root, ec),
                               fs::current_path(ec)}) {
    const std::string b = base.string();
    if (!b.empty() && b != "/" && path.starts_with(b + "/")) return path.substr(b.size() + 1);
  }
  return path;
}

Diagnosis diagnose(const std::vector<DiagnoseInput>& inputs, const SourceSettings& settings,
                   const std::vector<Scenario>& scenarios) {
  Diagnosis d;
  SourceFiles files(settings);
  const auto user_file = [&settings](std::string_view file) { return is_user_path(file, settings); };
  tsan::Program program;
  program.is_user_file = user_file;
  program.source = [&files](std::string_view file) { return files.text(std::string(file)); };
  std::unordered_map<std::string, std::size_t> index;  // fingerprint -> position in d.findings
  for (const DiagnoseInput& in : inputs) {
    d.inputs.push_back(in.name);
    const tsan::Log log = tsan::parse(in.text);
    for (const std::string& e : log.fatal_errors) d.tool_errors.push_back(in.name + ": " + e);
    d.reports += static_cast<int>(log.warnings.size());
    for (tsan::Finding& f : tsan::group(log, program)) add(d, index, std::move(f), "ThreadSanitizer", in.name);
    tsan::Log go = tsan::parse_go(in.text);
    tsan::infer_go_locks(go, program.source);
    d.reports += static_cast<int>(go.warnings.size());
    for (tsan::Finding& f : tsan::group(go, program)) add(d, index, std::move(f), "Go race detector", in.name);
    asan::Log alog = asan::parse(in.text, user_file);
    d.reports += alog.reports;
    for (tsan::Finding& f : alog.findings) {
      const bool ub = f.kind.find("undefined") != std::string::npos || f.kind.find("runtime error") != std::string::npos;
      add(d, index, std::move(f), ub ? "UndefinedBehaviorSanitizer" : "AddressSanitizer", in.name);
    }
  }
  for (DiagnosedFinding& f : d.findings) {
    f.lesson = tsan::match_lesson(f.finding, scenarios);
    for (const tsan::Location& l : f.finding.locations) f.source_lines.push_back(files.line(l.file, l.line));
  }
  return d;
}

}  // namespace lockedges
