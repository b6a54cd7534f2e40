// lockedges — colour on the terminal, and when not to use it.
//
// Colour helps on a projector (one colour per thread) and hurts everywhere
// else: in a file, a pipe, a CI log. It is used only when standard output is
// a terminal, `--no-color` was not given, and NO_COLOR is unset or empty
// (the convention of no-color.org: any non-empty value turns colour off).
// The escapes themselves come from fmt's text styles.
#pragma once

#include <string>
#include <string_view>

#include <fmt/color.h>

namespace lockedges {

// use_color — whether output written to `fd` may carry colour escapes.
bool use_color(bool no_color_flag, int fd);

// Palette — the styles one rendering uses; every style is empty when colour
// is off, so code formats the same way either way.
class Palette {
 public:
  explicit Palette(bool color) : color_(color) {}
  bool enabled() const { return color_; }

  // The style of thread `index`: each thread of a run gets its own colour,
  // repeating after the palette's six.
  fmt::text_style thread(int index) const;
  fmt::text_style heading() const;
  fmt::text_style dim() const;
  fmt::text_style bad() const;   // a finding, a broken line
  fmt::text_style good() const;  // a clean verdict, a fixed line

  // `text` in `style`, or `text` unchanged when colour is off.
  std::string paint(std::string_view text, fmt::text_style style) const;

 private:
  bool color_;
};

}  // namespace lockedges
