// What each parser of outside text must hold to for any input at all: a
// ThreadSanitizer log, an ASan/UBSan log, a gperftools CPU profile, a
// worker's result. Checked by the libFuzzer targets (fuzz/) on every input
// they make, and by the unit tests on every input the fuzzers kept
// (tests/fixtures/fuzz/<target>/), so the two check the same things.
//
// Each function returns "" when the input held, else what broke. An
// exception escaping a parser breaks the first promise of all four.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "child/protocol.hpp"
#include "detection/asan_log.hpp"
#include "detection/go_race_log.hpp"
#include "detection/tsan_log.hpp"
#include "profiles/cpu_profile.hpp"

namespace lockedges::checks {

namespace detail {

// A case-file predicate that depends on the input, so both answers (and a
// throw, which must count as "not case code") are reached.
inline bool case_file(std::string_view file) {
  if (file.find("throw") != std::string_view::npos) throw std::runtime_error("predicate threw");
  return file.size() % 2 == 0;
}

template <typename Finding>
std::string counted(const std::vector<Finding>& findings, long expected, const char* what) {
  long total = 0;
  for (const auto& f : findings) {
    if (f.count < 1) return "a finding counts " + std::to_string(f.count) + " " + what;
    total += f.count;
  }
  if (total != expected)
    return "findings count " + std::to_string(total) + " " + what + " of " + std::to_string(expected);
  return "";
}

inline std::string tsan_log(std::string_view text) {
  const tsan::Log log = tsan::parse(text);
  if (log.reported < -1) return "reported is " + std::to_string(log.reported);
  bool all_complete = true, all_cut = true;
  for (const tsan::Warning& w : log.warnings) {
    (w.complete ? all_cut : all_complete) = false;
    for (const tsan::Access& a : w.accesses) {
      if (a.thread.empty()) return "an access with no thread";
      if (a.size < 0) return "an access of negative size";
      for (const tsan::Frame& f : a.stack)
        if (f.index < 0 || f.line < 0 || f.column < 0) return "a frame with a negative number";
    }
    for (const tsan::Section& s : w.sections) static_cast<void>(tsan::parse_lock_section(s.header));
  }
  const auto findings = tsan::group(log, case_file);
  if (auto broke = counted(findings, static_cast<long>(log.warnings.size()), "warnings"); !broke.empty())
    return broke;
  for (const tsan::Finding& f : findings) {
    if (all_complete && f.incomplete) return "an incomplete finding from whole warnings";
    if (all_cut && !f.incomplete) return "a whole finding from cut warnings";
  }
  return "";
}

// Go's race reports, with the text itself as the source of every frame, so
// the lock heuristics read hostile "source" too.
inline std::string go_race_log(std::string_view text) {
  tsan::Log log = tsan::parse_go(text);
  if (log.reported < -1) return "reported is " + std::to_string(log.reported);
  tsan::infer_go_locks(log, [text](std::string_view) { return std::string(text); });
  for (const tsan::Warning& w : log.warnings) {
    if (w.accesses.empty()) return "a warning with no access";
    for (const tsan::Access& a : w.accesses) {
      if (a.thread.empty()) return "an access with no thread";
      for (const tsan::HeldMutex& m : a.mutexes)
        if (m.id.empty()) return "a held mutex with no name";
      for (const tsan::Frame& f : a.stack)
        if (f.line < 0) return "a frame with a negative line";
    }
  }
  tsan::Program program;
  program.source = [text](std::string_view) { return std::string(text); };
  const auto findings = tsan::group(log, program);
  return counted(findings, static_cast<long>(log.warnings.size()), "warnings");
}

inline std::string asan_log(std::string_view text) {
  const asan::Log log = asan::parse(text, case_file);
  if (log.findings.size() > static_cast<std::size_t>(log.reports)) return "more findings than reports";
  return counted(log.findings, log.reports, "reports");
}

inline std::string cpu_profile(std::string_view bytes) {
  std::string error;
  const auto profile = profile::read_cpu_profile(bytes, error);
  if (!profile) return error.empty() ? "refused with no error" : "";
  if (!error.empty()) return "a profile and an error: " + error;
  // Every address and every sample's two header words came from the file.
  std::size_t words = 0;
  for (const auto& s : profile->samples) words += 2 + s.pcs.size();
  if (words > bytes.size() / 8) return "more sample words than the file holds";
  for (const auto& m : profile->mappings)
    if (m.path.find('\n') != std::string::npos) return "a mapping's path runs over a line";
  return "";
}

inline std::string same_event(const Event& a, const Event& b, bool with_peer) {
  if (a.seq != b.seq || a.t_ns != b.t_ns || a.thread != b.thread || a.kind != b.kind || a.what != b.what ||
      (with_peer && a.peer != b.peer))
    return "an event changed on its way back";
  return "";
}

inline std::string worker_result(std::string_view text) {
  const auto r = parse_worker_result(text);
  if (!r) return "";
  // What was accepted, written and read again, is the same: the parent and
  // the child agree on every field (a result's events carry no peer).
  const auto again = parse_worker_result(to_json(*r).dump());
  if (!again) return "a result written back is refused";
  if (again->scenario != r->scenario || again->variant != r->variant || again->mode != r->mode ||
      again->schedule_completed != r->schedule_completed || again->elapsed_seconds != r->elapsed_seconds ||
      again->ops != r->ops || again->symptoms != r->symptoms || again->threads != r->threads ||
      again->worker_threads != r->worker_threads || again->deadlock != r->deadlock ||
      again->events.size() != r->events.size() || again->locks.size() != r->locks.size())
    return "a result changed on its way back";
  for (std::size_t i = 0; i < r->events.size(); ++i) {
    if (auto broke = same_event(r->events[i], again->events[i], false); !broke.empty()) return broke;
    StepEvent step{r->events[i], "t"}, back;
    if (!from_line(to_line(step), back)) return "a step line written back is refused";
    if (auto broke = same_event(step.event, back.event, true); !broke.empty()) return broke;
  }
  for (std::size_t i = 0; i < r->locks.size(); ++i)
    if (to_json(r->locks[i]) != to_json(again->locks[i])) return "a lock's statistics changed on their way back";
  return "";
}

// The parser's check, with a throw reported as what broke.
template <typename Check>
std::string guarded(Check check, std::string_view input) {
  try {
    return check(input);
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  } catch (...) {
    return "threw something that is not a std::exception";
  }
}

}  // namespace detail

inline std::string tsan_log(std::string_view text) { return detail::guarded(detail::tsan_log, text); }
inline std::string asan_log(std::string_view text) { return detail::guarded(detail::asan_log, text); }
inline std::string go_race_log(std::string_view text) { return detail::guarded(detail::go_race_log, text); }
inline std::string cpu_profile(std::string_view bytes) { return detail::guarded(detail::cpu_profile, bytes); }
inline std::string worker_result(std::string_view text) { return detail::guarded(detail::worker_result, text); }

}  // namespace lockedges::checks
