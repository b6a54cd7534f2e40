// cancel-tree — a child leaves its parent's children map while the parent is
// cancelling it: with no lock in common, or with both locks in opposite orders.
//
// Pitfall:      A parent cancellation token keeps its children in an
//               unordered_map guarded by its own lock and cancels them by
//               walking that map; a child that finishes first erases itself
//               from it. In `broken` the child erases while holding only its
//               own lock, which guards nothing of the parent's, so the erase
//               rewrites links the parent's walk is following. In
//               `broken-lock-order` the child does take the parent's lock, but
//               while it still holds its own, and the parent holds its lock
//               while it locks each child: parent then child on one side, child
//               then parent on the other.
// Race pair:    RACE(A) the parent's walk over root.children (reads the
//               links)  vs  the child's erase of itself (rewrites them), no
//               lock in common; in broken-lock-order, DEADLOCK(B) the child's
//               lock taken while holding the parent's (cancel)  vs  the
//               parent's lock taken while holding the child's (finish).
// Symptom:      deadlocks: broken-lock-order hangs in stress (the watchdog ends
//               it). `broken` shows no symptom a user would count; its evidence
//               is ThreadSanitizer's race report.
// Interleaving: 1. the parent takes root.mu_ and starts walking root.children
//                  to cancel each child
//               2. broken: child2 finishes, takes only child2.mu_ and erases
//                  itself from root.children, rewriting the link the walk will
//                  follow next
//               3. the walk reads that link with no lock in common with the
//                  erase: a data race (with the default allocator it can also
//                  step onto the node the erase freed)
//               4. broken-lock-order: child2 finishes, holds child2.mu_ and
//                  waits for root.mu_
//               5. the parent, still holding root.mu_, reaches child2 and waits
//                  for child2.mu_: each waits for a lock the other holds, for
//                  ever
// Fix:          Under the parent's lock, mark it cancelled and swap the
//               children map out into a local one; release the lock, then
//               cancel each child from the local map, one child's lock at a
//               time. A finishing child marks itself cancelled under its own
//               lock, releases it, and only then takes the parent's lock to
//               erase itself; an erase that finds the map already emptied does
//               nothing. No path holds two of these locks at once, so there is
//               no order to invert. Where one step truly needs two locks, take
//               them together with std::scoped_lock.
// Guideline:    CP.22: never call unknown code while holding a lock (the
//               children are cancelled after the parent's lock is released);
//               CP.21: use std::scoped_lock to acquire several mutexes; CP.2:
//               avoid data races.
// Go origin:    The study's §3.2 describes a cancel that walks parent.children
//               while another goroutine deletes itself from the same map
//               holding only its own mutex (c.mu, not the parent's), and
//               expects Go's 'concurrent map read and map write' fault.
// Not in C++:   Go's context package does not have this bug: removeChild
//               deletes under the parent's lock, after the child has released
//               its own, and cancel locks children only while holding the
//               parent's, so it keeps one order. The race is in code written
//               the way the study sketches it. Go's runtime usually stops such
//               a program with a fatal error; C++ checks nothing, and the walk
//               silently follows rewritten or freed links (this suite gives the
//               map an arena so the stress run does not crash; its race shows
//               only under ThreadSanitizer). C++ has no standard cancellation
//               tree, but C++20's std::stop_source, std::stop_token and
//               std::stop_callback are thread-safe: a child registers a
//               stop_callback on its parent's token, and the library handles
//               registration, removal and a callback that is running while it
//               is removed.
#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <memory_resource>
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

struct Token;
// A token's registered children by id. The map points at them; the Tree owns them.
using Children = std::pmr::unordered_map<int, Token*>;

// A cancellation token: cancelling it cancels its children; a child that
// finishes first deregisters from its parent.
struct Token {
  Token(std::string token_name, int token_id, Token* token_parent)
      : name(std::move(token_name)), id(token_id), parent(token_parent), mu_(name + ".mu_") {}

  const std::string name;
  const int id;         // its key in the parent's children map
  Token* const parent;  // null for the root
  lockedges::SharedMutex mu_;
  bool cancelled = false;  // guarded by mu_
  // The map's nodes come from an arena that frees nothing while the token
  // lives: when the broken walk races with an erase it follows a stale link
  // instead of a freed one, so the stress run finishes instead of crashing.
  // (With the default allocator the walk can read a node the erase freed.)
  std::array<std::byte, 1024> buffer_;
  std::pmr::monotonic_buffer_resource arena_{buffer_.data(), buffer_.size()};
  Children children{&arena_};  // guarded by mu_
};

// A root and its children, all registered before any thread starts.
struct Tree {
  explicit Tree(int n) {
    for (int i = 1; i <= n; ++i) {
      children.push_back(std::make_unique<Token>("child" + std::to_string(i), i, &root));
      root.children.emplace(i, children.back().get());  // no thread runs yet
    }
  }
  Token root{"root", 0, nullptr};
  std::vector<std::unique_ptr<Token>> children;
};

