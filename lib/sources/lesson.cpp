#include "sources/lesson.hpp"

#include <cctype>
#include <limits>
#include <optional>

#include "sources/source.hpp"
#include "util/text.hpp"

namespace lockedges {

namespace {

constexpr std::size_t kMaxLabel = 24;

// The label a comment's text opens with: " Pitfall: ..." -> "Pitfall", with
// `rest` the text after it. A label starts with a capital right after the
// `// `, holds letters, digits, spaces and '+', and ends with a colon that
// ends the text or is followed by a space.
std::optional<std::string_view> label_of(std::string_view text, std::string_view& rest) {
  if (text.size() < 2 || text[0] != ' ' || !std::isupper(static_cast<unsigned char>(text[1]))) return std::nullopt;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon - 1 > kMaxLabel) return std::nullopt;
  if (colon + 1 < text.size() && text[colon + 1] != ' ') return std::nullopt;
  const std::string_view label = text.substr(1, colon - 1);
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '+') return std::nullopt;
  rest = trim(text.substr(colon + 1));
  return label;
}

// Whether `text` opens a numbered step, "3. ...": the text after the number.
std::optional<std::string_view> step_of(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || text.substr(digits, 2) != ". ") return std::nullopt;
  return text.substr(digits + 2);
}

void append(std::string& to, std::string_view words) {
  if (words.empty()) return;
  if (!to.empty()) to += ' ';
  to += words;
}

}  // namespace

Lesson parse_lesson(std::string_view source) {
  Lesson lesson;
  std::string* prose = nullptr;               // the section being read, unless it is the interleaving
  std::vector<std::string>* steps = nullptr;  // the interleaving, while it is being read
  auto take = [&](std::string_view text) {
    if (text.empty()) return;
    if (steps != nullptr) {
      if (const auto step = step_of(text)) {
        steps->emplace_back(*step);
        return;
      }
      if (steps->empty()) steps->emplace_back();
      append(steps->back(), text);
    } else if (prose != nullptr) {
      append(*prose, text);
    }
  };
  for (const std::string& line : source_lines(source, 1, std::numeric_limits<int>::max())) {
    if (!line.starts_with("//")) break;  // the header comment ends
    const std::string_view text = std::string_view(line).substr(2);
    std::string_view rest;
    if (const auto label = label_of(text, rest)) {
      prose = nullptr;
      steps = nullptr;
      if (*label == "Pitfall") prose = &lesson.pitfall;
      else if (*label == "Interleaving") steps = &lesson.interleaving;
      else if (*label == "Fix") prose = &lesson.fix;
      else if (*label == "Guideline") prose = &lesson.guideline;
      else if (*label == "Go origin") prose = &lesson.go_origin;
      else if (*label == "Not in C++") prose = &lesson.cpp_differs;
      take(rest);
    } else if (trim(text).empty()) {
      prose = nullptr;  // a blank comment line ends a section
      steps = nullptr;
    } else {
      take(trim(text));  // a continuation line, or a line outside any section
    }
  }
  return lesson;
}

Lesson lesson_of(const Scenario& scenario) {
  const auto text = embedded_source(scenario.source_path());
  return text ? parse_lesson(*text) : Lesson{};
}

}  // namespace lockedges
