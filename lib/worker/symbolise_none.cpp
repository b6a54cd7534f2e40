#include "worker/symbolise.hpp"

#include <spdlog/spdlog.h>

#include "util/exit_status.hpp"

namespace lockedges {

int run_symbolise_service(std::istream&, std::ostream&) {
  spdlog::error("symbolise runs in the sanitizer builds only (lockedges-tsan, lockedges-asan)");
  return kExitEnvironment;
}

}  // namespace lockedges
