#include "case_api/shared_mutex.hpp"

#include <bit>
#include <chrono>

#include "case_api/run.hpp"

namespace lockedges {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Builds the event text only when a forced run is recording, so stress runs
// pay nothing for it.
void record(std::string_view kind, const char* what, const std::string& name) {
  Run* run = Run::current();
  if (run != nullptr && run->forced()) run->record(kind, what + name);
}

void raise_max(std::atomic<std::int64_t>& max, std::int64_t value) {
  std::int64_t seen = max.load(std::memory_order_relaxed);
  while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// Takes the lock with `try_take` when it is free. Otherwise marks the thread
// as waiting, records the wait, blocks in `take`, and returns how long that
// took; -1 for an acquisition that did not wait.
//
// ThreadSanitizer adds lock-order edges only for acquisitions that can
// block, so in the TSan build a successful try is turned into a blocking
// acquisition (release, then take): a lock-order inversion is reported even
// when neither thread had to wait. Another thread may slip in between; that
// wait goes unmarked, which costs a statistic, never a report.
template <typename TryTake, typename Release, typename Take>
std::int64_t acquire(const void* lock, const std::string& name, const char* waits_for, TryTake try_take,
                     Release release, Take take) {
  if (try_take()) {
#if defined(__SANITIZE_THREAD__)
    release();
    take();
#else
    (void)release;
#endif
    return -1;
  }
  record("wait", waits_for, name);
  Run::mark_waiting(lock, &name);
  const std::int64_t start = now_ns();
  take();
  const std::int64_t waited = now_ns() - start;
  Run::mark_waiting(nullptr, nullptr);
  add_this_thread_lock_wait(waited);
  return waited;
}

}  // namespace

SharedMutex::SharedMutex(std::string name) : name_(std::move(name)) {}

SharedMutex::~SharedMutex() {
  if (Run* run = Run::current()) run->lock_retired(stats());
}

void SharedMutex::waited(std::int64_t ns) {
  if (ns < 0) return;
  contended_.fetch_add(1, std::memory_order_relaxed);
  total_wait_ns_.fetch_add(ns, std::memory_order_relaxed);
  raise_max(max_wait_ns_, ns);
  wait_log2_[std::bit_width(static_cast<std::uint64_t>(ns)) & 63].fetch_add(1, std::memory_order_relaxed);
}

void SharedMutex::took_exclusive() {
  exclusive_.fetch_add(1, std::memory_order_relaxed);
  owner_.store(Run::current_thread(), std::memory_order_relaxed);
  held_since_ns_ = now_ns();
  record("lock", "takes exclusive lock ", name_);
}

void SharedMutex::lock() {
  waited(acquire(
      this, name_, "waits for exclusive lock ", [this] { return mu_.try_lock(); }, [this] { mu_.unlock(); },
      [this] { mu_.lock(); }));
  took_exclusive();
}

bool SharedMutex::try_lock() {
  if (!mu_.try_lock()) return false;
  took_exclusive();
  return true;
}

void SharedMutex::unlock() {
  record("unlock", "releases exclusive lock ", name_);
  const std::int64_t held = now_ns() - held_since_ns_;
  total_hold_ns_.fetch_add(held, std::memory_order_relaxed);
  raise_max(max_hold_ns_, held);
  owner_.store(-1, std::memory_order_relaxed);
  mu_.unlock();
}

void SharedMutex::lock_shared() {
  waited(acquire(
      this, name_, "waits for shared lock ", [this] { return mu_.try_lock_shared(); },
      [this] { mu_.unlock_shared(); }, [this] { mu_.lock_shared(); }));
  shared_.fetch_add(1, std::memory_order_relaxed);
  record("lock", "takes shared lock ", name_);
}

bool SharedMutex::try_lock_shared() {
  if (!mu_.try_lock_shared()) return false;
  shared_.fetch_add(1, std::memory_order_relaxed);
  record("lock", "takes shared lock ", name_);
  return true;
}

void SharedMutex::unlock_shared() {
  record("unlock", "releases shared lock ", name_);
  mu_.unlock_shared();
}

LockStats SharedMutex::stats() const {
  LockStats s;
  s.name = name_;
  s.exclusive_acquisitions = exclusive_.load(std::memory_order_relaxed);
  s.shared_acquisitions = shared_.load(std::memory_order_relaxed);
  s.contended = contended_.load(std::memory_order_relaxed);
  s.total_wait_ns = total_wait_ns_.load(std::memory_order_relaxed);
  s.max_wait_ns = max_wait_ns_.load(std::memory_order_relaxed);
  s.total_hold_ns = total_hold_ns_.load(std::memory_order_relaxed);
  s.max_hold_ns = max_hold_ns_.load(std::memory_order_relaxed);
  // The bucket holding the 99th percentile; its upper bound, capped by the max.
  std::uint64_t seen = 0;
  const std::uint64_t rank = s.contended - s.contended / 100;  // ceil(0.99 n) for small n
  for (std::size_t b = 0; b < wait_log2_.size() && s.contended > 0; ++b) {
    seen += wait_log2_[b].load(std::memory_order_relaxed);
    if (seen >= rank) {
      s.p99_wait_ns = std::min<std::int64_t>(b >= 63 ? INT64_MAX : (std::int64_t{1} << b) - 1, s.max_wait_ns);
      break;
    }
  }
  return s;
}

}  // namespace lockedges
