#include "terminal/progress.hpp"

#include <algorithm>
#include <cstdio>

namespace lockedges {

void ProgressBar::start(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  if (!enabled_ || thread_.joinable()) return;
  thread_ = std::thread([this, from, to] {
    while (!done_.load()) {
      draw(from, to);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fputs("\r\033[K", stderr);
  });
}

void ProgressBar::item(const std::string& name) {
  std::lock_guard lock(mu_);
  item_ = name;
}

void ProgressBar::stop() {
  done_.store(true);
  if (thread_.joinable()) thread_.join();
}

void ProgressBar::draw(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  const auto now = std::chrono::steady_clock::now();
  const double total = std::chrono::duration<double>(to - from).count();
  const double left = std::max(0.0, std::chrono::duration<double>(to - now).count());
  const int filled = total > 0 ? static_cast<int>(20 * (1 - left / total)) : 20;
  std::string name;
  {
    std::lock_guard lock(mu_);
    name = item_;
  }
  std::fprintf(stderr, "\r\033[K[%s%s] %4.1f s left  %s", std::string(filled, '#').c_str(),
               std::string(20 - filled, '.').c_str(), left, name.c_str());
  std::fflush(stderr);
}

}  // namespace lockedges
