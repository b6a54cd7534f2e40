// lockedges — the recorded interleaving as a terminal diagram: one column
// per thread, one row per event, time going down.
//
//          writer                     reader
//          ─────────────────────────  ─────────────────────────
//   [1/7]  ● takes shared lock        │
//            counters.mu_             │
//   [2/7]  │                          ● reads visits = 0 under
//          │                            the shared lock
//
// A thread's lifeline (│) runs down its column; the thread acting in a row
// is marked ● and its text wraps inside its column. `explain` prints the
// whole diagram; `run --step` prints the header, then one row per step as
// the run goes. Hand-written: a few dozen lines, and no Debian-packaged
// C++ library draws a sequence of events in columns.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "terminal/color.hpp"
#include "util/text.hpp"
#include "case_api/run.hpp"

namespace lockedges {

class ColumnDiagram {
 public:
  // Columns for the threads in `thread_names` that act in `events` (in
  // thread order), fitted into `width` display columns; `counter_width` is
  // the widest row counter to leave room for ("[17/17]" is 7).
  ColumnDiagram(const std::vector<Event>& events, std::vector<std::string> thread_names, std::size_t width,
                std::size_t counter_width, const Palette& palette);

  // The thread names over their columns, and a rule under each.
  std::string header() const;
  // One event: `counter` in the gutter, the text in its thread's column.
  std::string row(const Event& event, std::string_view counter) const;

  std::size_t columns() const { return threads_.size(); }

 private:
  int column_of(int thread) const;
  std::string name_of(int thread) const;
  std::string gutter(std::string_view counter) const;

  std::vector<std::string> names_;
  std::vector<int> threads_;  // the thread shown in each column
  std::size_t width_;
  std::size_t gutter_;        // counter plus its margin
  std::size_t column_ = 0;    // display width of one column, 0 when they do not fit (list layout)
  Palette palette_;
};

// The whole diagram: the header, then every event numbered 1..n.
std::string render_diagram(const std::vector<Event>& events, const std::vector<std::string>& thread_names,
                           std::size_t width, const Palette& palette);

// The width to draw in: 100 columns, or the terminal's when `fd` is a
// narrower terminal.
std::size_t diagram_width(int fd);

}  // namespace lockedges
