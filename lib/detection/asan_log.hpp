// lockedges — AddressSanitizer, LeakSanitizer and UBSan reports, parsed.
//
// The ASan sibling (`lockedges-asan`) sees what ThreadSanitizer cannot: a
// callback that reads a local of a function that has already returned is
// stack-use-after-return to ASan and nothing at all to TSan. This reads its
// log into the same Finding shape as tsan::group, keyed on the first frame
// in the case's own file. Hand-written for the same reason as tsan_log: no
// library parses sanitizer reports.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "detection/findings.hpp"

namespace lockedges::asan {

struct Log {
  std::vector<tsan::Finding> findings;  // grouped; count = reports merged
  int reports = 0;                      // ERROR / runtime error reports seen
};

// Parses an ASan/LSan/UBSan log. Never throws; unknown lines are skipped.
Log parse(std::string_view text, const std::function<bool(std::string_view file)>& is_case_file);

}  // namespace lockedges::asan
