// lockedges — ThreadSanitizer warnings grouped into findings: the many
// warnings one bug produces folded into one per place in the case's own
// code, each with a one-sentence diagnosis. See tsan_log.hpp.
#include <unordered_set>
#include <utility>

#include "detection/tsan_log.hpp"
#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

constexpr string_view kLockOrderKind = "lock-order-inversion";

bool is_free_frame(const Frame& f) {
  string_view fn = f.function;
  return fn.starts_with("operator delete") || fn == "free";  // as libtsan names them
}

std::string access_label(const Access& a) {
  if (a.write && !a.stack.empty() && is_free_frame(a.stack.front())) return "free";
  std::string s = a.atomic ? "atomic " : "";
  return s + (a.write ? "write" : "read");
}

bool safe_is_case(const std::function<bool(string_view)>& is_case_file, const std::string& file) {
  if (!is_case_file || file.empty()) return false;
  try {
    return is_case_file(file);
  } catch (...) {
    return false;
  }
}

void place(Location& loc, const std::vector<Frame>& stack,
           const std::function<bool(string_view)>& is_case_file) {
  for (const Frame& f : stack) {
    if (safe_is_case(is_case_file, f.file)) {
      loc.file = f.file;
      loc.line = f.line;
      return;
    }
  }
}

// ---- diagnosis sentences ----------------------------------------------------

std::string who(const std::string& thread) {
  if (thread == "main thread") return "the main thread";
  if (thread.empty()) return "a thread";
  return "thread " + thread;
}

std::string whose(const Access& a) { return who(a.thread) + "'s " + access_label(a); }

// "a shared (read) lock on M9 and an exclusive (write) lock on M10"
std::string locks_held(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes)
    parts.push_back((m.shared ? "a shared (read) lock on " : "an exclusive (write) lock on ") + m.id);
  return joined(parts, " and ");
}

std::string ids(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes) parts.push_back(m.id);
  return joined(parts, ", ");
}

bool only_shared(const Access& a) {
  if (a.mutexes.empty()) return false;
  for (const HeldMutex& m : a.mutexes)
    if (!m.shared) return false;
  return true;
}

// A set rather than a pair of loops: a made-up header may list a hundred
// thousand mutexes on each side.
bool share_a_mutex(const Access& x, const Access& y) {
  std::unordered_set<string_view> held;
  for (const HeldMutex& a : x.mutexes) held.insert(a.id);
  for (const HeldMutex& b : y.mutexes)
    if (held.count(b.id)) return true;
  return false;
}

std::string race_diagnosis(const Warning& w) {
  if (w.accesses.size() < 2)
    return "data race: two threads access the same memory without synchronisation and at least one "
           "of them writes.";
  const Access& a = w.accesses[0];
  const Access& b = w.accesses[1];
  if (a.atomic != b.atomic)
    return "atomic and plain accesses mixed: " + whose(a) + " races with " + whose(b) +
           "; an atomic operation only synchronises with other atomic operations on the same "
           "variable.";
  const Access& wr = a.write ? a : b;  // a race always has at least one write
  const Access& other = &wr == &a ? b : a;
  if (wr.mutexes.empty())
    return "write with no lock held: " + who(wr.thread) + "'s " + access_label(wr) +
           " takes no lock, so " +
           (other.mutexes.empty() ? who(other.thread) + "'s " + access_label(other) +
                                        " is not ordered against it at all."
                                  : locks_held(other) + " held by " + whose(other) +
                                        " cannot exclude it.");
  if (only_shared(wr)) {
    std::string s = "write under a shared (read) lock: a shared lock does not exclude other readers, so " +
                    whose(wr) + " races with " + whose(other);
    if (only_shared(other) && share_a_mutex(wr, other))
      s += "; both hold " + ids(wr) + " only in shared mode";
    return s + ".";
  }
  if (other.mutexes.empty())
    return other.write ? "write with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it."
                       : "read with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it.";
  if (!share_a_mutex(wr, other))
    return "the two accesses hold different locks: " + whose(wr) + " holds " + ids(wr) + ", " +
           whose(other) + " holds " + ids(other) + ", so neither excludes the other.";
  return "data race: " + whose(a) + " and " + whose(b) +
         " are not ordered by the locks they hold (" + ids(a) + " / " + ids(b) + ").";
}

