// lockedges — findings: what a detector's log says, per place in the case's
// own code, whichever detector wrote it (ThreadSanitizer, AddressSanitizer,
// UBSan) and however many warnings and runs said it.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "case_api/signal.hpp"

namespace lockedges::tsan {

// "read M10" -> {"M10", true}; "write M10" -> {"M10", false}.
struct HeldMutex {
  std::string id;
  bool shared = false;
  // False where the report does not say how the mutex is held: a
  // lock-order inversion's held mutex without second_deadlock_stack=1.
  bool mode_known = true;
  // The mutex by where it was created: the lock expression on that line of
  // source ("idx.mu_"), else "file.cpp:12"; "" when the report does not say.
  std::string name;
};

// mutex_label — the mutex as a reader knows it: its name, else TSan's id.
std::string mutex_label(const HeldMutex& m);
// mode_word — "shared", "exclusive", or "held" where the report does not
// say which; mode_json_word — the same as report.json spells it: "read",
// "write", "held".
std::string mode_word(const HeldMutex& m);
std::string mode_json_word(const HeldMutex& m);

// One stack line: "    #4 operator() /src/x.cpp:34 (x+0x2836)".
// "<null>" function or file becomes "" (TSan's spelling for "unknown").
struct Frame {
  int index = 0;
  std::string function;  // may contain spaces, parens, colons (templates)
  std::string file;
  int line = 0;
  int column = 0;        // 0 when the symbolizer gave none (g++'s libtsan never does)
  std::string module;    // "x", "libstdc++.so.6" — without the "+0x..." offset
};

// Where one access (or one lock acquisition) of a finding happened in case code.
struct Location {
  std::string file;    // "" with line 0 when no frame of the stack is case code
  int line = 0;
  std::string function;  // of that frame
  std::string access;  // "read", "write", "atomic read", "atomic write", "free", "lock"
  std::string thread;  // "T4", "main thread"
  std::vector<HeldMutex> mutexes;  // held during the access; for "lock", the mutex already held
  bool mutexes_known = true;       // false for detectors that do not track locks (ASan)
  std::vector<Frame> stack;        // the whole stack, top first (empty where the log has none)
};

struct Finding {
  std::string kind;
  std::vector<Location> locations;  // in the order of the first warning's accesses
  int count = 0;                    // warnings merged into this finding
  std::string summary;              // of the first warning
  std::string diagnosis;            // one plain-English sentence
  // Every warning merged into it was cut short (the log ended inside it, or
  // one of its lines was cut), so a location or a lock may be missing.
  bool incomplete = false;
  // What identifies the bug across runs, builds and machines (fingerprint.hpp):
  // 16 hex digits, "" where not computed.
  std::string fingerprint;
  // What the warning shows that a lesson may recognise (lessons.hpp).
  std::vector<Signal> signals;
};

// Adds `finding` to `into`: when one there has the same kind and the same
// file:line for every location, its count grows by finding.count (incomplete
// only if both were); otherwise `finding` is appended. Shared by every
// detector's log, and by the driver when it merges the findings of several
// runs. Linear in into.size(); to add many, use FindingGroups.
void merge(std::vector<Finding>& into, Finding finding);

// FindingGroups — merge() for many findings: the findings of a vector indexed
// by what merge() compares, so each add() takes the same time however many
// there are, and they stay in order of first appearance. The vector must
// outlive it and change only through add() while it lives.
class FindingGroups {
 public:
  // What makes two findings one: the same kind and file:line for every
  // location (a run of the suite, whose lines are its own), or the same
  // fingerprint (an engineer's logs from several runs and builds).
  enum class By { kPlace, kFingerprint };
  explicit FindingGroups(std::vector<Finding>& into, By by = By::kPlace);

  // FindingGroups::add — merge(into, finding), in constant time.
  void add(Finding finding);

 private:
  std::string key_of(const Finding& f) const;

  std::vector<Finding>& into_;
  By by_;
  std::unordered_map<std::string, std::size_t> index_;  // key -> position in into_
};

}  // namespace lockedges::tsan
