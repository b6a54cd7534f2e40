#include "child/binaries.hpp"

#include <filesystem>

namespace lockedges {

Binaries sibling_binaries() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path dir = ec ? fs::current_path() : self.parent_path();
  return {(dir / "lockedges").string(), (dir / "lockedges-tsan").string(), (dir / "lockedges-asan").string()};
}

}  // namespace lockedges
