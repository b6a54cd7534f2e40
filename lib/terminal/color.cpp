#include "terminal/color.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>

namespace lockedges {

bool use_color(bool no_color_flag, int fd) {
  if (no_color_flag) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return ::isatty(fd) == 1;
}

fmt::text_style Palette::thread(int index) const {
  if (!color_) return {};
  // Bright colours that stay readable on both dark and light backgrounds.
  static constexpr std::array<fmt::terminal_color, 6> kThreadColors = {
      fmt::terminal_color::bright_cyan,  fmt::terminal_color::bright_magenta, fmt::terminal_color::bright_yellow,
      fmt::terminal_color::bright_green, fmt::terminal_color::bright_blue,    fmt::terminal_color::bright_red};
  const auto slot = static_cast<std::size_t>(index < 0 ? 0 : index) % kThreadColors.size();
  return fmt::fg(kThreadColors[slot]) | fmt::emphasis::bold;
}

fmt::text_style Palette::heading() const { return color_ ? fmt::emphasis::bold : fmt::text_style{}; }

fmt::text_style Palette::dim() const { return color_ ? fmt::emphasis::faint : fmt::text_style{}; }

fmt::text_style Palette::bad() const {
  return color_ ? fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold : fmt::text_style{};
}

fmt::text_style Palette::good() const {
  return color_ ? fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold : fmt::text_style{};
}

std::string Palette::paint(std::string_view text, fmt::text_style style) const {
  if (!color_ || text.empty()) return std::string(text);
  return fmt::format(style, "{}", text);
}

}  // namespace lockedges
