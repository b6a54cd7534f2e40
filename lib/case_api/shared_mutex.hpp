// lockedges — an instrumented std::shared_mutex.
//
// SharedMutex behaves exactly like std::shared_mutex (it is one inside, so
// ThreadSanitizer sees a pthread rwlock and models it as such) and also
// records, per lock:
//   - acquisitions, split by mode, and how many had to wait (contended);
//   - total, maximum and 99th-percentile wait time, and exclusive hold time;
//   - events for the recorded interleaving (takes, waits for, releases);
//   - which thread is blocked on it right now, so a forced schedule can see
//     that a fixed variant's lock is holding a thread back, and the deadlock
//     watchdog can say who waits for what.
//
// An acquisition tries first: a failed try is a wait, counted exactly. In
// the ThreadSanitizer build a successful try is redone as a blocking
// acquisition, since TSan builds its lock-order graph only from acquisitions
// that can block.
//
// Counters are relaxed atomics: they count, they never order anything, so
// the instrumentation adds no happens-before that could hide a race.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>

namespace lockedges {

// LockStats — one lock's numbers for one run.
struct LockStats {
  std::string name;
  std::uint64_t exclusive_acquisitions = 0;
  std::uint64_t shared_acquisitions = 0;
  std::uint64_t contended = 0;       // acquisitions that had to wait
  std::int64_t total_wait_ns = 0;
  std::int64_t max_wait_ns = 0;
  std::int64_t p99_wait_ns = 0;      // of the contended acquisitions (power-of-two resolution)
  std::int64_t total_hold_ns = 0;    // exclusive holds only
  std::int64_t max_hold_ns = 0;
};

class SharedMutex {
 public:
  // `name` labels the lock in events and reports, e.g. "store.mu_".
  explicit SharedMutex(std::string name);
  ~SharedMutex();
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  // Exclusive (writer) side; the std Lockable vocabulary, so std::unique_lock
  // and std::scoped_lock work.
  void lock();
  bool try_lock();
  void unlock();

  // Shared (reader) side, for std::shared_lock.
  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();

  const std::string& name() const { return name_; }
  // The run slot of the thread holding it exclusively, or -1 (relaxed: for
  // reports, not for decisions).
  int exclusive_owner() const { return owner_.load(std::memory_order_relaxed); }
  LockStats stats() const;

 private:
  void waited(std::int64_t ns);
  void took_exclusive();

  std::shared_mutex mu_;
  std::string name_;
  std::atomic<std::uint64_t> exclusive_{0};
  std::atomic<std::uint64_t> shared_{0};
  std::atomic<std::uint64_t> contended_{0};
  std::atomic<std::int64_t> total_wait_ns_{0};
  std::atomic<std::int64_t> max_wait_ns_{0};
  std::array<std::atomic<std::uint64_t>, 64> wait_log2_{};  // contended waits by bit width of ns
  std::atomic<std::int64_t> total_hold_ns_{0};
  std::atomic<std::int64_t> max_hold_ns_{0};
  std::int64_t held_since_ns_ = 0;  // written and read only by the exclusive holder
  std::atomic<int> owner_{-1};
};

}  // namespace lockedges
