#include "detection/findings.hpp"

#include <string>
#include <utility>

namespace lockedges::tsan {

std::string mutex_label(const HeldMutex& m) { return m.name.empty() ? m.id : m.name; }
std::string mode_word(const HeldMutex& m) { return !m.mode_known ? "held" : m.shared ? "shared" : "exclusive"; }
std::string mode_json_word(const HeldMutex& m) { return !m.mode_known ? "held" : m.shared ? "read" : "write"; }

// Kind plus file:line of every location; '\n' cannot occur inside a line.
std::string FindingGroups::key_of(const Finding& f) const {
  if (by_ == By::kFingerprint) return f.fingerprint;
  std::string key = f.kind;
  for (const Location& l : f.locations) {
    key += '\n';
    key += l.file;
    key += ':';
    key += std::to_string(l.line);
  }
  return key;
}

void merge(std::vector<Finding>& into, Finding finding) { FindingGroups(into).add(std::move(finding)); }

FindingGroups::FindingGroups(std::vector<Finding>& into, By by) : into_(into), by_(by) {
  index_.reserve(into_.size());
  for (std::size_t i = 0; i < into_.size(); ++i) index_.try_emplace(key_of(into_[i]), i);
}

void FindingGroups::add(Finding finding) {
  std::string key = key_of(finding);
  if (const auto it = index_.find(key); it != index_.end()) {
    Finding& group = into_[it->second];
    group.count += finding.count;
    group.incomplete = group.incomplete && finding.incomplete;
    return;
  }
  // Appended before it is indexed: a bad_alloc leaves no index entry
  // pointing past the end.
  into_.push_back(std::move(finding));
  index_.emplace(std::move(key), into_.size() - 1);
}

}  // namespace lockedges::tsan
