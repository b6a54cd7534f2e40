// lazy-init — an inner map created on first use, by two threads at once.
//
// Pitfall:      An outer map of inner maps creates each inner map the first
//               time its group is used, and two home-made ways of doing that
//               lazily both break. Double-checked locking on a plain Inner*:
//               the first check reads the pointer with no lock, so a thread can
//               find it set while nothing has published the map behind it (its
//               mutex, its buckets) to that thread. Check-then-act: "no inner
//               map for this group" is checked under the shared lock, the lock
//               is dropped, and the map is created under the exclusive lock
//               without checking again, so two threads both create one and the
//               second replaces the first, with every access locked.
// Race pair:    RACE(A) a slot's inner_ pointer, read by the fast path with no
//               lock  vs  stored under the exclusive lock; and RACE(B) the
//               inner map behind it (its mutex, its members), used by the
//               fast-path thread  vs  built by its creator, with nothing
//               ordering the two. broken-check-then-act has no race: every
//               access is locked; its evidence is the lost insert.
// Symptom:      lost inserts: members inserted into an inner map that a second
//               creation then replaced.
// Interleaving: 1. broken: user 1 reads inner_ = null, takes groups.mu_, builds
//                  the inner map and stores its address with a plain store
//               2. user 2 reads inner_ on the fast path with no lock while user
//                  1 still holds groups.mu_: a data race on the pointer
//               3. user 2 locks and fills the inner map through that pointer;
//                  nothing orders user 1's construction before it, so its mutex
//                  and members race too
//               4. broken-check-then-act: user 1, then user 2, look up admins
//                  under the shared lock, find no inner map, and release the
//                  lock
//               5. user 1 takes the exclusive lock, creates the inner map and
//                  inserts ada
//               6. user 2 takes the exclusive lock and, trusting its stale
//                  check, assigns a new empty inner map and inserts bob: ada is
//                  lost, and no detector reports anything
// Fix:          Check and create inside one critical section: under the
//               exclusive lock, try_emplace creates the inner map only if it is
//               missing (fixed). If readers need a lock-free fast path, make
//               the pointer a std::atomic<Inner*>: build the map, store the
//               pointer with memory_order_release under the lock, load it with
//               memory_order_acquire (fixed-atomic). std::call_once with one
//               std::once_flag per inner map gets the same guarantee with no
//               hand-written checks.
// Guideline:    CP.110: do not write your own double-checked locking for
//               initialisation (use std::call_once or a function-local static);
//               CP.111: if you really need it, use the conventional pattern, an
//               atomic pointer with acquire/release; CP.2: avoid data races. A
//               check made under one lock is stale under the next: check and
//               act in one critical section.
// Go origin:    The study's §1.4 has one goroutine store a freshly made map
//               into a sync.Map while another loads it and writes to it, and
//               blames the panic "assignment to entry in nil map" on the reader
//               seeing the map before it was initialised.
// Not in C++:   The nil-map panic is Go-specific: writing to a nil Go map
//               panics, while a default-constructed std::unordered_map is empty
//               and usable, so operator[] or try_emplace creates the inner map
//               for you. (In the study's own code a Load that runs before the
//               Store gets nil and the type assertion panics, and one that runs
//               after sees the finished map: sync.Map orders a Store before any
//               Load that observes it.) What carries over is the unsynchronised
//               publication of a pointer, undefined behaviour in C++ that on
//               x86-64 almost never shows in stress (so ThreadSanitizer is the
//               only witness), and the check-then-act, which no detector sees
//               because every access is locked.
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"

namespace {

using lockedges::await;
using lockedges::note;
using lockedges::post;
using lockedges::Run;

const std::string kGroup = "admins";

// An inner map: one group's members, by id.
using Members = std::unordered_map<long, std::string>;

// The forced schedule. Both users run the same code; each variant family
// uses the steps it needs.
enum Step {
  kFirstChecked = 1,  // user 1: has looked for the group's inner map, found none
  kSecondChecked,     // user 2: the same
  kFirstCreated,      // user 1: has built the inner map and stored its address
  kFirstInserted,     // user 1: has inserted its member
  kSecondInserted,    // user 2: has inserted its member
};

// User — one of the two threads, placed in the forced schedule (no-ops in
// stress mode).
struct User {
  bool first;

