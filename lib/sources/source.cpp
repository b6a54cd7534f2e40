#include "sources/source.hpp"

#include <map>
#include <span>

#include "util/text.hpp"

namespace lockedges {

namespace {
std::map<std::string, std::string_view, std::less<>>& sources() {
  static std::map<std::string, std::string_view, std::less<>> map;
  return map;
}

}  // namespace

std::optional<std::string_view> embedded_source(std::string_view path) {
  auto it = sources().find(path);
  if (it == sources().end()) return std::nullopt;
  return it->second;
}

void register_embedded_source(std::string_view path, std::string_view text) {
  sources()[std::string(path)] = text;
}

std::vector<Tag> find_tags(std::string_view text, TagKinds kinds) {
  static constexpr std::string_view kGroundTruth[] = {"RACE", "LIFETIME", "DEADLOCK"};
  static constexpr std::string_view kFix[] = {"FIX"};
  const std::span<const std::string_view> wanted =
      kinds == TagKinds::kFix ? std::span<const std::string_view>(kFix) : std::span<const std::string_view>(kGroundTruth);
  std::vector<Tag> tags;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    // A tag lives in a line comment: "// RACE(A): note".
    if (auto comment = line.find("//"); comment != std::string_view::npos) {
      std::string_view rest = trim(line.substr(comment + 2));
      std::string_view kind;
      for (std::string_view k : wanted)
        if (rest.substr(0, k.size() + 1) == std::string(k) + "(") kind = k;
      if (!kind.empty()) {
        const std::size_t open = kind.size() + 1;
        auto close = rest.find(')');
        if (close != std::string_view::npos && close > open) {
          Tag tag;
          tag.kind = std::string(kind);
          tag.id = std::string(rest.substr(open, close - open));
          std::string_view note = rest.substr(close + 1);
          if (!note.empty() && note.front() == ':') note.remove_prefix(1);
          tag.note = std::string(trim(note));
          tag.line = line_no;
          tags.push_back(std::move(tag));
        }
      }
    }
    pos = end + 1;
  }
  return tags;
}

bool is_source_file(std::string_view file, std::string_view path) {
  return file.size() >= path.size() && file.substr(file.size() - path.size()) == path &&
         (file.size() == path.size() || file[file.size() - path.size() - 1] == '/');
}

std::vector<std::string> source_lines(std::string_view text, int first, int last) {
  std::vector<std::string> out;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    if (line_no > last) break;
    if (line_no >= first) out.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string code_of(std::string_view line) {
  return std::string(trim(line.substr(0, line.find("//"))));
}

}  // namespace lockedges
