// timer-callback — a timer callback writes the map later, from a value read
// earlier, on a thread that never took the lock.
//
// Pitfall:      discount_later() reads a price under the shared lock and arms a
//               timer to write the discounted price a moment later. The
//               callback runs on the timer thread, outside any lock its caller
//               held: with no lock of its own it races with every reader; with
//               the exclusive lock it still writes a value computed from the
//               old read over whatever newer price is there by then. And its
//               [&] capture holds a reference to a local of discount_later(),
//               which has returned long before the timer fires.
// Race pair:    RACE(A) the entry written by the callback with no
//               lock  vs  read by a reader holding the shared lock. (In stress
//               the callback's unlocked accesses race with the writers as
//               well.)
// Lifetime:     LIFETIME(B) the callback reads `discounted`, a local of
//               discount_later(), after that function has returned
//               (AddressSanitizer: stack-use-after-return; TSan is silent).
// Symptom:      stale overwrites: a callback replaces a price whose version is
//               newer than the one it read. Taking the lock in the callback
//               (broken-locked) ends the data race but not this.
// Interleaving: 1. shop reads apple = 200 (version 1) under the shared lock and
//                  keeps the copy
//               2. writer stores a new price, apple = 250 (version 2), under
//                  the exclusive lock
//               3. shop computes the discount from its copy (180) and arms a
//                  timer whose [&] lambda refers to the local `discounted`
//               4. discount_later() returns: `discounted` dies with its stack
//                  frame while the timer still refers to it
//               5. reader takes the shared lock and reads apple = 250
//               6. the timer fires: the callback reads `discounted` from the
//                  dead frame (AddressSanitizer: stack-use-after-return) and
//                  writes apple with no lock while the reader holds the shared
//                  lock (ThreadSanitizer: data race)
//               7. broken-locked captures by value and takes the exclusive
//                  lock: both reports go away, yet 180 still replaces version
//                  2, a stale overwrite no detector sees
// Fix:          Capture by value everything the callback needs (item, version
//               read, new value). Take the exclusive lock in the callback and
//               write only if the entry still has the version that was read
//               (compare-and-set); otherwise drop the write, or recompute it
//               from the current value. The owner of the map cancels pending
//               callbacks and waits for the one in flight (TimerQueue's
//               destructor, or cancel_and_wait) before the map is destroyed.
// Guideline:    CP.2: avoid data races; CP.31: pass small amounts of data
//               between threads by value, not by reference or pointer; F.53:
//               avoid capturing by reference in lambdas that will be used
//               non-locally; CP.23: think of a joining thread as a scoped
//               container (the timer thread is joined before the state its
//               callbacks touch is destroyed).
// Go origin:    The study's §1.2 reads a value under RLock, releases it, and
//               has a time.AfterFunc callback write the map from its own
//               goroutine, with no lock and from the value read before the
//               delay. §3.1 adds a closure that captures a local map and warns
//               that the callback may find that variable's stack memory gone.
// Not in C++:   In Go, a variable captured by a closure escapes to the heap and
//               stays alive as long as the closure does, so §3.1's dead-stack
//               worry cannot happen there; the real bugs are the missing lock
//               and the stale value. In C++ a by-reference capture really does
//               point into a dead frame once the arming function returns:
//               AddressSanitizer (detect_stack_use_after_return) reports it,
//               ThreadSanitizer does not, and without a sanitizer the callback
//               silently uses whatever the stack holds now. As with AfterFunc,
//               arming the timer happens-before the callback, so whatever the
//               arming thread did before schedule() is visible to it; nothing
//               orders the callback with the readers and writers that come
//               after.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"
#include "case_api/timer_queue.hpp"

