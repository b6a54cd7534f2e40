// lockedges — findings: what a detector's log says, per place in the case's
// own code, whichever detector wrote it (ThreadSanitizer, AddressSanitizer,
// UBSan) and however many warnings and runs said it.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace lockedges::tsan {

// "read M10" -> {"M10", true}; "write M10" -> {"M10", false}.
struct HeldMutex {
  std::string id;
  bool shared = false;
};

// Where one access (or one lock acquisition) of a finding happened in case code.
struct Location {
  std::string file;    // "" with line 0 when no frame of the stack is case code
  int line = 0;
  std::string access;  // "read", "write", "atomic read", "atomic write", "free", "lock"
  std::string thread;  // "T4", "main thread"
  std::vector<HeldMutex> mutexes;  // held during the access; for "lock", the mutex already held
  bool mutexes_known = true;       // false for detectors that do not track locks (ASan)
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
  explicit FindingGroups(std::vector<Finding>& into);

  // FindingGroups::add — merge(into, finding), in constant time.
  void add(Finding finding);

 private:
  std::vector<Finding>& into_;
  std::unordered_map<std::string, std::size_t> index_;  // key -> position in into_
};

}  // namespace lockedges::tsan
