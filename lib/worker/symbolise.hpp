// lockedges — the symbolising service, child side: `lockedges-tsan
// symbolise` (hidden) answers what the driver's forced-schedule children left
// unsymbolised (lib/child/symboliser.hpp holds the protocol and the parent
// side).
//
// A sanitizer build symbolises with the runtime's own symboliser
// (__sanitizer_symbolize_pc), so every frame reads as the child would have
// printed it; the plain build has no such runtime and refuses.
#pragma once

#include <istream>
#include <ostream>

namespace lockedges {

// Answers requests from `in` on `out` until end of input; returns the exit
// status (kExitOk, or kExitEnvironment where this build cannot symbolise).
int run_symbolise_service(std::istream& in, std::ostream& out);

}  // namespace lockedges
