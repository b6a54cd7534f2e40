// nested-field — the lock guards the map, not the object a pointer in it names.
//
// Pitfall:      The map holds shared_ptr<User>, and a std::shared_mutex guards
//               the map. A lookup copies the pointer under the shared lock and
//               returns it; the caller then runs user->age++ after the lock is
//               gone. The lock protected the map's structure and the pointer
//               stored in it, never the User the pointer leads to, so every
//               updater changes the same field unguarded.
// Race pair:    RACE(A) user->age read and written by one updater after
//               unlock  vs  the same read-modify-write by another updater.
// Symptom:      lost increments: two updaters read the same age and both write
//               age + 1.
// Interleaving: 1. updater 1 copies ada's pointer under the shared lock,
//                  releases the lock, and reads age = 30
//               2. updater 2 does the same and also reads age = 30
//               3. updater 2 writes 31 with no lock held: a data race with
//                  updater 1's read
//               4. updater 1 writes 31 from its stale read: a data race with
//                  updater 2's write, and one birthday is lost
// Fix:          Keep the data the lock guards inside the guarded object: store
//               Users by value and change one only through update(name, fn),
//               which runs fn under the exclusive lock. Where sharing the
//               object is the point, give the field its own synchronisation:
//               std::atomic<int> with fetch_add, or a mutex inside User.
// Guideline:    CP.2: avoid data races; CP.3: minimise explicit sharing of
//               writable data (do not hand out pointers to guarded state);
//               CP.50: define a mutex together with the data it guards.
// Go origin:    The study's §1.3 stores *User values (in a sync.Map in its
//               example) and shows user.Age++ and cfg.Timeout = 30 done through
//               the pointer after the lookup: neither sync.Map nor an RWMutex
//               around a map covers the fields of the struct a stored pointer
//               leads to.
// Not in C++:   Nothing here is Go-specific: the bug carries over unchanged.
//               C++ adds a hazard Go's garbage collector hides: had the lookup
//               returned a User& into a map of values, an erase under the
//               exclusive lock would leave the caller with a dangling
//               reference, a use after free on top of the race (hence update(),
//               whose fn must not keep the reference). shared_ptr keeps the
//               User alive, but keeping it alive is not guarding it: its
//               reference count is atomic, its fields are not.
#include <atomic>
#include <memory>
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

const std::string kAda = "ada";
const std::vector<std::string> kStressUsers = {"ada", "grace"};

// A user record. Nothing in it is guarded by anything.
struct User {
  int age = 0;
};

// The shared state: users by name, and the lock that guards the map. The map
// holds pointers, so the lock guards the pointers, not the Users.
struct Users {
  lockedges::SharedMutex mu_{"users.mu_"};
  std::unordered_map<std::string, std::shared_ptr<User>> map;  // guarded by mu_
};

// The forced schedule: updater 1 stops between reading the age and writing
// it back; updater 2 makes its whole update in that gap.
enum Step {
  kFirstMidway = 1,  // updater 1: has read the age, has not written it yet
  kSecondDone,       // updater 2: has finished its update
};

// Both updaters run the same code; a Turn places each one in the schedule
// (no-ops in stress mode).
struct Turn {
  bool first;

  void start() const {
    if (!first) await(kFirstMidway);
  }
  template <typename... Args>
  void midway(fmt::format_string<Args...> what, Args&&... args) const {
    if (!first) return note(what, std::forward<Args>(args)...);
    post(kFirstMidway, what, std::forward<Args>(args)...);
    await(kSecondDone);
  }
  template <typename... Args>
  void done(fmt::format_string<Args...> what, Args&&... args) const {
    if (first) return note(what, std::forward<Args>(args)...);
    post(kSecondDone, what, std::forward<Args>(args)...);
  }
};

// The lookup: right for the map (a const operation under the shared lock),
// but what it returns is a copy of the pointer, and the lock ends here.
template <typename Table>
auto find_user(Table& users, const std::string& name) {
  std::shared_lock lock(users.mu_);
  return users.map.at(name);
}

// ---------------------------------------------------------------------------
// Broken: the pointer is fetched under the lock, the field changed after it.
// ---------------------------------------------------------------------------
void birthday_broken(const Turn& turn, Users& users, const std::string& name) {
  turn.start();
  const std::shared_ptr<User> user = find_user(users, name);
  // user->age++, spelled out: a read, then a write, and no lock held for either.
  const int age = user->age;  // RACE(A): read after find() released the lock
  turn.midway("reads age = {} through the pointer, no lock held", age);
  user->age = age + 1;  // RACE(A): write with no lock held
  turn.done("writes age = {}, no lock held", age + 1);
}

// ---------------------------------------------------------------------------
// Fixed: Users are values inside the map, so the lock that guards the map
// guards them; update() is the only way to change one, under the exclusive
// lock.
// ---------------------------------------------------------------------------
struct UserValues {
  lockedges::SharedMutex mu_{"users.mu_"};
  std::unordered_map<std::string, User> map;  // guarded by mu_, the Users with it

