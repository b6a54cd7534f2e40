// lockedges — a finding's fingerprint: the same bug gets the same one in
// every run, build and checkout.
//
// A report's addresses, pids, thread ids and mutex ids change from run to
// run, its paths from checkout to checkout and its line numbers with every
// edit above the bug. What stays is the kind of report and the functions of
// the program's own code that made each access: the fingerprint is a hash
// of the kind and the sorted (file name, function, access) of each
// location, so the two sides of a race give one fingerprint in either
// order.
#pragma once

#include <string>
#include <string_view>

#include "detection/findings.hpp"

namespace lockedges::tsan {

// fingerprint — 16 lower-case hex digits for `finding` (its kind and
// locations; nothing else is read).
std::string fingerprint(const Finding& finding);

// function_key — the function as the fingerprint reads it: without its
// parameter list and without GCC's ".constprop.0"/"[clone .cold]"
// suffixes, so a changed signature or an optimiser's copy of the function
// does not change the fingerprint. "Index::lookup(int) const" -> "Index::lookup".
std::string function_key(std::string_view function);

}  // namespace lockedges::tsan
