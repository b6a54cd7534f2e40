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
// The statistics must not change what they measure (bench's instrumentation
// group shows what they cost against a bare std::shared_mutex):
//   - An acquisition tries first: a failed try is a wait, counted exactly,
//     and only a wait reads the clock: 1 in kWaitSampleEvery of each
//     thread's waits in a stress run (every one in a forced run) is timed,
//     and the wait figures are of those samples. Two clock reads cost more
//     than the whole of a short wait, and the workloads that wait most wait
//     millions of times a second.
//   - Exclusive holds are timed on 1 in kHoldSampleEvery acquisitions (every
//     one in a forced run); the hold figures are of those samples.
//   - What the exclusive holder counts, it writes alone: a load and a store,
//     no locked instruction.
//   - Readers count into per-thread slots, each on a cache line of its own,
//     so readers that share the lock do not also share a counter.
// In the ThreadSanitizer build a successful try is redone as a blocking
// acquisition, since TSan builds its lock-order graph only from acquisitions
// that can block.
//
// Counters are relaxed atomics: they count, they never order anything, so
// the instrumentation adds no happens-before that could hide a race.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "case_api/run.hpp"

namespace lockedges {

// LockStats — one lock's numbers for one run.
struct LockStats {
  std::string name;
  std::uint64_t exclusive_acquisitions = 0;
  std::uint64_t shared_acquisitions = 0;
  std::uint64_t contended = 0;       // acquisitions that had to wait
  std::uint64_t timed_waits = 0;     // of those, timed (1 in kWaitSampleEvery per thread; all in a forced run)
  std::int64_t total_wait_ns = 0;    // the timed waits' total, scaled up to all `contended` waits
  std::int64_t max_wait_ns = 0;      // of the timed waits
  std::int64_t p99_wait_ns = 0;      // of the timed waits (power-of-two resolution)
  std::uint64_t hold_samples = 0;    // exclusive holds timed (1 in kHoldSampleEvery; all in a forced run)
  std::int64_t total_hold_ns = 0;    // of the timed exclusive holds
  std::int64_t max_hold_ns = 0;
};

// Adds `more`'s numbers to `total`'s (the same lock in another run, or a
// lock of the same family): counts and totals add, maxima and the p99 are
// the larger of the two (so a merged p99 is the worst part's, not a
// percentile of the union).
void merge_into(LockStats& total, const LockStats& more);

class SharedMutex {
 public:
  // `name` labels the lock in events and reports, e.g. "store.mu_".
  explicit SharedMutex(std::string name);
  ~SharedMutex();
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  // Exclusive (writer) side; the std Lockable vocabulary, so std::unique_lock
  // and std::scoped_lock work. The uncontended paths are inline: a call and
  // a branch more than std::shared_mutex.
  void lock() {
    if (!mu_.try_lock()) {
      take_waiting(/*shared=*/false);
    } else if (kSanitizedForThreads) {
      mu_.unlock();  // see the file comment: TSan orders only blocking acquisitions
      mu_.lock();
    }
    took_exclusive();
  }
  bool try_lock() {
    if (!mu_.try_lock()) return false;
    took_exclusive();
    return true;
  }
  void unlock() {
    if (held_since_ns_ != 0 || forced_run()) [[unlikely]]
      released_noted();
    owner_.store(-1, std::memory_order_relaxed);
    mu_.unlock();
  }

  // Shared (reader) side, for std::shared_lock. A shared acquisition is
  // counted as it is released (the same count once every hold has ended,
  // and stats() is read then): the loads just after a locked instruction
  // wait for it, so counting just after the acquisition, or just after the
  // last release, would show the lock's own cost as the counting's in a CPU
  // profile. Before the release, the counting follows the case's own code.
  void lock_shared() {
    if (!mu_.try_lock_shared()) {
      take_waiting(/*shared=*/true);
    } else if (kSanitizedForThreads) {
      mu_.unlock_shared();
      mu_.lock_shared();
    }
    took_shared();
  }
  bool try_lock_shared() {
    if (!mu_.try_lock_shared()) return false;
    took_shared();
    return true;
  }
  void unlock_shared() {
    count_shared();
    if (forced_run()) [[unlikely]]
      noted("unlock", "releases shared lock ");
    mu_.unlock_shared();
  }