  // Double-checked locking: user 2 comes in once user 1 has created the map.
  void starts_after_creation() const {
    if (!first) await(kFirstCreated);
  }
  template <typename... Args>
  void created(fmt::format_string<Args...> what, Args&&... args) const {
    post(kFirstCreated, what, std::forward<Args>(args)...);
    await(kSecondInserted);
  }
  // Check-then-act: each user checks; then user 1 acts, then user 2.
  void starts_after_first_check() const {
    if (!first) await(kFirstChecked);
  }
  template <typename... Args>
  void checked(fmt::format_string<Args...> what, Args&&... args) const {
    post(first ? kFirstChecked : kSecondChecked, what, std::forward<Args>(args)...);
    await(first ? kSecondChecked : kFirstInserted);
  }
  template <typename... Args>
  void inserted(fmt::format_string<Args...> what, Args&&... args) const {
    post(first ? kFirstInserted : kSecondInserted, what, std::forward<Args>(args)...);
  }
};

// ===========================================================================
// Double-checked locking. The groups are known at start-up: the outer map of
// slots is filled before any thread starts and never changes, so finding a
// group's slot takes no lock. Each slot's inner map is created on first use
// and has its own lock, so adding to one group does not hold up another.
// ===========================================================================
struct Inner {
  lockedges::SharedMutex mu_{"inner.mu_"};
  Members members;  // guarded by mu_
};

template <typename Slot>
struct LazyGroups {
  lockedges::SharedMutex mu_{"groups.mu_"};     // guards creating an inner map
  std::unordered_map<std::string, Slot> slots;  // read-only once the threads run
};

// ---------------------------------------------------------------------------
// Broken: double-checked locking on a plain pointer.
// ---------------------------------------------------------------------------
struct PlainSlot {
  Inner* inner_ = nullptr;  // written under groups.mu_, read by the fast path without it
  ~PlainSlot() { delete inner_; }
};

Inner& inner_broken(const User& user, LazyGroups<PlainSlot>& groups, const std::string& group) {
  PlainSlot& slot = groups.slots.at(group);
  if (Inner* inner = slot.inner_) {  // RACE(A): first check reads the pointer with no lock
    note("reads inner_ on the fast path, no lock: set, so it skips the lock");
    return *inner;
  }
  note("reads inner_ on the fast path: null, so it takes the lock");
  std::unique_lock lock(groups.mu_);
  if (slot.inner_ == nullptr) {  // second check, under the lock
    Inner* fresh = new Inner;  // RACE(B): builds the inner map under groups.mu_...
    slot.inner_ = fresh;       // RACE(A): ...and publishes it with a plain store, no release
    user.created("builds the inner map for {} and stores its address in inner_, still holding groups.mu_",
                 group);
  }
  return *slot.inner_;
}

// ---------------------------------------------------------------------------
// Fixed, atomic: the same shape, but the pointer is a std::atomic. The
// release store publishes everything written before it (the whole Inner) to
// any thread whose acquire load sees the pointer.
// ---------------------------------------------------------------------------
struct AtomicSlot {
  std::atomic<Inner*> inner_{nullptr};  // stored (release) under groups.mu_, loaded (acquire) anywhere
  ~AtomicSlot() { delete inner_.load(); }
};

Inner& inner_atomic(const User& user, LazyGroups<AtomicSlot>& groups, const std::string& group) {
  AtomicSlot& slot = groups.slots.at(group);
  if (Inner* inner = slot.inner_.load(std::memory_order_acquire)) {  // FIX(A): an atomic load, acquire
    note("loads inner_ on the fast path with acquire: set, and the map behind it is published");
    return *inner;
  }
  note("loads inner_ on the fast path with acquire: null, so it takes the lock");
  std::unique_lock lock(groups.mu_);
  if (slot.inner_.load(std::memory_order_relaxed) == nullptr) {  // the lock orders this load
    Inner* fresh = new Inner;
    slot.inner_.store(fresh, std::memory_order_release);  // FIX(B): the release store publishes the Inner
    user.created("builds the inner map for {} and stores its address with release, still holding groups.mu_",
                 group);
  }
  return *slot.inner_.load(std::memory_order_relaxed);
}

// Adding a member, the same for both: find or create the inner map, then
// insert under the inner map's own lock.
template <typename Slot, Inner& (*InnerFor)(const User&, LazyGroups<Slot>&, const std::string&)>
void add_lazy(const User& user, LazyGroups<Slot>& groups, const std::string& group, long id,
              const std::string& name) {
  user.starts_after_creation();
  Inner& inner = InnerFor(user, groups, group);
  std::unique_lock lock(inner.mu_);  // RACE(B): broken: locks a mutex never published to this thread
  inner.members.emplace(id, name);   // RACE(B): broken: and fills a map never published to it
  user.inserted("inserts {} into the inner map of {}, under inner.mu_", name, group);
}  // RACE(B): broken: ~unique_lock then unlocks that unpublished mutex

// ===========================================================================
// Check-then-act. Groups come and go: the outer map holds the inner maps
// themselves, and one lock guards both levels.
// ===========================================================================
struct Groups {
  lockedges::SharedMutex mu_{"groups.mu_"};
  std::unordered_map<std::string, Members> map;  // guarded by mu_, inner maps included
};

// ---------------------------------------------------------------------------
// Broken: the check is made under the shared lock, the act under the
// exclusive lock, and nothing checks again in between.
// ---------------------------------------------------------------------------
void add_check_then_act(const User& user, Groups& groups, const std::string& group, long id,
                        const std::string& name) {
  user.starts_after_first_check();
  bool missing = false;
  {
    std::shared_lock lock(groups.mu_);
    missing = !groups.map.contains(group);
  }
  user.checked("looks up {} under the shared lock: {}", group, missing ? "no inner map yet" : "found");
  std::unique_lock lock(groups.mu_);
  if (missing) groups.map[group] = Members{};  // acts on a stale check: may replace a map just made
  groups.map[group].emplace(id, name);
  user.inserted("{} {} and inserts {}", missing ? "assigns a new, empty inner map to" : "finds the inner map of",
                group, name);
}

// ---------------------------------------------------------------------------
// Fixed: check and create in one step, under the exclusive lock.
// ---------------------------------------------------------------------------
void add_fixed(const User& user, Groups& groups, const std::string& group, long id, const std::string& name) {
  user.starts_after_first_check();
  std::unique_lock lock(groups.mu_);
  auto [it, created] = groups.map.try_emplace(group);  // FIX(symptom): check and create in one step
  user.checked("try_emplace {} the inner map of {}, under the exclusive lock", created ? "creates" : "finds",
               group);
  it->second.emplace(id, name);
  user.inserted("inserts {} into the inner map of {}", name, group);
}

// ===========================================================================
// Driving each variant
// ===========================================================================

// Stress: kGroups groups take members in rounds of kPerGroup. Member ids come
// from one shared counter, so both users work on the same group at the same
// time, and each new round starts its group afresh: the first insert of a
// round drops the group's old members (counted as retired, not lost), and
// for the check-then-act family erases its inner map, so it is created again.
constexpr int kGroups = 8;
constexpr long kPerGroup = 16;

std::vector<std::string> group_names() {
  std::vector<std::string> names;
  for (int g = 0; g < kGroups; ++g) names.push_back(fmt::format("group-{}", g));
  return names;
}

// The stress loop, the same for every variant: `add` inserts a member,
// `drop` starts a group afresh and returns how many members it held. Returns
// the inserts not accounted for by a drop: those the maps should still hold.
template <typename Add, typename Drop>
long stress_loop(Run& run, Add add, Drop drop) {
  const std::vector<std::string> names = group_names();
  std::atomic<long> next{0};  // relaxed: hands out ids, orders nothing
  long inserts[2] = {}, retired[2] = {};
  auto body = [&](int u) {
    const User user{.first = u == 0};
    long n = 0, gone = 0;
    for (std::uint64_t i = 0; run.keep_going(i); ++i, ++n) {
      const long id = next.fetch_add(1, std::memory_order_relaxed);
      const std::string& group = names[static_cast<std::size_t>((id / kPerGroup) % kGroups)];
      if (id % kPerGroup == 0) gone += static_cast<long>(drop(user, group));
      add(user, group, id);
    }
    inserts[u] = n, retired[u] = gone;
  };
  run.threads({{"user 1", [&] { body(0); }}, {"user 2", [&] { body(1); }}});
  run.ops(static_cast<std::uint64_t>(inserts[0] + inserts[1]));
  return inserts[0] + inserts[1] - retired[0] - retired[1];
}

// What the inner maps hold, read after the threads have joined.
std::string names_in(const Members& members) {
  const std::map<long, std::string> by_id(members.begin(), members.end());
  std::string names;
  for (const auto& [id, name] : by_id) names += (names.empty() ? "" : " and ") + name;
  return names.empty() ? "nobody" : names;
}

const Inner* inner_of(const PlainSlot& slot) { return slot.inner_; }
const Inner* inner_of(const AtomicSlot& slot) { return slot.inner_.load(); }

template <typename Slot>
long members_held(const LazyGroups<Slot>& groups) {
  long held = 0;
  for (const auto& [name, slot] : groups.slots)
    if (const Inner* inner = inner_of(slot)) held += static_cast<long>(inner->members.size());
  return held;
}

long members_held(const Groups& groups) {
  long held = 0;
  for (const auto& [name, members] : groups.map) held += static_cast<long>(members.size());
  return held;
}

template <typename Slot, Inner& (*InnerFor)(const User&, LazyGroups<Slot>&, const std::string&)>
void forced_lazy(Run& run) {
  LazyGroups<Slot> groups;
  groups.slots.try_emplace(kGroup);
  run.threads({{"user 1", [&] { add_lazy<Slot, InnerFor>({.first = true}, groups, kGroup, 1, "ada"); }},
               {"user 2", [&] { add_lazy<Slot, InnerFor>({.first = false}, groups, kGroup, 2, "bob"); }}});
  const long held = members_held(groups);
  note("{} ends up holding {}: {} of the 2 inserts lost", kGroup,
       names_in(inner_of(groups.slots.at(kGroup))->members), 2 - held);
  run.symptom("lost inserts", 2 - held);
}

template <typename Slot, Inner& (*InnerFor)(const User&, LazyGroups<Slot>&, const std::string&)>
void stress_lazy(Run& run) {
  LazyGroups<Slot> groups;
  for (const auto& name : group_names()) groups.slots.try_emplace(name);
  const long expected = stress_loop(
      run,
      [&](const User& user, const std::string& group, long id) {
        add_lazy<Slot, InnerFor>(user, groups, group, id, std::string());
      },
      [&](const User& user, const std::string& group) {
        Inner& inner = InnerFor(user, groups, group);
        std::unique_lock lock(inner.mu_);
        const std::size_t n = inner.members.size();
        inner.members.clear();
        return n;
      });
  run.symptom("lost inserts", expected - members_held(groups));
}

template <void (*Add)(const User&, Groups&, const std::string&, long, const std::string&)>
void forced_map(Run& run) {
  Groups groups;
  run.threads({{"user 1", [&] { Add({.first = true}, groups, kGroup, 1, "ada"); }},
               {"user 2", [&] { Add({.first = false}, groups, kGroup, 2, "bob"); }}});
  const long held = members_held(groups);
  note("{} ends up holding {}: {} of the 2 inserts lost", kGroup, names_in(groups.map.at(kGroup)), 2 - held);
  run.symptom("lost inserts", 2 - held);
}

template <void (*Add)(const User&, Groups&, const std::string&, long, const std::string&)>
void stress_map(Run& run) {
  Groups groups;
  const long expected = stress_loop(
      run, [&](const User& user, const std::string& group, long id) { Add(user, groups, group, id, std::string()); },
      [&](const User&, const std::string& group) {
        std::unique_lock lock(groups.mu_);
        const auto it = groups.map.find(group);
        if (it == groups.map.end()) return std::size_t{0};
        const std::size_t n = it->second.size();
        groups.map.erase(it);
        return n;
      });
  run.symptom("lost inserts", expected - members_held(groups));
}

const lockedges::Registration kRegistration{{
    .order = 40,
    .name = "lazy-init",
    .title = "an inner map created on first use: double-checked locking and check-then-act",
    .seed = "1.4",
    .source = __FILE__,
    .symptom = "lost inserts",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "double-checked locking on a plain Inner* read with no lock on the fast path",
             .forced = forced_lazy<PlainSlot, inner_broken>,
             .stress = stress_lazy<PlainSlot, inner_broken>},
            {.name = "broken-check-then-act",
             .broken = true,
             .summary = "checks under the shared lock, creates under the exclusive lock without re-checking",
             .forced = forced_map<add_check_then_act>,
             .stress = stress_map<add_check_then_act>,
             .evidence = lockedges::Evidence::kSymptom},
            {.name = "fixed",
             .broken = false,
             .summary = "try_emplace under the exclusive lock: check and create in one critical section",
             .forced = forced_map<add_fixed>,
             .stress = stress_map<add_fixed>},
            {.name = "fixed-atomic",
             .broken = false,
             .summary = "double-checked locking on a std::atomic<Inner*>, release store, acquire load",
             .forced = forced_lazy<AtomicSlot, inner_atomic>,
             .stress = stress_lazy<AtomicSlot, inner_atomic>},
        },
    // A report of this bug: the unlocked check and the locked store of one
    // pointer, in one function.
    .signatures = {{lockedges::Signal::kDoubleCheckedPointer, 0.8}, {lockedges::Signal::kUnpublishedObject, 0.6}},
}};

}  // namespace
