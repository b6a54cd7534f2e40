// lockedges — a one-line progress bar on standard error, for `profile`.
//
// Redrawn every 100 ms from a thread of its own while a session runs:
//
//   [########............]  6.2 s left  lazy-init/fixed
//
// Silent when disabled (standard error is not a terminal, or --quiet).
// Hand-written: a dozen lines, and no Debian-packaged C++ library we use
// draws one.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace lockedges {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { stop(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // ProgressBar::start — starts drawing the time left from `from` to `to`;
  // a no-op when disabled or already drawing.
  void start(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to);
  // ProgressBar::item — the name shown after the bar from the next redraw on.
  void item(const std::string& name);
  // ProgressBar::stop — stops drawing and clears the line.
  void stop();

 private:
  void draw(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to);

  bool enabled_;
  std::atomic<bool> done_{false};
  std::mutex mu_;
  std::string item_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace lockedges