// The forced schedule, in the order it happens.
enum Step {
  kParentWalking = 1,  // parent: stopped at the first child of its walk
  kChildMoved,         // child: has finished (lock-order schedule: holds back instead)
  kParentDone,         // parent: cancel has returned
};

// Forced schedule: the parent stops once, at the first child of its walk,
// and lets the finishing child move. Both are no-ops in stress mode.
void pause_in_walk(const Token& at, const char* how) {
  post(kParentWalking, "walks root's children {}: stops at {}", how, at.name);
  await(kChildMoved);
}

// ---------------------------------------------------------------------------
// Broken (both variants): the parent locks each child while it holds its own
// lock, and walks the map in place.
// ---------------------------------------------------------------------------
void cancel_holding_lock(Token& t) {
  std::unique_lock lock(t.mu_);
  t.cancelled = true;
  bool first = true;
  for (auto& [id, child] : t.children) {  // RACE(A): follows links a finishing child rewrites
    if (std::exchange(first, false)) pause_in_walk(*child, "holding root.mu_");
    std::unique_lock child_lock(child->mu_);  // DEADLOCK(B): child's lock while holding the parent's
    child->cancelled = true;
  }
}

// broken: the child erases itself under its own lock, which guards nothing
// of the parent's.
void finish_broken(Token& child) {
  std::unique_lock lock(child.mu_);
  child.cancelled = true;
  child.parent->children.erase(child.id);  // RACE(A): writes the parent's map without the parent's lock
}

// broken-lock-order: the erase takes the parent's lock, but the child still
// holds its own: child -> parent, the reverse of cancel_holding_lock.
void finish_lock_order(Token& child) {
  std::unique_lock lock(child.mu_);
  child.cancelled = true;
  std::unique_lock parent_lock(child.parent->mu_);  // DEADLOCK(B): parent's lock while holding the child's
  child.parent->children.erase(child.id);
}

// ---------------------------------------------------------------------------
// Fixed: detach the children under the parent's lock and cancel them after
// releasing it; the child lets go of its own lock before taking the parent's.
// No path holds two of these locks at once, so there is no order to invert.
// ---------------------------------------------------------------------------
void cancel_fixed(Token& t) {
  Children detached(&t.arena_);  // same arena as t.children, so swap() just trades the tables
  {
    std::unique_lock lock(t.mu_);
    t.cancelled = true;
    detached.swap(t.children);  // FIX(A): ours now; a late erase finds an empty map
  }
  bool first = true;
  for (auto& [id, child] : detached) {  // a local map: nobody else can reach it
    if (std::exchange(first, false)) pause_in_walk(*child, "(its detached copy) with no lock held");
    std::unique_lock child_lock(child->mu_);  // the only lock held
    child->cancelled = true;
  }
}

void finish_fixed(Token& child) {
  {
    std::unique_lock lock(child.mu_);
    child.cancelled = true;
  }  // FIX(B): released before the parent's lock is taken: never child -> parent
  std::unique_lock parent_lock(child.parent->mu_);
  child.parent->children.erase(child.id);
}

// ---------------------------------------------------------------------------
// Driving the variants
// ---------------------------------------------------------------------------
using Cancel = void (*)(Token&);
using Finish = void (*)(Token&);

// Sets up the forced schedule's tree and says in which order the walk will
// meet the children (the map's order). Returns the child that finishes: the
// one right after the walk's first stop, so its erase rewrites the very link
// the walk follows next.
Token& forced_setup(Tree& tree) {
  std::string order;
  for (const auto& [id, child] : tree.root.children) order += (order.empty() ? "" : ", ") + child->name;
  Token& next = *std::next(tree.root.children.begin())->second;
  note("root's children map lists {}; the parent will cancel them in that order, {} finishes meanwhile",
       order, next.name);
  return next;
}

// Race schedule (broken, fixed): the child finishes while the parent is
// halfway through its walk.
template <Cancel CancelFn, Finish FinishFn>
void forced_race(Run& run) {
  Tree tree(3);
  Token& child = forced_setup(tree);
  run.threads({{"parent", [&] { CancelFn(tree.root); }},
               {child.name, [&] {
                  await(kParentWalking);
                  FinishFn(child);
                  post(kChildMoved, "has finished: marked itself cancelled, erased itself from root's children");
                }}});
}

// Lock-order schedule (broken-lock-order): the two orders one after the
// other, so the run itself cannot hang. ThreadSanitizer keeps one lock-order
// graph for the whole process, so the two orders close a cycle although they
// never overlap, provided each inner lock reaches it as a blocking
// acquisition (a try_lock adds no edge).
template <Cancel CancelFn, Finish FinishFn>
void forced_orders(Run& run) {
  Tree tree(3);
  Token& child = forced_setup(tree);
  run.threads({{"parent", [&] {
                  CancelFn(tree.root);
                  post(kParentDone, "cancel returns: every child cancelled, root.mu_ released");
                }},
               {child.name, [&] {
                  await(kParentWalking);
                  post(kChildMoved, "is done too, but holds back until the walk ends: finishing now could "
                                        "deadlock");
                  await(kParentDone);
                  FinishFn(child);
                  note("has erased itself: took root.mu_ while holding {}, the parent's order reversed",
                       child.mu_.name());
                }}});
}

