#include "util/suggest.hpp"

#include <algorithm>

namespace lockedges {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& choices) {
  if (word.empty()) return std::nullopt;
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& choice : choices) {
    const std::size_t d = edit_distance(word, choice);
    if (d < best_distance) best = choice, best_distance = d;
  }
  if (best) return best;
  for (const auto& choice : choices)
    if (choice.size() > word.size() && choice.compare(0, word.size(), word) == 0) return choice;
  return std::nullopt;
}

}  // namespace lockedges
