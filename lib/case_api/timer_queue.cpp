#include "case_api/timer_queue.hpp"

#include "case_api/run.hpp"

namespace lockedges {

TimerQueue::TimerQueue(std::string name) {
  if (Run* run = Run::current()) slot_ = run->reserve_thread(std::move(name));
  thread_ = std::thread([this] { loop(); });
}

TimerQueue::~TimerQueue() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    due_.clear();
    callbacks_.clear();
  }
  cv_.notify_all();
  thread_.join();
}

TimerQueue::Id TimerQueue::schedule(std::chrono::nanoseconds delay, std::function<void()> callback) {
  std::lock_guard lock(mu_);
  const Id id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  due_.emplace(std::chrono::steady_clock::now() + delay, id);
  cv_.notify_all();
  return id;
}

bool TimerQueue::cancel(Id id) {
  std::lock_guard lock(mu_);
  return callbacks_.erase(id) > 0;  // its entry in due_ is skipped when it comes up
}

bool TimerQueue::cancel_and_wait(Id id) {
  std::unique_lock lock(mu_);
  const bool was_pending = callbacks_.erase(id) > 0;
  // running_ is kNoTimer while no callback runs: waiting for kNoTimer to
  // stop running would wait for ever.
  if (id != kNoTimer) cv_.wait(lock, [&] { return running_ != id; });
  return was_pending;
}

std::uint64_t TimerQueue::fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

void TimerQueue::loop() {
  Run* run = slot_ >= 0 ? Run::current() : nullptr;
  if (run != nullptr) run->enter_thread(slot_);
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto [when, id] = *due_.begin();
    if (std::chrono::steady_clock::now() < when) {
      cv_.wait_until(lock, when);
      continue;
    }
    due_.erase(due_.begin());
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;  // cancelled
    std::function<void()> callback = std::move(it->second);
    callbacks_.erase(it);
    running_ = id;
    lock.unlock();
    callback();
    callback = nullptr;  // its captures die before cancel_and_wait() may return
    lock.lock();
    running_ = kNoTimer;
    ++fired_;
    cv_.notify_all();
  }
  if (run != nullptr) run->leave_thread();
}

}  // namespace lockedges
