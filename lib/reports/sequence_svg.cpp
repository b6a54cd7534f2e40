#include "reports/sequence_svg.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/pieces.hpp"
#include "util/text.hpp"

namespace lockedges {

namespace {

constexpr int kTimeMargin = 92;  // the left column of times
constexpr int kLane = 310;       // one thread's column
constexpr int kHeader = 50;      // thread name boxes
constexpr int kLineHeight = 19;
constexpr int kPad = 7;
constexpr int kGap = 8;          // between boxes on one thread
constexpr int kSwitchGap = 22;   // room for the arrow when the run moves to another thread
constexpr std::size_t kWrap = 31;  // characters a box line holds at this width and font size

}  // namespace

EventStyle event_style(const std::string& kind) {
  if (kind == "lock") return {"#dbeafe", "#1e40af"};
  if (kind == "unlock") return {"#eef4fb", "#7b93b0"};
  if (kind == "wait") return {"#fcf0d9", "#a16207"};
  if (kind == "schedule") return {"#f1f5f9", "#64748b"};
  if (kind == "step") return {"#ffffff", "#334155"};
  return {"#f8fafc", "#94a3b8"};  // note
}

std::string sequence_diagram_svg(const VariantReport& v) {
  if (v.interleaving.empty()) return "";
  const std::vector<int> threads = interleaving_threads(v);
  auto lane_of = [&](int thread) {
    return static_cast<int>(std::find(threads.begin(), threads.end(), thread) - threads.begin());
  };
  auto lifeline_x = [](int lane) { return kTimeMargin + lane * kLane + 18; };

  struct Placed {
    const Event* event;
    int lane;
    int y;
    int height;
    std::vector<std::string> lines;
  };
  std::vector<Placed> placed;
  int y = kHeader + 16;
  for (const auto& e : v.interleaving) {
    const int lane = lane_of(e.thread);
    if (!placed.empty()) y += placed.back().lane == lane ? kGap : kSwitchGap;
    auto lines = wrap_text(event_text(e), kWrap);
    const int height = static_cast<int>(lines.size()) * kLineHeight + 2 * kPad;
    placed.push_back({&e, lane, y, height, std::move(lines)});
    y += height;
  }
  const int width = kTimeMargin + static_cast<int>(threads.size()) * kLane + 8;
  const int height = y + 18;

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"15\">\n",
      width, height, html_escape("recorded interleaving of " + v.name));
  // Thread headers and lifelines.
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const int x0 = kTimeMargin + static_cast<int>(i) * kLane;
    svg += fmt::format(
        "<rect x=\"{0}\" y=\"6\" width=\"{1}\" height=\"34\" rx=\"6\" fill=\"#e2e8f0\" stroke=\"#475569\"/>"
        "<text x=\"{2}\" y=\"29\" font-size=\"17\" font-weight=\"bold\" text-anchor=\"middle\">{3}</text>\n"
        "<line x1=\"{4}\" y1=\"40\" x2=\"{4}\" y2=\"{5}\" stroke=\"#94a3b8\" stroke-width=\"2\" "
        "stroke-dasharray=\"5 5\"/>\n",
        x0 + 4, kLane - 12, x0 + kLane / 2 - 2, html_escape(thread_name(v, threads[i])), lifeline_x(static_cast<int>(i)),
        height - 6);
  }
  // Lock holds: a bar on the lifeline from the lock event to its unlock.
  std::map<int, std::vector<std::pair<int, bool>>> held;  // lane -> open holds (y, shared)
  auto hold_bar = [&](int lane, int from, int to, bool shared, std::size_t depth) {
    // A lock taken while holding another: a bar beside the first, edged in
    // white so the two read apart.
    const int x = lifeline_x(lane) - 5 + static_cast<int>(depth) * 7;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"{}\" fill=\"{}\" stroke=\"{}\"/>\n", x,
                       from, std::max(4, to - from), shared ? "#93c5fd" : "#1e40af", depth > 0 ? "#ffffff" : "#1e3a8a");
  };
  for (const auto& p : placed) {
    const int mid = p.y + p.height / 2;
    if (p.event->kind == "lock") {
      held[p.lane].push_back({mid, p.event->what.find("shared") != std::string::npos});
    } else if (p.event->kind == "unlock" && !held[p.lane].empty()) {
      const auto [from, shared] = held[p.lane].back();
      held[p.lane].pop_back();
      hold_bar(p.lane, from, mid, shared, held[p.lane].size());
    }
  }
  for (auto& [lane, open] : held)  // still held when the recording ended
    for (std::size_t d = 0; d < open.size(); ++d) hold_bar(lane, open[d].first, height - 8, open[d].second, d);
  // The events, and an arrow where the run moves to another thread.
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const Placed& p = placed[i];
    if (i > 0 && placed[i - 1].lane != p.lane) {
      const int from = lifeline_x(placed[i - 1].lane);
      const int to = lifeline_x(p.lane);
      const int ay = p.y - kSwitchGap / 2;
      const int dir = to > from ? -1 : 1;
      svg += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#64748b\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"6 3\"/><polygon points=\"{},{} {},{} {},{}\" fill=\"#64748b\"/>\n",
          from, ay, to + 6 * dir, ay, to, ay, to + 9 * dir, ay - 5, to + 9 * dir, ay + 5);
    }
    const EventStyle style = event_style(p.event->kind);
    const int x = lifeline_x(p.lane) + 12;
    svg += fmt::format(
        "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\" fill=\"{}\" "
        "stroke=\"{}\" stroke-width=\"1.5\"{}/>",
        html_escape(p.event->kind + ": " + event_text(*p.event)), x, p.y, kLane - 42, p.height, style.fill,
        style.stroke, p.event->kind == "schedule" ? " stroke-dasharray=\"4 3\"" : "");
    svg += fmt::format("<text x=\"{}\" y=\"{}\">", x + 8, p.y + kPad + 14);
    for (std::size_t k = 0; k < p.lines.size(); ++k)
      svg += fmt::format("<tspan x=\"{}\" dy=\"{}\">{}</tspan>", x + 8, k == 0 ? 0 : kLineHeight,
                         html_escape(p.lines[k]));
    svg += fmt::format("</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#52606d\" font-size=\"13\">"
                       "{}</text></g>\n",
                       kTimeMargin - 6, p.y + kPad + 14, html_escape(duration_text(p.event->t_ns, kHtmlMicro)));
  }
  return svg + "</svg>\n";
}

}  // namespace lockedges
