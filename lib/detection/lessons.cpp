#include "detection/lessons.hpp"

#include <algorithm>

#include "detection/source_names.hpp"
#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

bool has_part(string_view s, string_view part) { return s.find(part) != string_view::npos; }

bool has_part_nocase(string_view s, string_view part) {
  return has_part(lowercase(s), lowercase(part));
}

// The map's own code: libstdc++'s hashtable, or Go's runtime map
// (runtime.mapassign_faststr, runtime.mapiterinit, .../runtime/map.go).
bool in_hashtable(const Frame& f) {
  return has_part(f.file, "hashtable") || has_part(f.file, "unordered_map.h") ||
         f.function.starts_with("runtime.map") || has_part(f.file, "/runtime/map") ||
         has_part(f.function, "_Hashtable") || has_part(f.function, "unordered_map") ||
         has_part(f.function, "_Map_base");
}

// The frames above the program's first own frame: what the standard
// library was doing for it.
std::vector<const Frame*> library_frames(const std::vector<Frame>& stack, const UserCode& user) {
  std::vector<const Frame*> out;
  for (const Frame& f : stack) {
    if (user(f)) break;
    out.push_back(&f);
  }
  return out;
}

// A write in the map's own structure: insert, erase or rehash.
bool map_structure_write(const Access& a, const UserCode& user) {
  if (!a.write) return false;
  for (const Frame* f : library_frames(a.stack, user)) {
    if (!in_hashtable(*f)) continue;
    for (string_view op : {"_M_insert", "_M_rehash", "_M_emplace", "_M_erase", "operator[]", "try_emplace",
                           "emplace", "insert", "erase", "_M_assign", "clear", "runtime.mapassign",
                           "runtime.mapdelete", "runtime.mapclear", "runtime.growWork", "runtime.evacuate"})
      if (has_part(f->function, op)) return true;
  }
  return false;
}

bool walks_map(const Access& a, const UserCode& user) {
  for (const Frame* f : library_frames(a.stack, user)) {
    if (!in_hashtable(*f) && !has_part(f->function, "_Node_iterator") && !has_part(f->file, "hashtable"))
      continue;
    for (string_view op : {"begin", "_M_next", "operator++", "_M_incr", "size", "_Node_iterator", "end()",
                           "_M_before_begin", "runtime.mapiterinit", "runtime.mapiternext"})
      if (has_part(f->function, op)) return true;
  }
  // An inlined walk: the read is in the program's own frame, on a line
  // that iterates.
  return false;
}

bool holds_only_shared(const Access& a) {
  if (a.mutexes.empty()) return false;
  for (const HeldMutex& m : a.mutexes)
    if (!m.shared) return false;
  return true;
}

bool any_exclusive(const Access& a) {
  for (const HeldMutex& m : a.mutexes)
    if (!m.shared) return true;
  return false;
}

bool disjoint_locks(const Access& x, const Access& y) {
  for (const HeldMutex& a : x.mutexes)
    for (const HeldMutex& b : y.mutexes)
      if (a.id == b.id) return false;
  return true;
}

// A C++ lambda, or a Go closure ("main.(*Table).Lookup.func1").
bool is_lambda(const Frame& f) {
  if (has_part(f.function, "lambda") || f.function == "operator()" || f.function.starts_with("operator()")) return true;
  const std::size_t dot = f.function.rfind(".func");
  return dot != string_view::npos && dot + 5 < f.function.size() &&
         f.function.find_first_not_of("0123456789", dot + 5) == string_view::npos;
}

bool is_destructor(const Frame& f) { return has_part(f.function, "::~") || f.function.starts_with("~"); }

// A lambda that a destructor runs: the lambda's frame with a destructor
// frame under it (in any code: a scope guard may live in a library), or a
// Go closure that a defer runs (runtime.deferreturn under it).
bool run_by_destructor(const Access& a) {
  bool lambda = false;
  for (const Frame& f : a.stack) {
    if (is_lambda(f) || has_part(f.function, "_M_invoke") || has_part(f.function, "std::function")) lambda = true;
    else if (lambda && (is_destructor(f) || f.function == "runtime.deferreturn")) return true;
  }
  return false;
}

const Section* section_starting(const Warning& w, string_view prefix) {
  for (const Section& s : w.sections)
    if (s.header.starts_with(prefix)) return &s;
  return nullptr;
}

// Where the memory of a race lives: a heap block allocated in a map's node
// or for a shared_ptr.
bool element_memory(const Warning& w) {
  const Section* where = section_starting(w, "Location is heap block");
  if (!where) return false;
  for (const Frame& f : where->stack)
    if (has_part(f.function, "_M_allocate_node") || has_part(f.function, "make_shared") ||
        has_part(f.function, "allocate_shared") || has_part(f.function, "_Sp_counted") ||
        has_part(f.function, "__shared_count") || has_part(f.function, "shared_ptr"))
      return true;
  return false;
}

// A function whose name says it runs callbacks later or again: a timer, a
// scheduler, an event loop, a heartbeat. Names are all a report gives of
// what a thread is for.
bool runs_later(const Frame& f) {
  // time.goFunc: the goroutine Go's time.AfterFunc starts for its callback.
  if (f.function == "time.goFunc") return true;
  for (string_view word : {"timer", "loop", "tick", "schedul", "heartbeat", "periodic", "poll"})
    if (has_part_nocase(f.function, word)) return true;
  return false;
}

