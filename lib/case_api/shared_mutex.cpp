#include "case_api/shared_mutex.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>

#include "case_api/run.hpp"

namespace lockedges {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void raise_max(std::atomic<std::int64_t>& max, std::int64_t value) {
  std::int64_t seen = max.load(std::memory_order_relaxed);
  while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// The reader slot numbers live threads hold: bit n set, slot n taken.
std::atomic<std::uint32_t> g_reader_slots{0};

// Gives this thread's slot number back when the thread exits. Release: the
// next owner of the number sees this thread's last counts before it adds.
// `owner` is the thread's own slot variable: a later thread-exit destructor
// that takes a shared lock then counts in the shared last slot, not in a
// slot another thread may own by then.
struct ReaderSlotLease {
  int slot = -1;
  int* owner = nullptr;
  int overflow = 0;
  ~ReaderSlotLease() {
    if (slot < 0) return;
    *owner = overflow;
    g_reader_slots.fetch_and(~(std::uint32_t{1} << slot), std::memory_order_release);
  }
};

}  // namespace

int SharedMutex::claim_reader_slot() {
  static_assert(kReaderSlots <= 32, "the slot numbers are bits of a 32-bit word");
  thread_local ReaderSlotLease lease;
  std::uint32_t taken = g_reader_slots.load(std::memory_order_relaxed);
  int slot = kReaderSlots;  // all taken: the shared last slot
  for (;;) {
    const std::uint32_t free = ~taken & ((std::uint64_t{1} << kReaderSlots) - 1);
    if (free == 0) break;
    const int n = std::countr_zero(free);
    if (g_reader_slots.compare_exchange_weak(taken, taken | (std::uint32_t{1} << n), std::memory_order_acquire,
                                             std::memory_order_relaxed)) {
      slot = n;
      lease.slot = n;  // field by field: a temporary lease would give the slot back as it dies
      lease.owner = &t_reader_slot_;
      lease.overflow = kReaderSlots;
      break;
    }
  }
  t_reader_slot_ = slot;
  return slot;
}

void SharedMutex::count_shared_slowly() {
  if (t_reader_slot_ < 0 && claim_reader_slot() < kReaderSlots)
    count_shared();  // in the slot just claimed
  else
    shared_[kReaderSlots].acquisitions.fetch_add(1, std::memory_order_relaxed);
}

SharedMutex::SharedMutex(std::string name) : name_(std::move(name)) {}

SharedMutex::~SharedMutex() {
  if (Run* run = Run::current()) run->lock_retired(stats());
}

void SharedMutex::noted(std::string_view kind, const char* what) {
  if (Run* run = Run::current(); run != nullptr && run->forced()) run->record(kind, what + name_);
}

// A wait: the thread is marked as blocked on this lock (the forced
// schedule and the deadlock watchdog look), the wait recorded, counted, and
// timed if it is this thread's turn (the file comment of shared_mutex.hpp).
void SharedMutex::take_waiting(bool shared) {
  noted("wait", shared ? "waits for shared lock " : "waits for exclusive lock ");
  Run::mark_waiting(this, &name_);
  thread_local std::uint64_t t_waits = 0;  // this thread's, on every lock
  const bool timed = t_waits++ % kWaitSampleEvery == 0 || forced_run();
  const std::int64_t start = timed ? now_ns() : 0;
  if (shared)
    mu_.lock_shared();
  else
    mu_.lock();
  const std::int64_t end = timed ? now_ns() : 0;
  Run::mark_waiting(nullptr, nullptr);
  add_this_thread_lock_wait();
  contended_.fetch_add(1, std::memory_order_relaxed);
  if (timed) waited(end - start);
}

void SharedMutex::waited(std::int64_t ns) {
  timed_waits_.fetch_add(1, std::memory_order_relaxed);
  total_wait_ns_.fetch_add(ns, std::memory_order_relaxed);
  raise_max(max_wait_ns_, ns);
  wait_log2_[std::bit_width(static_cast<std::uint64_t>(ns)) & 63].fetch_add(1, std::memory_order_relaxed);
}

void SharedMutex::took_noted() {
  held_since_ns_ = now_ns();
  noted("lock", "takes exclusive lock ");
}

void SharedMutex::released_noted() {
  noted("unlock", "releases exclusive lock ");
  if (held_since_ns_ == 0) return;
  const std::int64_t held = now_ns() - held_since_ns_;
  held_since_ns_ = 0;
  // The holder writes these alone.
  hold_samples_.store(hold_samples_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  total_hold_ns_.store(total_hold_ns_.load(std::memory_order_relaxed) + held, std::memory_order_relaxed);
  if (held > max_hold_ns_.load(std::memory_order_relaxed)) max_hold_ns_.store(held, std::memory_order_relaxed);
}

void merge_into(LockStats& total, const LockStats& more) {
  total.exclusive_acquisitions += more.exclusive_acquisitions;
  total.shared_acquisitions += more.shared_acquisitions;
  total.contended += more.contended;
  total.timed_waits += more.timed_waits;
  total.total_wait_ns += more.total_wait_ns;
  total.max_wait_ns = std::max(total.max_wait_ns, more.max_wait_ns);
  total.p99_wait_ns = std::max(total.p99_wait_ns, more.p99_wait_ns);
  total.hold_samples += more.hold_samples;
  total.total_hold_ns += more.total_hold_ns;
  total.max_hold_ns = std::max(total.max_hold_ns, more.max_hold_ns);
}

LockStats SharedMutex::stats() const {
  LockStats s;
  s.name = name_;
  s.exclusive_acquisitions = exclusive_.load(std::memory_order_relaxed);
  for (const ReaderSlot& slot : shared_) s.shared_acquisitions += slot.acquisitions.load(std::memory_order_relaxed);
  s.contended = contended_.load(std::memory_order_relaxed);
  s.timed_waits = timed_waits_.load(std::memory_order_relaxed);
  const std::int64_t timed_total = total_wait_ns_.load(std::memory_order_relaxed);
  s.total_wait_ns = s.timed_waits == 0 ? 0
                                       : static_cast<std::int64_t>(static_cast<double>(timed_total) *
                                                                   static_cast<double>(s.contended) /
                                                                   static_cast<double>(s.timed_waits));
  s.max_wait_ns = max_wait_ns_.load(std::memory_order_relaxed);
  s.hold_samples = hold_samples_.load(std::memory_order_relaxed);
  s.total_hold_ns = total_hold_ns_.load(std::memory_order_relaxed);
  s.max_hold_ns = max_hold_ns_.load(std::memory_order_relaxed);
  // The bucket holding the 99th percentile; its upper bound, capped by the max.
  std::uint64_t seen = 0;
  const std::uint64_t rank = s.timed_waits - s.timed_waits / 100;  // ceil(0.99 n) for small n
  for (std::size_t b = 0; b < wait_log2_.size() && s.timed_waits > 0; ++b) {
    seen += wait_log2_[b].load(std::memory_order_relaxed);
    if (seen >= rank) {
      s.p99_wait_ns = std::min<std::int64_t>(b >= 63 ? INT64_MAX : (std::int64_t{1} << b) - 1, s.max_wait_ns);
      break;
    }
  }
  return s;
}

}  // namespace lockedges
