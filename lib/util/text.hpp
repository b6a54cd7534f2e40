// lockedges — the few string helpers every part needs, written once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lockedges {

// `s` without leading and/or trailing spaces, tabs, carriage returns and newlines.
std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

// `words` with `separator` between them: {"a", "b"} -> "a, b".
std::string joined(const std::vector<std::string>& words, std::string_view separator = ", ");

// Display width of UTF-8 `text` without its colour escapes (one column per
// code point: the suite prints no wide characters).
std::size_t display_width(std::string_view text);

// The first `width` display columns of plain UTF-8 `text`.
std::string cut_to_width(std::string_view text, std::size_t width);

// `text` broken at spaces into lines of at most `width` display columns; a
// word longer than that is cut. Never empty: no text gives one empty line.
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

// Line `n` (from 1) of `text` without its line end; "" past the end.
std::string_view line_at(std::string_view text, int n);

// `s` in ASCII lower case.
std::string lowercase(std::string_view s);

// `text` safe in HTML and XML (the pages, their SVG, the flame graphs):
// & < > " and ' as character references.
std::string html_escape(std::string_view text);

}  // namespace lockedges