// The access ran on such a thread: under one of its frames, or on a
// thread that one of them created.
bool on_timer_thread(const Warning& w, const Access& a) {
  for (const Frame& f : a.stack)
    if (runs_later(f)) return true;
  // TSan's "Thread T4 (...) created by", Go's "Goroutine 7 (running) created at".
  const std::string prefix = a.thread == "main thread" || a.thread == "main goroutine" ? ""
                             : a.thread.starts_with("goroutine ") ? "G" + a.thread.substr(1) + " "
                                                                  : "Thread " + a.thread + " ";
  if (prefix.empty()) return false;
  for (const Section& s : w.sections) {
    if (!s.header.starts_with(prefix)) continue;
    for (const Frame& f : s.stack)
      if (runs_later(f)) return true;
  }
  return false;
}

bool runs_callback(const Access& a, const UserCode& user) {
  for (const Frame& f : a.stack)
    if (has_part(f.function, "std::function") || has_part(f.function, "_M_invoke") ||
        (user(f) && is_lambda(f)))
      return true;
  return false;
}


void race_signals(const Warning& w, const UserCode& user, std::vector<Signal>& out) {
  if (w.accesses.size() < 2) return;
  const Access& a = w.accesses[0];
  const Access& b = w.accesses[1];
  for (int side = 0; side < 2; ++side) {
    const Access& x = side == 0 ? a : b;
    const Access& y = side == 0 ? b : a;
    if (map_structure_write(x, user)) {
      if (holds_only_shared(x)) out.push_back(Signal::kMapWriteUnderSharedLock);
      else if (!x.mutexes.empty() && disjoint_locks(x, y)) out.push_back(Signal::kMapWriteUnderOtherLock);
      if (walks_map(y, user)) out.push_back(Signal::kIterationRace);
    }
    if (x.write && !x.atomic && x.mutexes.empty()) {
      if (run_by_destructor(x) && !y.mutexes.empty()) out.push_back(Signal::kScopeExitWrite);
      const bool written_by_program = !x.stack.empty() && user(x.stack.front());
      if (written_by_program && element_memory(w)) out.push_back(Signal::kElementFieldWrite);
    }
    if (x.write && !x.atomic && any_exclusive(x) && !y.write && y.mutexes.empty() && x.size == 8 &&
        y.size == 8) {
      const Frame* fx = first_user_frame(x.stack, user);
      const Frame* fy = first_user_frame(y.stack, user);
      if (fx && fy && fx->function == fy->function) out.push_back(Signal::kDoubleCheckedPointer);
    }
    if (x.write && !x.mutexes.empty() && !x.stack.empty() && x.stack.front().function.starts_with("operator new") &&
        disjoint_locks(x, y))
      out.push_back(Signal::kUnpublishedObject);
    if (on_timer_thread(w, x) && runs_callback(x, user)) out.push_back(Signal::kTimerCallback);
  }
}

}  // namespace

std::vector<Signal> signals_of(const Warning& w, const Finding& finding, const UserCode& user) {
  std::vector<Signal> out;
  if (w.kind.starts_with("data race")) race_signals(w, user, out);
  if (w.kind.starts_with("lock-order-inversion")) {
    out.push_back(Signal::kLockOrderCycle);
    // Two different mutexes of the cycle that are the same member: "mu_"
    // (this object's, in a method) and "child->mu_".
    std::vector<std::string> names;
    for (const Location& l : finding.locations)
      for (const HeldMutex& m : l.mutexes)
        if (!m.name.empty()) names.push_back(m.name);
    for (std::size_t i = 0; i < names.size(); ++i)
      for (std::size_t j = i + 1; j < names.size(); ++j)
        if (names[i] != names[j] && last_member(names[i]) == last_member(names[j]))
          out.push_back(Signal::kLockOrderSameMember);
  }
  if (w.kind.starts_with("heap-use-after-free")) {
    const Access* use = nullptr;
    const Access* freed = nullptr;
    for (const Access& a : w.accesses) {
      const bool frees = a.write && !a.stack.empty() &&
                         (a.stack.front().function.starts_with("operator delete") || a.stack.front().function == "free");
      if (frees) freed = freed ? freed : &a;
      else use = use ? use : &a;
    }
    bool destroyed = false;
    if (freed)
      for (const Frame& f : freed->stack) destroyed = destroyed || is_destructor(f) || has_part(f.function, "_M_dispose");
    if (use && freed && destroyed && runs_callback(*use, user)) out.push_back(Signal::kUseAfterFreeInCallback);
    if (use && on_timer_thread(w, *use) && runs_callback(*use, user)) out.push_back(Signal::kTimerCallback);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<LessonMatch> match_lesson(const Finding& finding, const std::vector<Scenario>& scenarios) {
  std::optional<LessonMatch> best;
  for (const Scenario& s : scenarios) {
    LessonMatch m;
    m.scenario = s.name;
    std::vector<Signature> counted;
    for (const Signature& sig : s.signatures)
      if (std::find(finding.signals.begin(), finding.signals.end(), sig.signal) != finding.signals.end())
        counted.push_back(sig);
    std::stable_sort(counted.begin(), counted.end(),
                     [](const Signature& x, const Signature& y) { return x.weight > y.weight; });
    for (const Signature& sig : counted) {
      m.confidence += sig.weight;
      m.why.push_back(sig.signal);
    }
    m.confidence = std::min(m.confidence, 1.0);
    if (m.confidence < kLessonThreshold) continue;
    if (!best || m.confidence > best->confidence) best = std::move(m);
  }
  return best;
}

}  // namespace lockedges::tsan
