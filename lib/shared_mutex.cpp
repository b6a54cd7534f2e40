#include "shared_mutex.hpp"

#include <chrono>

#include "run.hpp"

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

// Takes the lock through `try_take` when it is free; otherwise marks the
// thread as waiting, blocks in `take`, and returns how long that took.
template <typename TryTake, typename Take>
std::int64_t acquire(const void* lock, const std::string& name, const char* waits_for,
                     TryTake try_take, Take take) {
  if (try_take()) return -1;
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
  std::int64_t max = max_wait_ns_.load(std::memory_order_relaxed);
  while (ns > max && !max_wait_ns_.compare_exchange_weak(max, ns, std::memory_order_relaxed)) {
  }
}

void SharedMutex::lock() {
  waited(acquire(this, name_, "waits for exclusive lock ", [this] { return mu_.try_lock(); }, [this] { mu_.lock(); }));
  exclusive_.fetch_add(1, std::memory_order_relaxed);
  owner_.store(Run::current_thread(), std::memory_order_relaxed);
  record("lock", "takes exclusive lock ", name_);
}

bool SharedMutex::try_lock() {
  if (!mu_.try_lock()) return false;
  exclusive_.fetch_add(1, std::memory_order_relaxed);
  owner_.store(Run::current_thread(), std::memory_order_relaxed);
  record("lock", "takes exclusive lock ", name_);
  return true;
}

void SharedMutex::unlock() {
  record("unlock", "releases exclusive lock ", name_);
  owner_.store(-1, std::memory_order_relaxed);
  mu_.unlock();
}

void SharedMutex::lock_shared() {
  waited(acquire(this, name_, "waits for shared lock ", [this] { return mu_.try_lock_shared(); },
                 [this] { mu_.lock_shared(); }));
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
  return s;
}

}  // namespace lockedges
