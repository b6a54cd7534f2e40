// The column diagram of a run's events (terminal/diagram).
#include <gtest/gtest.h>

#include "case_api/run.hpp"
#include "support/test_util.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"

namespace lockedges {
namespace {

Event event(std::uint64_t seq, int thread, std::string what) {
  Event e;
  e.seq = seq;
  e.thread = thread;
  e.kind = "step";
  e.what = std::move(what);
  return e;
}

// ---- the column diagram -------------------------------------------------------

// A writer and a reader (the variant's own thread, "main", does nothing):
// two columns, rows in event order, each in its thread's column.
TEST(Diagram, OneColumnPerActingThreadRowsInOrderWithinTheWidth) {
  const std::vector<std::string> names = {"main", "writer", "reader"};
  const std::vector<Event> events = {
      event(0, 1, "takes shared lock counters.mu_"),
      event(1, 1, "releases shared lock counters.mu_"),
      event(2, 2, "takes shared lock counters.mu_ and reads visits = 0, a line long enough to wrap inside its "
                  "column more than once"),
      event(3, 1, "deferred action writes visits = 1"),
  };
  const std::string out = render_diagram(events, names, 100, Palette(false));
  const auto lines = lines_of(out);
  for (const auto& line : lines) EXPECT_LE(display_width(line), 100u) << line;
  ASSERT_GE(lines.size(), 2u + events.size());
  EXPECT_FALSE(contains(lines[0], "main")) << "a thread with no event gets no column";
  const auto writer_col = lines[0].find("writer");
  const auto reader_col = lines[0].find("reader");
  ASSERT_NE(writer_col, std::string::npos);
  ASSERT_NE(reader_col, std::string::npos);
  EXPECT_LT(writer_col, reader_col) << "columns in thread order";
  EXPECT_TRUE(contains(lines[1], "─")) << "a rule under the names";

  // Each event's row starts with its number and puts ● in its thread's column.
  std::size_t at = 2;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_LT(at, lines.size());
    const std::string& row = lines[at];
    EXPECT_EQ(row.rfind(std::to_string(i + 1) + ".", 0), 0u) << row;
    const std::size_t marker = display_width(row.substr(0, row.find("●")));
    EXPECT_EQ(marker, events[i].thread == 1 ? writer_col : reader_col) << row;
    const std::string first_word = events[i].what.substr(0, events[i].what.find(' '));
    EXPECT_TRUE(contains(row, first_word)) << row;
    ++at;
    while (at < lines.size() && !std::isdigit(static_cast<unsigned char>(lines[at][0]))) ++at;  // wrapped lines
  }
  EXPECT_GT(lines.size(), 2u + events.size()) << "the long event wraps inside its column";
  const std::string wrapped = lines[5];
  EXPECT_EQ(display_width(wrapped.substr(0, wrapped.find("│"))), writer_col)
      << "while the reader's text wraps, the writer's lifeline goes on: " << wrapped;
}

TEST(Diagram, TooManyThreadsForColumnsFallsBackToOneLinePerEvent) {
  std::vector<std::string> names;
  std::vector<Event> events;
  for (int t = 0; t < 8; ++t) {
    names.push_back("thread number " + std::to_string(t));
    events.push_back(event(static_cast<std::uint64_t>(t), t, "does its part of the schedule"));
  }
  const std::string out = render_diagram(events, names, 60, Palette(false));
  for (const auto& line : lines_of(out)) EXPECT_LE(display_width(line), 60u) << line;
  EXPECT_TRUE(contains(out, "thread number 7: does its part")) << out;
}

TEST(Diagram, WrapCutsWordsWiderThanTheColumn) {
  const auto lines = wrap_text("a averyveryverylongword b", 6);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "averyv", "eryver", "ylongw", "ord b"}));
  EXPECT_EQ(wrap_text("", 10), std::vector<std::string>{""});
}

TEST(Diagram, ColourEscapesDoNotCountTowardsTheWidth) {
  const Palette palette(true);
  const std::string painted = palette.paint("writer", palette.thread(1));
  EXPECT_TRUE(contains(painted, "\033[")) << "colour on: an escape";
  EXPECT_EQ(display_width(painted), 6u);
  const std::vector<Event> events = {event(0, 1, "one"), event(1, 2, "two")};
  for (const auto& line : lines_of(render_diagram(events, {"main", "a", "b"}, 100, palette)))
    EXPECT_LE(display_width(line), 100u);
  EXPECT_NE(palette.thread(1).get_foreground().value.term_color, palette.thread(2).get_foreground().value.term_color)
      << "one colour per thread";
  EXPECT_FALSE(contains(Palette(false).paint("writer", Palette(false).thread(1)), "\033["));
}

}  // namespace
}  // namespace lockedges
