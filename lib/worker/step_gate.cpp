#include "worker/step_gate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace lockedges {

namespace {

constexpr auto kSpin = std::chrono::microseconds(100);  // the gate thread's nap between looks
constexpr char kSeparator = '\x1f';

// Hardware ordering between a mailbox's text and its flag. ThreadSanitizer
// does not model fences (GCC warns that it does not support them), which is
// exactly why they are used: the hand-over must not be a happens-before
// edge between case threads. The warning is silenced here, and only here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif
inline void fence_release() { __atomic_thread_fence(__ATOMIC_RELEASE); }
inline void fence_acquire() { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

StepGate::StepGate(int events_fd, int go_fd) : events_fd_(events_fd), go_fd_(go_fd) {}

StepGate::~StepGate() {
  stop();
  ::close(events_fd_);
  ::close(go_fd_);
}

void StepGate::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { serve(); });
}

void StepGate::stop() {
  stopping_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void StepGate::pass(int thread, std::uint64_t seq, std::string_view name, std::string_view kind,
                    std::string_view what, int peer) {
  if (thread < 0 || thread >= Run::kMaxThreads) return;
  Mailbox& box = boxes_[static_cast<std::size_t>(thread)];
  std::string text;
  text.append(name).append(1, kSeparator).append(kind).append(1, kSeparator).append(what);
  const std::size_t length = std::min(text.size(), kMaxText);
  for (std::size_t i = 0; i < length; ++i) box.text[i].store(text[i], std::memory_order_relaxed);
  box.length.store(length, std::memory_order_relaxed);
  box.peer.store(peer, std::memory_order_relaxed);
  fence_release();
  box.pending.store(seq + 1, std::memory_order_relaxed);
  for (unsigned us = 0; box.released.load(std::memory_order_relaxed) != seq + 1;) us = nap(us);
}

StepEvent StepGate::take(const Mailbox& box, int thread, std::uint64_t seq) const {
  fence_acquire();
  std::string text(box.length.load(std::memory_order_relaxed), '\0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = box.text[i].load(std::memory_order_relaxed);
  StepEvent e;
  e.event.seq = seq;
  e.event.thread = thread;
  e.event.peer = box.peer.load(std::memory_order_relaxed);
  const auto first = text.find(kSeparator);
  const auto second = first == std::string::npos ? std::string::npos : text.find(kSeparator, first + 1);
  e.name = text.substr(0, first);
  if (second != std::string::npos) {
    e.event.kind = text.substr(first + 1, second - first - 1);
    e.event.what = text.substr(second + 1);
  }
  return e;
}

// The gate thread: lets the events through one at a time, in seq order.
// Every seq a thread takes is published at once (recording takes no lock),
// so waiting for the next one in order never waits on a blocked thread.
void StepGate::serve() {
  std::uint64_t next = 0;
  for (;;) {
    int found = -1;
    for (int i = 0; i < Run::kMaxThreads && found < 0; ++i)
      if (boxes_[static_cast<std::size_t>(i)].pending.load(std::memory_order_relaxed) == next + 1) found = i;
    if (found < 0) {
      if (stopping_.load(std::memory_order_relaxed)) return;
      std::this_thread::sleep_for(kSpin);
      continue;
    }
    Mailbox& box = boxes_[static_cast<std::size_t>(found)];
    holding_.store(true, std::memory_order_relaxed);
    if (!parent_gone_) parent_gone_ = !forward(take(box, found, next));
    holding_.store(false, std::memory_order_relaxed);
    box.released.store(next + 1, std::memory_order_relaxed);
    ++next;
  }
}

bool StepGate::forward(const StepEvent& event) {
  if (!write_all(events_fd_, to_line(event) + "\n")) return false;
  char go = 0;
  for (;;) {
    const ssize_t n = ::read(go_fd_, &go, 1);
    if (n < 0 && errno == EINTR) continue;
    return n == 1;  // 0: the parent closed the pipe; the rest of the run goes on unstepped
  }
}

}  // namespace lockedges
