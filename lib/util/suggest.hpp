// lockedges — "did you mean": the closest valid choice to a mistyped word.
//
// Hand-written: an edit distance is a dozen lines, and neither CLI11 nor any
// Debian-packaged library we use offers suggestions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockedges {

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The choice closest to `word`, when it is close enough to be a typo
// (distance at most a third of the word, at least 2), or a choice that
// starts with `word`.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& choices);

}  // namespace lockedges
