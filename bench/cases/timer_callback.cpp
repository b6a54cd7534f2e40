// timer-callback's benchmarks (`lockedges bench`). The case file comes first,
// so the fixtures see its types in its own translation unit: the plain build
// compiles this file instead of cases/timer_callback.cpp; the sanitizer builds,
// with no benchmarks, compile the case alone.
#include "../../cases/timer_callback.cpp"

#include <utility>
#include <vector>

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — the stress workload's mix, on every thread: operation
// i % 3 == 2 reads a price under the shared lock; the others store a new
// price and arm a discount, whose callback runs kDelay later on the one timer
// thread. Items in turn over the four. Each thread keeps at most
// kBenchPending discounts pending and cancels its oldest to arm a new one,
// waiting for it if it is running (cancel_and_wait, not the stress run's
// cancel): the broken callback reads the arming thread's stack, and a
// benchmark thread exits at the end of every run, so none of its callbacks
// may still be running then.
constexpr std::size_t kBenchPending = 8;

template <DiscountLater Discount>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int threads) : pending_(static_cast<std::size_t>(threads)) { stock(p_); }

  std::uint64_t op(int thread, std::uint64_t i) override {
    const std::string& item = kItems[i % kItems.size()];
    if (i % 3 == 2) {
      read_and_hold(p_, item);
      return i;
    }
    set_price(p_, item, 200 + static_cast<long>(i % 100));
    TimerQueue::Id& slot = pending_[static_cast<std::size_t>(thread)].ids[i % kBenchPending];
    if (slot != 0) timers_.cancel_and_wait(slot);
    slot = Discount(p_, timers_, item);
    return slot;
  }

  void thread_done(int thread) override {
    for (TimerQueue::Id& id : pending_[static_cast<std::size_t>(thread)].ids)
      if (id != 0) timers_.cancel_and_wait(std::exchange(id, 0));
  }

 private:
  struct alignas(64) Pending {  // one thread's, on its own cache line
    std::array<TimerQueue::Id, kBenchPending> ids{};
  };
  Prices p_;
  std::vector<Pending> pending_;
  TimerQueue timers_;  // declared last: destroyed (cancel, wait, join) before p_
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "a new price and a discount armed for later, or a price read: two writes per read, every thread, "
          "four items in turn; the callbacks run on one timer thread",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<Bench<discount_later_broken>>(),
                  .note = "its callback's unlocked write races on an entry that is always there (no insert, no "
                          "rehash), and its dangling read finds a stack slot of a thread still alive (each thread "
                          "waits for its callbacks before it exits): wrong prices, never bad memory, so it runs at "
                          "every thread count"},
                 {.variant = "broken-locked", .make = lockedges::bench_factory<Bench<discount_later_locked>>()},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<discount_later_fixed>>()}}}};

}  // namespace