constexpr int kStressChildren = 4;

// Stress: makes the tree new for the next round (the worker is idle).
void rearm(Tree& tree) {
  for (auto& child : tree.children) {
    std::unique_lock lock(child->mu_);
    child->cancelled = false;
  }
  std::unique_lock lock(tree.root.mu_);
  tree.root.cancelled = false;
  tree.root.children = Children(&tree.root.arena_);  // a fresh table...
  tree.root.arena_.release();                        // ...in a fresh arena
  for (auto& child : tree.children) tree.root.children.emplace(child->id, child.get());
}

// The hand-over between the stress threads: the last round handed to the
// worker, the last one it finished, and whether a thread has left its loop.
// A wait sleeps on a condition variable rather than spinning, so the stress
// profile shows the tree's locks, not sched_yield. (Its mutex orders only the
// hand-over itself, which the rounds need ordered anyway; within a round the
// two threads run free.)
class Rounds {
 public:
  void hand_over(std::uint64_t round) { set(armed_, round); }
  void done(std::uint64_t round) { set(finished_, round); }
  // A thread the run ends for says so, or its partner would wait for good.
  void leave() {
    {
      std::lock_guard lock(mu_);
      left_ = true;
    }
    cv_.notify_all();
  }
  // Until round `round` is handed over (or finished); false when the other
  // thread has left first.
  bool wait_handed(std::uint64_t round) { return wait_for(armed_, round); }
  bool wait_done(std::uint64_t round) { return wait_for(finished_, round); }

 private:
  void set(std::uint64_t& counter, std::uint64_t round) {
    {
      std::lock_guard lock(mu_);
      counter = round;
    }
    cv_.notify_all();
  }
  bool wait_for(const std::uint64_t& counter, std::uint64_t round) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return counter >= round || left_; });
    return counter >= round;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t armed_ = 0;
  std::uint64_t finished_ = 0;
  bool left_ = false;
};

// Rounds: the parent rearms the tree, hands the round to the worker and
// cancels the root; at the same moment the worker (standing in for the
// children's own tasks) finishes one child. The hand-over keeps rounds
// apart, so the tree can be reused.
template <Cancel CancelFn, Finish FinishFn>
void stress(Run& run) {
  Tree tree(kStressChildren);
  Rounds rounds;
  std::uint64_t parent_rounds = 0, worker_rounds = 0;
  run.threads({{"parent", [&] {
                  for (std::uint64_t i = 0; run.keep_going(i); ++i) {
                    rearm(tree);
                    rounds.hand_over(i + 1);
                    CancelFn(tree.root);
                    if (!rounds.wait_done(i + 1)) break;
                    ++parent_rounds;
                  }
                  rounds.leave();
                }},
               {"worker", [&] {
                  for (std::uint64_t i = 0; run.keep_going(i); ++i) {
                    if (!rounds.wait_handed(i + 1)) break;
                    FinishFn(*tree.children[i % kStressChildren]);
                    rounds.done(i + 1);
                    ++worker_rounds;
                  }
                  rounds.leave();
                }}});
  run.ops(parent_rounds + worker_rounds);
  run.symptom("deadlocks", 0);  // a deadlocked run never gets here: the watchdog reports 1
}

const lockedges::Registration kRegistration{{
    .order = 70,
    .name = "cancel-tree",
    .title = "a child leaves its parent's children map during the cancel walk; with locks, in the wrong order",
    .seed = "3.2",
    .source = __FILE__,
    .symptom = "deadlocks",
    .variants =
        {
            {.name = "broken",
             .broken = true,
             .summary = "a finishing child erases itself from the parent's map under its own lock only",
             .forced = forced_race<cancel_holding_lock, finish_broken>,
             .stress = stress<cancel_holding_lock, finish_broken>},
            {.name = "broken-lock-order",
             .broken = true,
             .summary = "parent locks each child while holding its lock; a child takes the parent's while holding its own",
             .forced = forced_orders<cancel_holding_lock, finish_lock_order>,
             .stress = stress<cancel_holding_lock, finish_lock_order>},
            {.name = "fixed",
             .broken = false,
             .summary = "children swapped out under the parent's lock, cancelled after it; one lock at a time",
             .forced = forced_race<cancel_fixed, finish_fixed>,
             .stress = stress<cancel_fixed, finish_fixed>},
        },
    // A report of this bug: a lock-order cycle between a parent's lock and a
    // child's (the same member), or the child's erase under its own lock
    // racing the parent's walk.
    .signatures = {{lockedges::Signal::kLockOrderSameMember, 0.6},
                   {lockedges::Signal::kLockOrderCycle, 0.3},
                   {lockedges::Signal::kMapWriteUnderOtherLock, 0.5},
                   {lockedges::Signal::kIterationRace, 0.2}},
}};

}  // namespace