  const std::string& name() const { return name_; }
  // The run slot of the thread holding it exclusively, or -1 (relaxed: for
  // reports, not for decisions).
  int exclusive_owner() const { return owner_.load(std::memory_order_relaxed); }
  LockStats stats() const;

  static constexpr std::uint64_t kHoldSampleEvery = 256;
  static constexpr std::uint64_t kWaitSampleEvery = 8;

 private:
#if defined(__SANITIZE_THREAD__)
  static constexpr bool kSanitizedForThreads = true;
#else
  static constexpr bool kSanitizedForThreads = false;
#endif
  static bool forced_run() { return Run::forced_in_progress(); }

  void took_exclusive() {
    const std::uint64_t n = exclusive_.load(std::memory_order_relaxed);
    exclusive_.store(n + 1, std::memory_order_relaxed);  // the holder writes it alone
    owner_.store(Run::current_thread(), std::memory_order_relaxed);
    held_since_ns_ = 0;
    if (n % kHoldSampleEvery == 0 || forced_run()) [[unlikely]]
      took_noted();
  }
  void count_shared() {
    const auto slot = static_cast<unsigned>(t_reader_slot_);  // -1, none claimed yet: past every slot
    if (slot < kReaderSlots) [[likely]] {
      std::atomic<std::uint64_t>& n = shared_[slot].acquisitions;
      n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // its thread's alone
    } else {
      count_shared_slowly();
    }
  }
  void took_shared() {
    if (forced_run()) [[unlikely]]
      noted("lock", "takes shared lock ");
  }

  // The slow paths, out of line.
  void count_shared_slowly();  // claims a slot first, or counts in the shared last one
  void take_waiting(bool shared);
  void took_noted();      // a timed hold starts; in a forced run, the event
  void released_noted();  // a timed hold ends; in a forced run, the event
  void noted(std::string_view kind, const char* what);
  void waited(std::int64_t ns);  // a timed wait

  // Reader slots: each live thread that takes shared locks owns one number
  // below kReaderSlots (claimed on first use, given back when it exits), and
  // counts into that slot of every lock with a load and a store, on a cache
  // line no other thread writes. Threads past kReaderSlots share the last
  // slot, with a locked add. Written by hand: a per-thread counter that
  // outlives no lock is what no library we use offers.
  static constexpr int kReaderSlots = 16;
  static int claim_reader_slot();
  static inline thread_local int t_reader_slot_ = -1;
  struct alignas(64) ReaderSlot {
    std::atomic<std::uint64_t> acquisitions{0};
  };

  std::shared_mutex mu_;
  // Written by the exclusive holder only.
  std::atomic<std::uint64_t> exclusive_{0};
  std::atomic<std::uint64_t> hold_samples_{0};
  std::atomic<std::int64_t> total_hold_ns_{0};
  std::atomic<std::int64_t> max_hold_ns_{0};
  std::int64_t held_since_ns_ = 0;  // 0: this hold is not timed
  std::atomic<int> owner_{-1};
  std::string name_;
  // Written only when a thread waited (the rest only when it was timed).
  std::atomic<std::uint64_t> contended_{0};
  std::atomic<std::uint64_t> timed_waits_{0};
  std::atomic<std::int64_t> total_wait_ns_{0};
  std::atomic<std::int64_t> max_wait_ns_{0};
  std::array<std::atomic<std::uint64_t>, 64> wait_log2_{};  // contended waits by bit width of ns
  std::array<ReaderSlot, kReaderSlots + 1> shared_{};
};

}  // namespace lockedges
