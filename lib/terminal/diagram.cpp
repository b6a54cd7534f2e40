#include "terminal/diagram.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "util/text.hpp"

namespace lockedges {

namespace {

constexpr std::string_view kLifeline = "│";
constexpr std::string_view kActs = "●";
constexpr std::string_view kRule = "─";
constexpr std::size_t kMinColumn = 14;  // narrower columns wrap every word: list the events instead
constexpr std::size_t kGap = 2;         // between columns

std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

std::string pad(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width) text.append(width - w, ' ');
  return text;
}

}  // namespace

std::size_t diagram_width(int fd) {
  constexpr std::size_t kWidth = 100;
  winsize size{};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return std::min<std::size_t>(kWidth, size.ws_col);
  return kWidth;
}

ColumnDiagram::ColumnDiagram(const std::vector<Event>& events, std::vector<std::string> thread_names,
                             std::size_t width, std::size_t counter_width, const Palette& palette)
    : names_(std::move(thread_names)), width_(width), gutter_(counter_width + kGap), palette_(palette) {
  for (const auto& e : events)
    if (std::find(threads_.begin(), threads_.end(), e.thread) == threads_.end()) threads_.push_back(e.thread);
  std::sort(threads_.begin(), threads_.end());
  if (!threads_.empty() && width_ > gutter_) {
    const std::size_t each = (width_ - gutter_ + kGap) / threads_.size();
    if (each >= kMinColumn + kGap) column_ = each - kGap;
  }
}

int ColumnDiagram::column_of(int thread) const {
  const auto it = std::find(threads_.begin(), threads_.end(), thread);
  return it == threads_.end() ? -1 : static_cast<int>(it - threads_.begin());
}

std::string ColumnDiagram::name_of(int thread) const {
  return thread >= 0 && thread < static_cast<int>(names_.size()) ? names_[thread]
                                                                  : "thread " + std::to_string(thread);
}

std::string ColumnDiagram::gutter(std::string_view counter) const {
  std::string g(counter);
  return pad(std::move(g), gutter_);
}

std::string ColumnDiagram::header() const {
  if (column_ == 0) return "";
  std::string names = std::string(gutter_, ' ');
  std::string rules = names;
  for (std::size_t c = 0; c < threads_.size(); ++c) {
    const bool last = c + 1 == threads_.size();
    const std::string name = cut_to_width(name_of(threads_[c]), column_);
    names += palette_.paint(name, palette_.thread(threads_[c]));
    if (!last) names.append(column_ + kGap - display_width(name), ' ');
    rules += palette_.paint(repeat(kRule, column_), palette_.thread(threads_[c]));
    if (!last) rules.append(kGap, ' ');
  }
  return names + "\n" + rules + "\n";
}

std::string ColumnDiagram::row(const Event& event, std::string_view counter) const {
  const int acting = column_of(event.thread);
  const auto style = palette_.thread(event.thread);
  if (column_ == 0 || acting < 0) {
    // No room for columns (or a thread the header did not show): one line, name first.
    const std::string head = gutter(counter) + name_of(event.thread) + ": ";
    std::string out;
    const auto lines = wrap_text(event.what, width_ > display_width(head) ? width_ - display_width(head) : 20);
    for (std::size_t i = 0; i < lines.size(); ++i)
      out += (i == 0 ? gutter(counter) + palette_.paint(name_of(event.thread) + ":", style) + " "
                     : std::string(display_width(head), ' ')) +
             palette_.paint(lines[i], style) + "\n";
    return out;
  }
  const auto lines = wrap_text(event.what.empty() ? event.kind : event.what, column_ - 2);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = i == 0 ? gutter(counter) : std::string(gutter_, ' ');
    for (std::size_t c = 0; c < threads_.size(); ++c) {
      const bool last = c + 1 == threads_.size();
      std::string cell;
      if (static_cast<int>(c) == acting)
        cell = palette_.paint(std::string(i == 0 ? kActs : " ") + " " + lines[i], style);
      else
        cell = palette_.paint(kLifeline, palette_.thread(threads_[c]));
      line += last ? cell : pad(cell, column_ + kGap);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string render_diagram(const std::vector<Event>& events, const std::vector<std::string>& thread_names,
                           std::size_t width, const Palette& palette) {
  const std::string widest = std::to_string(events.size()) + ".";
  ColumnDiagram diagram(events, thread_names, width, widest.size(), palette);
  std::string out = diagram.header();
  for (std::size_t i = 0; i < events.size(); ++i)
    out += diagram.row(events[i], std::to_string(i + 1) + ".");
  return out;
}

}  // namespace lockedges