  // UserValues::update — runs fn on the named user while holding mu_
  // exclusively. fn must not keep a reference to the user.
  template <typename Fn>
  void update(const std::string& name, Fn fn) {
    std::unique_lock lock(mu_);  // FIX(A): the field changes only under the exclusive lock
    fn(map.at(name));
  }
};

void birthday_fixed(const Turn& turn, UserValues& users, const std::string& name) {
  turn.start();
  users.update(name, [&](User& user) {
    const int age = user.age;
    turn.midway("reads age = {} under the exclusive lock", age);
    user.age = age + 1;
    turn.done("writes age = {}, still under the exclusive lock", age + 1);
  });
}

// ---------------------------------------------------------------------------
// Fixed, atomic: the pointer is still fetched under the shared lock, but the
// field guards itself; fetch_add reads and writes in one indivisible step.
// ---------------------------------------------------------------------------
struct AtomicUser {
  std::atomic<int> age{0};
};

struct AtomicUsers {
  lockedges::SharedMutex mu_{"users.mu_"};
  std::unordered_map<std::string, std::shared_ptr<AtomicUser>> map;  // guarded by mu_
};

void birthday_atomic(const Turn& turn, AtomicUsers& users, const std::string& name) {
  turn.start();
  const std::shared_ptr<AtomicUser> user = find_user(users, name);
  const int age = user->age.fetch_add(1);  // FIX(A): read and write in one atomic step
  turn.midway("fetch_add reads age = {} and writes {} in one indivisible step", age, age + 1);
  turn.done("is done: no write was left pending after the read");
}

// ---------------------------------------------------------------------------
// Driving each variant
// ---------------------------------------------------------------------------
void add_user(Users& t, const std::string& name, int age) { t.map.emplace(name, std::make_shared<User>(age)); }
void add_user(UserValues& t, const std::string& name, int age) { t.map.emplace(name, User{age}); }
void add_user(AtomicUsers& t, const std::string& name, int age) {
  t.map.emplace(name, std::make_shared<AtomicUser>(age));
}
// Read after the threads have joined.
int age_of(const Users& t, const std::string& name) { return t.map.at(name)->age; }
int age_of(const UserValues& t, const std::string& name) { return t.map.at(name).age; }
int age_of(const AtomicUsers& t, const std::string& name) { return t.map.at(name)->age.load(); }

template <typename Table, void (*Birthday)(const Turn&, Table&, const std::string&)>
void forced(Run& run) {
  Table users;
  add_user(users, kAda, 30);
  run.threads({{"updater 1", [&] { Birthday({.first = true}, users, kAda); }},
               {"updater 2", [&] { Birthday({.first = false}, users, kAda); }}});
  const int age = age_of(users, kAda);
  note("two birthdays from 30 leave {} at {}: {} increment(s) lost", kAda, age, 32 - age);
  run.symptom("lost increments", 32 - age);
}

// Three updaters give birthdays to the same two users; every increment that
// does not show in the final ages is a lost increment.
template <typename Table, void (*Birthday)(const Turn&, Table&, const std::string&)>
void stress(Run& run) {
  constexpr int kUpdaters = 3;
  Table users;
  for (const auto& name : kStressUsers) add_user(users, name, 0);
  long birthdays[kUpdaters] = {};
  std::vector<std::pair<std::string, Run::Body>> bodies;
  for (int u = 0; u < kUpdaters; ++u)
    bodies.emplace_back(fmt::format("updater {}", u + 1), [&, u] {
      const Turn turn{.first = u == 0};
      long n = 0;
      for (std::uint64_t i = 0; run.keep_going(i); ++i, ++n)
        Birthday(turn, users, kStressUsers[i % kStressUsers.size()]);
      birthdays[u] = n;
    });
  run.threads(std::move(bodies));
  long expected = 0, actual = 0;
  for (long n : birthdays) expected += n;
  for (const auto& name : kStressUsers) actual += age_of(users, name);
  run.ops(static_cast<std::uint64_t>(expected));
  run.symptom("lost increments", expected - actual);
}

const lockedges::Registration kRegistration{{
    .order = 30,
    .name = "nested-field",
    .title = "a pointer fetched under the shared lock, its field updated after unlock",
    .seed = "1.3",
    .source = __FILE__,
    .symptom = "lost increments",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "pointer copied under the shared lock, user->age++ after unlock",
             .forced = forced<Users, birthday_broken>,
             .stress = stress<Users, birthday_broken>},
            {.name = "fixed",
             .broken = false,
             .summary = "Users stored by value, changed only by update() under the exclusive lock",
             .forced = forced<UserValues, birthday_fixed>,
             .stress = stress<UserValues, birthday_fixed>},
            {.name = "fixed-atomic",
             .broken = false,
             .summary = "pointer copied under the shared lock, age is a std::atomic (fetch_add)",
             .forced = forced<AtomicUsers, birthday_atomic>,
             .stress = stress<AtomicUsers, birthday_atomic>},
        },
    // A report of this bug: a field of an object behind a shared_ptr (or in a
    // map node) written with no lock.
    .signatures = {{lockedges::Signal::kElementFieldWrite, 0.6}},
}};

}  // namespace
