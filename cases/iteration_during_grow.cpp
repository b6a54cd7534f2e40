// iteration-during-grow — an insert disguised as a lookup rehashes the map
// under a reader's feet.
//
// Pitfall:      unordered_map::operator[] reads like a lookup, so it ends up on
//               the read path under a std::shared_lock. For a missing key it
//               inserts, and an insert that crosses the load factor rehashes:
//               every node is relinked into a new bucket array while other
//               readers, holding the same shared lock, walk the old links.
// Race pair:    RACE(A) the node links and element count written by the rehash
//               in operator[]  vs  read by the iteration (begin, ++it, size).
// Symptom:      elements skipped or repeated by a walk, and walks that never
//               end.
// Interleaving: 1. the map sits at its load limit: one more element forces a
//                  rehash
//               2. reader takes the shared lock and walks half of the elements
//               3. lookup takes the shared lock too (readers do not exclude
//                  each other) and calls operator[] on a missing key
//               4. operator[] inserts; the insert rehashes, relinking every
//                  node: a data race with the reader's reads of the same links
//               5. reader follows the relinked list: some elements are skipped,
//                  some seen twice
// Fix:          On the read path use find() (or at(), or contains()), which
//               never inserts; do inserts through a function that takes the
//               exclusive lock. When readers must iterate while writers insert,
//               give them copy-on-write snapshots.
// Guideline:    CP.2: avoid data races. Under a shared lock call only const
//               member functions: a const reference to the map turns this bug
//               into a compile error.
// Go origin:    The study's §2.2, §2.3 and §2.5 argue that a map can grow while
//               readers hold the read lock, and that a read-mostly workload
//               hides it.
// Not in C++:   In Go a plain read (m[k]) never inserts, so growth under RLock
//               needs a write someone put on the read path by mistake; the
//               study's claims of growth caused by reads, GC or memory
//               reordering do not hold. In C++ the mistake is easy to make:
//               operator[] is the insert that looks like a read. Nothing in C++
//               panics the way Go's runtime does on concurrent map access; the
//               walk silently skips or repeats elements.
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/scenario.hpp"
#include "case_api/shared_mutex.hpp"

