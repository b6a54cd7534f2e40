#include "detection/findings.hpp"

#include <string>
#include <utility>

namespace lockedges::tsan {
namespace {

// Kind plus file:line of every location; '\n' cannot occur inside a line.
std::string key_of(const Finding& f) {
  std::string key = f.kind;
  for (const Location& l : f.locations) {
    key += '\n';
    key += l.file;
    key += ':';
    key += std::to_string(l.line);
  }
  return key;
}

}  // namespace

void merge(std::vector<Finding>& into, Finding finding) {
  const std::string key = key_of(finding);
  for (Finding& g : into)
    if (key_of(g) == key) {
      g.count += finding.count;
      return;
    }
  into.push_back(std::move(finding));
}

}  // namespace lockedges::tsan