std::string lock_order_diagnosis(const Warning& w, const std::vector<LockAcquisition>& steps) {
  std::vector<std::string> parts;
  for (const LockAcquisition& s : steps)
    parts.push_back(who(s.thread) + " takes " + s.acquired + " while holding " + s.held);
  std::string what = parts.empty() ? std::string() : ": " + joined(parts, ", ");
  if (steps.size() > 2)
    return "threads take locks in a cyclic order (" + joined(w.cycle, " => ") + ")" + what +
           "; run at the same time they can deadlock.";
  return "two threads take the same two locks in opposite orders" + what +
         "; run at the same time they can deadlock.";
}

std::string use_after_free_diagnosis(const Warning& w) {
  const Access* freed = nullptr;
  const Access* use = nullptr;
  for (const Access& a : w.accesses) {
    if (access_label(a) == "free") freed = freed ? freed : &a;
    else use = use ? use : &a;
  }
  if (!freed || !use) return "use after free: memory is accessed after it was freed.";
  return "use after free: " + who(use->thread) + "'s " + access_label(*use) +
         " touches memory that " + who(freed->thread) +
         " freed; no synchronisation makes the use finish before the free.";
}

std::string kind_diagnosis(const std::string& kind) {
  if (kind == "thread leak") return "a thread was neither joined nor detached before the program ended.";
  if (kind == "double lock of a mutex") return "a thread locked a mutex it already holds.";
  if (kind.starts_with("unlock of an unlocked mutex"))
    return "a mutex was unlocked by a thread that does not hold it.";
  if (kind == "destroy of a locked mutex") return "a mutex was destroyed while still locked.";
  return "ThreadSanitizer reports a " + kind + ".";
}

Finding make_finding(const Warning& w, const std::function<bool(string_view)>& is_case_file) {
  Finding f;
  f.kind = w.kind;
  f.summary = w.summary;
  f.incomplete = !w.complete;
  if (w.kind.starts_with(kLockOrderKind)) {
    std::vector<LockAcquisition> steps;
    for (const Section& s : w.sections) {
      const auto parsed = parse_lock_section(s.header);
      if (!parsed) continue;
      const LockAcquisition& step = *parsed;
      Location loc;
      loc.access = "lock";
      loc.thread = step.thread;
      loc.mutexes.push_back(HeldMutex{step.held, false});  // the report gives no mode
      place(loc, s.stack, is_case_file);
      f.locations.push_back(std::move(loc));
      steps.push_back(step);
    }
    f.diagnosis = lock_order_diagnosis(w, steps);
    return f;
  }
  for (const Access& a : w.accesses) {
    Location loc;
    loc.access = access_label(a);
    loc.thread = a.thread;
    loc.mutexes = a.mutexes;
    place(loc, a.stack, is_case_file);
    f.locations.push_back(std::move(loc));
  }
  if (w.kind.starts_with("data race")) f.diagnosis = race_diagnosis(w);
  else if (w.kind.starts_with("heap-use-after-free")) f.diagnosis = use_after_free_diagnosis(w);
  else f.diagnosis = kind_diagnosis(w.kind);
  return f;
}

}  // namespace

std::vector<Finding> group(const Log& log, const std::function<bool(std::string_view file)>& is_case_file) {
  std::vector<Finding> out;
  try {
    FindingGroups groups(out);
    for (const Warning& w : log.warnings) {
      Finding f = make_finding(w, is_case_file);
      f.count = 1;
      groups.add(std::move(f));
    }
  } catch (...) {  // bad_alloc: return what was grouped so far
  }
  return out;
}

}  // namespace lockedges::tsan
