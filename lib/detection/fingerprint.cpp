#include "detection/fingerprint.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "detection/frames.hpp"

namespace lockedges::tsan {
namespace {

// FNV-1a, 64 bits. Written out because it is four lines and the fingerprint
// must not change with a library's version (std::hash may, between
// standard libraries, and is not required to be the same across runs).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

std::string function_key(std::string_view f) {
  if (const auto clone = f.find(" [clone"); clone != std::string_view::npos) f = f.substr(0, clone);
  if (const auto dot = f.find(".constprop"); dot != std::string_view::npos) f = f.substr(0, dot);
  if (const auto dot = f.find(".isra"); dot != std::string_view::npos) f = f.substr(0, dot);
  // The parameter list is the "(...)" that closes at the end, unless it is
  // the "()" of a bare "operator()".
  while (f.ends_with(" const")) f.remove_suffix(6);
  if (f.ends_with(')')) {
    int depth = 0;
    for (std::size_t i = f.size(); i-- > 0;) {
      if (f[i] == ')') ++depth;
      else if (f[i] == '(' && --depth == 0) {
        if (!f.substr(0, i).ends_with("operator")) f = f.substr(0, i);
        break;
      }
    }
  }
  return std::string(f);
}

std::string fingerprint(const Finding& finding) {
  std::vector<std::string> parts;
  for (const Location& l : finding.locations) {
    const std::string_view where = l.file.empty() && !l.stack.empty() ? l.stack.front().file : l.file;
    const std::string_view function =
        l.function.empty() && !l.stack.empty() ? std::string_view(l.stack.front().function) : l.function;
    parts.push_back(fmt::format("{}|{}|{}", file_name(where), function_key(function), l.access));
  }
  std::sort(parts.begin(), parts.end());
  std::string text = finding.kind;
  for (const std::string& p : parts) text += "\n" + p;
  return fmt::format("{:016x}", fnv1a(text));
}

}  // namespace lockedges::tsan
