// One libFuzzer target per parser of outside text, from this one file:
// run.sh compiles it once per parser with LOCKEDGES_FUZZ_CHECK set to the
// name of its check in tests/support/parser_checks.hpp (tsan_log, asan_log,
// cpu_profile, worker_result). An input that breaks the check aborts, which
// libFuzzer reports as a crash and saves.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/parser_checks.hpp"

#ifndef LOCKEDGES_FUZZ_CHECK
#error "compile with -DLOCKEDGES_FUZZ_CHECK=<a check of parser_checks.hpp>"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string broke =
      lockedges::checks::LOCKEDGES_FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broke.empty()) {
    std::fprintf(stderr, "parser check failed: %s\n", broke.c_str());
    std::abort();
  }
  return 0;
}
