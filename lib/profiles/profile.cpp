#include "profiles/profile.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "profiles/frames.hpp"
#include "util/text.hpp"

namespace lockedges::profile {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

bool parse_int(std::string_view word, std::int64_t& out) {
  if (word.empty() || word.find_first_not_of("0123456789") != std::string_view::npos) return false;
  out = std::strtoll(std::string(word).c_str(), nullptr, 10);
  return true;
}

}  // namespace

bool is_lock_function(std::string_view name) {
  for (std::string_view word : {"futex", "pthread_rwlock", "pthread_mutex", "__lll_lock", "lll_lock",
                                "shared_mutex", "SharedMutex::lock", "sched_yield", "pthread_cond"})
    if (name.find(word) != std::string_view::npos) return true;
  return false;
}

std::vector<Stack> parse_collapsed(std::string_view text) {
  std::vector<Stack> stacks;
  for (std::string_view line : lines_of(text)) {
    const std::size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    Stack s;
    if (!parse_int(line.substr(space + 1), s.count) || s.count <= 0) continue;
    std::string_view frames = line.substr(0, space);
    std::size_t pos = 0;
    while (pos <= frames.size()) {
      std::size_t end = frames.find(';', pos);
      if (end == std::string_view::npos) end = frames.size();
      std::string_view frame = frames.substr(pos, end - pos);
      // google-pprof appends the address: "spin_a()<0000000000001380>".
      if (const auto lt = frame.rfind('<'); lt != std::string_view::npos && frame.back() == '>')
        frame = frame.substr(0, lt);
      if (!frame.empty()) s.frames.emplace_back(frame);
      pos = end + 1;
    }
    if (!s.frames.empty()) stacks.push_back(std::move(s));
  }
  return stacks;
}

Text summarize(const std::vector<Stack>& stacks) {
  std::map<std::string, Function> by_name;  // by full name: two instantiations stay two rows
  Text out;
  for (const auto& s : stacks) {
    out.total += s.count;
    if (is_harness_sample(s.frames)) {
      out.harness += s.count;
      by_name[kHarnessFrame].flat += s.count;
      by_name[kHarnessFrame].cum += s.count;
      continue;
    }
    by_name[s.frames.back()].flat += s.count;
    // A recursive function counts once per stack in its cumulative share.
    std::vector<std::string_view> seen;
    for (const auto& frame : s.frames) {
      if (std::find(seen.begin(), seen.end(), frame) != seen.end()) continue;
      seen.push_back(frame);
      if (frame != s.frames.back() && is_harness_frame(short_name(frame))) continue;
      by_name[frame].cum += s.count;
    }
  }
  for (auto& [name, f] : by_name) {
    f.full_name = name;
    f.name = name == kHarnessFrame ? name : short_name(name);
    f.lock = is_lock_function(name);
    if (out.total > 0) {
      f.flat_share = static_cast<double>(f.flat) / out.total;
      f.cum_share = static_cast<double>(f.cum) / out.total;
    }
    out.functions.push_back(std::move(f));
  }
  std::stable_sort(out.functions.begin(), out.functions.end(), [](const Function& a, const Function& b) {
    return a.flat != b.flat ? a.flat > b.flat : a.cum > b.cum;
  });
  return out;
}

std::vector<Change> diff(const Text& before, const Text& after, std::size_t most) {
  std::map<std::string, Change> by_name;
  auto add = [&](const Function& f, double Change::*share) {
    const std::string& key = f.full_name.empty() ? f.name : f.full_name;
    auto& c = by_name[key];
    c.name = f.name;
    c.full_name = key;
    c.*share = f.flat_share;
    c.lock = f.lock;
  };
  for (const auto& f : before.functions) add(f, &Change::before);
  for (const auto& f : after.functions) add(f, &Change::after);
  // Shares print to a tenth of a percent: below that a row reads "0.0% -> 0.0%".
  constexpr double kShown = 0.0005;
  std::vector<Change> changes;
  for (auto& [name, c] : by_name)
    if (name != kHarnessFrame && c.before != c.after && (c.before >= kShown || c.after >= kShown))
      changes.push_back(std::move(c));
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return std::abs(a.after - a.before) > std::abs(b.after - b.before);
  });
  if (changes.size() > most) changes.resize(most);
  return changes;
}

std::string flame_graph_svg(const std::vector<Stack>& stacks, const std::string& title) {
  // Merge the stacks into a tree; a node's width is its samples.
  struct Node {
    std::string name;
    std::int64_t count = 0;
    std::map<std::string, std::unique_ptr<Node>> children;
  };
  Node root;
  root.name = "all";
  std::size_t depth = 1;
  for (const auto& s : stacks) {
    Node* node = &root;
    root.count += s.count;
    for (const auto& frame : s.frames) {
      auto& child = node->children[frame];
      if (!child) {
        child = std::make_unique<Node>();
        child->name = frame;
      }
      child->count += s.count;
      node = child.get();
    }
    depth = std::max(depth, s.frames.size() + 1);
  }
  constexpr double kWidth = 1200, kRow = 17, kTop = 34;
  const double height = kTop + depth * kRow + 10;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"monospace\" font-size=\"11\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#fdfdf5\"/>\n"
      "<text x=\"{2}\" y=\"20\" font-size=\"14\" text-anchor=\"middle\">{3}</text>\n",
      kWidth, height, kWidth / 2, html_escape(title));
  if (root.count == 0) return svg + "<text x=\"10\" y=\"50\">no samples</text>\n</svg>\n";
  const double scale = (kWidth - 20) / static_cast<double>(root.count);
  // Root at the bottom, callees above it, as flame graphs are read.
  std::function<void(const Node&, double, std::size_t)> draw = [&](const Node& n, double x, std::size_t level) {
    const double w = static_cast<double>(n.count) * scale;
    if (w < 0.5) return;
    const double y = height - 10 - (level + 1) * kRow;
    const std::size_t h = std::hash<std::string>{}(n.name);
    const std::string fill = is_lock_function(n.name)
                                 ? fmt::format("rgb({},{},{})", 70 + h % 40, 120 + h % 50, 220)
                                 : fmt::format("rgb({},{},{})", 220 + h % 35, 90 + h % 110, 40 + h % 50);
    svg += fmt::format("<g><title>{} ({} samples, {:.1f}%)</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                       "height=\"{}\" fill=\"{}\" rx=\"2\"/>",
                       html_escape(n.name), n.count, 100.0 * n.count / root.count, x, y, w, kRow - 1, fill);
    const std::size_t fits = static_cast<std::size_t>(w / 7);
    if (fits >= 3) {
      const std::string name = short_name(n.name);
      std::string label = name.size() > fits ? name.substr(0, fits - 2) + ".." : name;
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", x + 3, y + kRow - 5, html_escape(label));
    }
    svg += "</g>\n";
    double child_x = x;
    for (const auto& [name, child] : n.children) {
      draw(*child, child_x, level + 1);
      child_x += static_cast<double>(child->count) * scale;
    }
  };
  draw(root, 10, 0);
  return svg + "</svg>\n";
}

}  // namespace lockedges::profile
