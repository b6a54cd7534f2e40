// lockedges — the three executables built from the same sources.
//
// The plain build is the one users run; it finds its siblings next to itself
// and runs workers in them as child processes.
#pragma once

#include <string>

namespace lockedges {

struct Binaries {
  std::string plain;  // the build users run (stress, symptoms, profiles)
  std::string tsan;   // the ThreadSanitizer sibling (forced-schedule detection)
  std::string asan;   // the AddressSanitizer + UBSan sibling (lifetime bugs)
};

// The siblings of the running executable: `lockedges`, `lockedges-tsan` and
// `lockedges-asan` in the same directory.
Binaries sibling_binaries();

}  // namespace lockedges
