#include "driving/case_program.hpp"

#include <string>

#include "sources/source.hpp"

namespace lockedges {

tsan::Program case_program(const Scenario& scenario) {
  tsan::Program program;
  const std::string path = scenario.source_path();
  program.is_user_file = [path](std::string_view file) { return is_source_file(file, path); };
  program.source = [path](std::string_view file) -> std::string {
    if (!is_source_file(file, path)) return "";
    const auto text = embedded_source(path);
    return text ? std::string(*text) : std::string();
  };
  return program;
}

}  // namespace lockedges
