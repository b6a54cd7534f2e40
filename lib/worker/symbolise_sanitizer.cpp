#include <link.h>
#include <sanitizer/common_interface_defs.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "child/symboliser.hpp"
#include "util/exit_status.hpp"
#include "worker/symbolise.hpp"

namespace lockedges {

namespace {

// Where each module of this process is loaded, by file name: the child that
// wrote the offsets ran this same executable with the same libraries.
struct Modules {
  std::string executable;  // the main program's file name (dl_iterate_phdr gives it no name)
  std::map<std::string, std::uintptr_t> bases;
};

int add_module(dl_phdr_info* info, std::size_t, void* data) {
  auto& modules = *static_cast<Modules*>(data);
  const bool main_program = info->dlpi_name == nullptr || *info->dlpi_name == '\0';
  modules.bases.emplace(main_program ? modules.executable : std::filesystem::path(info->dlpi_name).filename().string(),
                        info->dlpi_addr);
  return 0;
}

Modules loaded_modules() {
  Modules modules;
  std::error_code ec;
  modules.executable = std::filesystem::read_symlink("/proc/self/exe", ec).filename().string();
  dl_iterate_phdr(add_module, &modules);
  return modules;
}

}  // namespace

int run_symbolise_service(std::istream& in, std::ostream& out) {
  const Modules modules = loaded_modules();
  std::vector<char> buffer(1 << 16);
  // The first lookup loads the executable's debug information (about
  // 0.2 s): done now, while the parent still runs its first children.
  __sanitizer_symbolize_pc(reinterpret_cast<void*>(&run_symbolise_service), "%f", buffer.data(), buffer.size());
  for (std::string line; std::getline(in, line);) {
    if (const auto request = parse_symbolise_request(line)) {
      if (auto base = modules.bases.find(std::filesystem::path(request->module).filename().string());
          base != modules.bases.end()) {
        // The runtime takes the address as a return address and looks up
        // the byte before it; the offset is already the one it printed.
        void* pc = reinterpret_cast<void*>(base->second + request->offset + 1);
        buffer[0] = buffer[1] = '\0';
        __sanitizer_symbolize_pc(pc, kSymboliseFrameFormat, buffer.data(), buffer.size() - 1);
        // One NUL-terminated string per frame, innermost first; an empty
        // one ends them.
        for (const char* frame = buffer.data(); *frame != '\0'; frame += std::char_traits<char>::length(frame) + 1)
          out << frame << '\n';
      }
    }
    out << '\n' << std::flush;
  }
  return kExitOk;
}

}  // namespace lockedges