namespace {

using lockedges::await;
using lockedges::note;
using lockedges::post;
using lockedges::Run;
using lockedges::TimerQueue;
using namespace std::chrono_literals;

// How long discount_later() waits before writing. Short enough for a forced
// run and for callbacks to land between the writers' updates in stress.
constexpr auto kDelay = 50us;

// A price and its version; every write bumps the version.
struct Entry {
  long cents = 0;
  std::uint64_t version = 0;
};

// The shared state: a price list, the discount rate, and the lock that
// guards them. Items are inserted before any thread starts and never erased,
// so the map's shape does not change; only entries are written.
struct Prices {
  lockedges::SharedMutex mu_{"prices.mu_"};
  std::unordered_map<std::string, Entry> map;  // guarded by mu_
  long discount_percent = 10;                  // guarded by mu_
  long stale = 0;  // stale overwrites; touched only by callbacks (the timer thread)
};

// The forced schedule, in the order it happens.
enum Step {
  kPriceRead = 1,  // shop: has read the price (and released the shared lock)
  kNewPrice,       // writer: has stored a newer price (and released the exclusive lock)
  kArmReturned,    // shop: discount_later() has armed the timer and returned
  kReaderHolds,    // reader: has read the price and still holds the shared lock
  kTimerWrote,     // timer: the callback has written (or dropped) its price
};

// The shop's two reads, each under the shared lock: the price, then the
// discount rate. A writer may store a new price between them.
Entry read_price(Prices& p, const std::string& item) {
  Entry seen;
  {
    std::shared_lock lock(p.mu_);
    seen = p.map.at(item);
    note("reads {} = {} (version {}) under the shared lock", item, seen.cents, seen.version);
  }
  post(kPriceRead, "keeps {} (version {}) to compute the discount from", seen.cents, seen.version);
  return seen;
}

long discounted_price(Prices& p, long cents) {
  await(kNewPrice);
  std::shared_lock lock(p.mu_);
  return cents * (100 - p.discount_percent) / 100;
}

// ---------------------------------------------------------------------------
// Broken: the callback takes no lock, writes a price computed from an old
// read, and reads `discounted` through a reference into a dead stack frame.
// ---------------------------------------------------------------------------
TimerQueue::Id discount_later_broken(Prices& p, TimerQueue& timers, const std::string& item) {
  const Entry seen = read_price(p, item);
  const long discounted = discounted_price(p, seen.cents);
  note("reads the discount rate; arms a timer to write {} = {}", item, discounted);
  return timers.schedule(kDelay, [&, item, seen] {  // `&` takes `discounted` by reference
    await(kReaderHolds);
    const long cents = discounted;  // LIFETIME(B): discount_later() has returned; its frame is gone
    note("callback reads `discounted` through a reference into a dead frame: {}", cents);
    Entry& e = p.map.at(item);
    const std::uint64_t overwritten = e.version;  // no lock: races with the writers too
    p.stale += overwritten != seen.version;
    e = {cents, overwritten + 1};  // RACE(A): writes the price with no lock held
    post(kTimerWrote, "callback writes {} = {} with no lock, over version {}", item, cents, overwritten);
  });
}

// ---------------------------------------------------------------------------
// Broken, locked: copies instead of references and the exclusive lock end the
// data race and the dangling read, but the write still comes from the old
// read: a newer price is overwritten. A logic race no detector can see.
// ---------------------------------------------------------------------------
TimerQueue::Id discount_later_locked(Prices& p, TimerQueue& timers, const std::string& item) {
  const Entry seen = read_price(p, item);
  const long discounted = discounted_price(p, seen.cents);
  note("reads the discount rate; arms a timer to write {} = {}", item, discounted);
  return timers.schedule(kDelay, [&p, item, seen, discounted] {
    await(kReaderHolds);
    std::unique_lock lock(p.mu_);
    Entry& e = p.map.at(item);
    const std::uint64_t overwritten = e.version;
    p.stale += overwritten != seen.version;  // moved on since the read: this write is stale
    e = {discounted, overwritten + 1};
    post(kTimerWrote, "callback writes {} = {} under the exclusive lock, over version {}", item,
         discounted, overwritten);
  });
}

// ---------------------------------------------------------------------------
// Fixed: captures by value, takes the exclusive lock, and writes only if the
// entry is still the version it read (compare-and-set); otherwise it drops
// the discount. The owner destroys the TimerQueue (cancel pending, wait for
// the callback in flight) before the Prices it touches: see the drivers.
// ---------------------------------------------------------------------------
TimerQueue::Id discount_later_fixed(Prices& p, TimerQueue& timers, const std::string& item) {
  const Entry seen = read_price(p, item);
  const long discounted = discounted_price(p, seen.cents);
  note("reads the discount rate; arms a timer to write {} = {}", item, discounted);
  return timers.schedule(kDelay, [&p, item, seen, discounted] {  // FIX(B): captures by value
    await(kReaderHolds);
    std::unique_lock lock(p.mu_);  // FIX(A): the callback writes under the exclusive lock
    Entry& e = p.map.at(item);
    if (e.version != seen.version) {  // FIX(symptom): changed since the read: the discount is obsolete
      post(kTimerWrote, "callback finds version {}, not {}: drops the discount", e.version, seen.version);
      return;
    }
    e = {discounted, e.version + 1};
    post(kTimerWrote, "callback writes {} = {} under the exclusive lock", item, discounted);
  });
}

// ---------------------------------------------------------------------------
// The other two parties: a writer with a new price list, a reader
// ---------------------------------------------------------------------------
void set_price(Prices& p, const std::string& item, long cents) {
  await(kPriceRead);
  {
    std::unique_lock lock(p.mu_);
    Entry& e = p.map.at(item);
    e = {cents, e.version + 1};
    note("stores a new price {} = {} (version {}) under the exclusive lock", item, cents, e.version);
  }
  post(kNewPrice, "is done: the new price is in the map");
}

void read_and_hold(Prices& p, const std::string& item) {
  await(kArmReturned);
  std::shared_lock lock(p.mu_);
  const Entry e = p.map.at(item);  // RACE(A): read under the shared lock
  post(kReaderHolds, "reads {} = {} (version {}) under the shared lock", item, e.cents, e.version);
  await(kTimerWrote);
}

// ---------------------------------------------------------------------------
// Driving each variant
// ---------------------------------------------------------------------------
using DiscountLater = TimerQueue::Id (*)(Prices&, TimerQueue&, const std::string&);

const std::array<std::string, 4> kItems = {"apple", "bread", "cheese", "dates"};

void stock(Prices& p) {
  for (const auto& item : kItems) p.map[item] = {200, 1};
}

template <DiscountLater Discount>
void forced(Run& run) {
  Prices p;
  stock(p);
  {
    TimerQueue timers;  // inner scope: destroyed (cancel, wait, join) before `p`
    run.threads({{"shop",
                  [&] {
                    Discount(p, timers, kItems[0]);
                    post(kArmReturned, "discount_later() returns; its locals are gone");
                    // Stay alive until the callback has run: a thread that exits unmaps its
                    // stack (ASan's fake stack too), and the dangling read would be a SEGV.
                    await(kTimerWrote);
                  }},
                 {"writer", [&] { set_price(p, kItems[0], 250); }},
                 {"reader", [&] { read_and_hold(p, kItems[0]); }}});
  }
  run.symptom("stale overwrites", p.stale);
}

// Two writers put new prices on the items and arm a discount for each; the
// callbacks land tens of microseconds later, between the writers' updates.
// A reader reads prices all along. Each writer keeps at most kPending timers
// pending, cancelling its oldest to arm a new one, and cancels (and waits
// for) the rest before it leaves.
template <DiscountLater Discount>
void stress(Run& run) {
  constexpr std::size_t kPending = 8;
  Prices p;
  stock(p);
  std::uint64_t writes[2] = {0, 0};
  std::uint64_t reads = 0;
  {
    TimerQueue timers;  // inner scope: destroyed (cancel, wait, join) before `p`
    auto writer = [&](std::size_t w) {
      std::array<TimerQueue::Id, kPending> pending;
      pending.fill(TimerQueue::kNoTimer);  // a short run may fill fewer than kPending
      for (std::uint64_t i = 0; run.keep_going(i); ++i, ++writes[w]) {
        const std::string& item = kItems[(i + w) % kItems.size()];
        set_price(p, item, 200 + static_cast<long>(i % 100));
        TimerQueue::Id& slot = pending[i % kPending];
        if (slot != TimerQueue::kNoTimer) timers.cancel(slot);
        slot = Discount(p, timers, item);
      }
      for (const TimerQueue::Id id : pending) timers.cancel_and_wait(id);  // none outlives the writer
    };
    run.threads({{"writer 1", [&] { writer(0); }},
                 {"writer 2", [&] { writer(1); }},
                 {"reader", [&] {
                    for (std::uint64_t i = 0; run.keep_going(i); ++i, ++reads)
                      read_and_hold(p, kItems[i % kItems.size()]);
                  }}});
  }
  run.ops(writes[0] + writes[1] + reads);
  run.symptom("stale overwrites", p.stale);
}

const lockedges::Registration kRegistration{{
    .order = 20,
    .name = "timer-callback",
    .title = "a timer callback writes the map with no lock, from a value read before the delay",
    .seed = "1.2, 3.1",
    .source = __FILE__,
    .symptom = "stale overwrites",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "callback writes with no lock, from an old read, via a dangling reference",
             .forced = forced<discount_later_broken>,
             .stress = stress<discount_later_broken>},
            {.name = "broken-locked",
             .broken = true,
             .summary = "callback takes the exclusive lock but still writes the old read's value",
             .forced = forced<discount_later_locked>,
             .stress = stress<discount_later_locked>,
             .evidence = lockedges::Evidence::kSymptom},
            {.name = "fixed",
             .broken = false,
             .summary = "by-value capture, exclusive lock, compare-and-set on the version",
             .forced = forced<discount_later_fixed>,
             .stress = stress<discount_later_fixed>},
        },
    // A report of this bug: an access from a callback on a timer thread; or a
    // callback's use of an object already destroyed.
    .signatures = {{lockedges::Signal::kTimerCallback, 0.7},
                   {lockedges::Signal::kUseAfterFreeInCallback, 0.5}},
}};

}  // namespace