namespace {

using lockedges::await;
using lockedges::note;
using lockedges::post;
using lockedges::Run;

// Stress keys grow from 0 up to this bound, then the map starts again.
constexpr int kKeyBound = 4096;

// The shared state: an index and the lock that guards it.
struct Index {
  lockedges::SharedMutex mu_{"index.mu_"};
  std::unordered_map<int, int> map;  // guarded by mu_
};

enum Step {
  kReaderMidway = 1,  // reader: halfway through its walk, holding the shared lock
  kLookupDone,        // lookup: done with the missing key
};

// What one walk over the map saw, against the keys present when it began
// (keys are inserted in order from 0, so those are [0, size)).
struct Walk {
  long skipped = 0;
  long repeated = 0;
  bool runaway = false;  // the links led around and around: cut off
};

Walk walk(Index& idx, std::vector<unsigned char>& seen) {
  std::shared_lock lock(idx.mu_);
  const std::size_t before = idx.map.size();  // RACE(A): reads the element count
  seen.assign(seen.size(), 0);
  Walk w;
  std::size_t steps = 0;
  for (auto it = idx.map.begin(); it != idx.map.end(); ++it) {  // RACE(A): follows node links
    if (++steps == before / 2) {
      post(kReaderMidway, "walks half of the {} elements under the shared lock", before);
      await(kLookupDone);
    }
    if (steps > 2 * before + 2) {
      w.runaway = true;
      break;
    }
    const int key = it->first;
    if (key >= 0 && static_cast<std::size_t>(key) < before && seen[key]++ != 0) ++w.repeated;
  }
  for (std::size_t k = 0; k < before; ++k) w.skipped += seen[k] == 0;
  note("walk ends after {} steps: {} skipped, {} repeated", steps, w.skipped, w.repeated);
  return w;
}

// ---------------------------------------------------------------------------
// Broken: a "lookup" with operator[] under the shared lock.
// ---------------------------------------------------------------------------
int lookup_broken(Index& idx, int key) {
  std::shared_lock lock(idx.mu_);
  return idx.map[key];  // RACE(A): operator[] inserts the missing key and rehashes
}

void touch_broken(Index& idx, int key) {
  await(kReaderMidway);
  const std::size_t buckets = idx.map.bucket_count();
  lookup_broken(idx, key);
  post(kLookupDone, "looks up missing key {} with operator[]: inserts it, buckets {} -> {}",
       key, buckets, idx.map.bucket_count());
}

// ---------------------------------------------------------------------------
// Fixed: lookups use find() and never insert; inserts take the exclusive lock.
// ---------------------------------------------------------------------------
int lookup_fixed(Index& idx, int key) {
  std::shared_lock lock(idx.mu_);
  const auto it = idx.map.find(key);  // FIX(A): find() is const: it never inserts, safe under a shared lock
  return it == idx.map.end() ? 0 : it->second;
}

void insert_fixed(Index& idx, int key) {
  std::unique_lock lock(idx.mu_);  // FIX(A): inserting changes the table: exclusive lock
  idx.map.try_emplace(key, 0);
}

void touch_fixed(Index& idx, int key) {
  await(kReaderMidway);
  lookup_fixed(idx, key);
  post(kLookupDone, "looks up missing key {} with find(): no insert", key);
  insert_fixed(idx, key);
  note("inserts key {} under the exclusive lock", key);
}

// ---------------------------------------------------------------------------
// Driving either variant
// ---------------------------------------------------------------------------

// Fills keys 0, 1, ... until one more insert would exceed the load factor,
// so the next insert rehashes.
int fill_to_rehash_edge(Index& idx) {
  int next = 0;
  while (idx.map.size() < 64 ||
         static_cast<double>(idx.map.size() + 1) <= idx.map.bucket_count() * idx.map.max_load_factor())
    idx.map.emplace(next, next), ++next;
  return next;
}

template <void (*Touch)(Index&, int)>
void forced(Run& run) {
  Index idx;
  const int missing = fill_to_rehash_edge(idx);
  note("{} elements in {} buckets: the next insert rehashes", idx.map.size(), idx.map.bucket_count());
  std::vector<unsigned char> seen(static_cast<std::size_t>(missing) + 1);
  run.threads({{"reader", [&] { walk(idx, seen); }},
               {"lookup", [&] { Touch(idx, missing); }}});
}

// One thread walks the map again and again; another looks up the next
// missing key, so the map keeps growing through rehashes, and starts over
// from an empty map at kKeyBound.
template <void (*Touch)(Index&, int)>
void stress(Run& run) {
  Index idx;
  long skipped = 0, repeated = 0, runaway = 0, walks = 0, lookups = 0;
  run.threads({{"reader", [&] {
                  std::vector<unsigned char> seen(kKeyBound + 1);
                  for (std::uint64_t i = 0; run.keep_going(i); ++i, ++walks) {
                    const Walk w = walk(idx, seen);
                    skipped += w.skipped;
                    repeated += w.repeated;
                    runaway += w.runaway;
                  }
                }},
               {"lookup", [&] {
                  int key = 0;
                  for (std::uint64_t i = 0; run.keep_going(i); ++i, ++lookups) {
                    if (key == kKeyBound) {
                      std::unique_lock lock(idx.mu_);
                      idx.map = {};
                      key = 0;
                    }
                    Touch(idx, key++);
                  }
                }}});
  run.ops(static_cast<std::uint64_t>(walks + lookups));
  run.symptom("skipped elements", skipped);
  run.symptom("repeated elements", repeated);
  run.symptom("runaway walks", runaway);
}

const lockedges::Registration kRegistration{{
    .order = 50,
    .name = "iteration-during-grow",
    .title = "operator[] under a shared lock inserts and rehashes while another reader iterates",
    .seed = "2.2, 2.3, 2.5",
    .source = __FILE__,
    .symptom = "skipped elements",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "lookup with operator[] under a shared lock: inserts and rehashes",
             .forced = forced<touch_broken>,
             .stress = stress<touch_broken>},
            {.name = "fixed",
             .broken = false,
             .summary = "lookup with find(); inserts under the exclusive lock",
             .forced = forced<touch_fixed>,
             .stress = stress<touch_fixed>},
        },
    // A report of this bug: a write in the map's insert or rehash under a
    // shared lock, against a walk of the map.
    .signatures = {{lockedges::Signal::kMapWriteUnderSharedLock, 0.6},
                   {lockedges::Signal::kIterationRace, 0.3}},
}};

}  // namespace
