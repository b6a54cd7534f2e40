// cancel-tree's benchmarks (`lockedges bench`). The case file comes first, so
// the fixtures see its types in its own translation unit: the plain build
// compiles this file instead of cases/cancel_tree.cpp; the sanitizer builds,
// with no benchmarks, compile the case alone.
#include "../../cases/cancel_tree.cpp"

#include "benchmarks/bench_registry.hpp"

namespace {

// `fixes` group — one round of the stress workload, done by one thread on a
// tree of its own: rearm the tree (kStressChildren children), let child
// i % kStressChildren finish (deregister from the root), then cancel the
// root. No tree is shared between threads, so more threads add no
// contention: this measures what each lock discipline costs a round. The
// broken variants' race and deadlock need two threads on one tree, which a
// benchmark must not risk: a deadlock would hang it, and the race can send
// the walk around a rewritten bucket list.
template <Cancel CancelFn, Finish FinishFn>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int threads) {
    for (int t = 0; t < threads; ++t) trees_.push_back(std::make_unique<Tree>(kStressChildren));
  }

  std::uint64_t op(int thread, std::uint64_t i) override {
    Tree& tree = *trees_[static_cast<std::size_t>(thread)];
    rearm(tree);
    FinishFn(*tree.children[i % kStressChildren]);
    CancelFn(tree.root);
    return tree.root.children.size();
  }

 private:
  std::vector<std::unique_ptr<Tree>> trees_;  // one per thread
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "one round on a tree of the thread's own (4 children): rearm, one child finishes, the root is cancelled; "
          "threads share nothing",
    .variants = {{.variant = "broken",
                  .make = lockedges::bench_factory<Bench<cancel_holding_lock, finish_broken>>(),
                  .note = "no second thread ever touches its tree, so the erase never meets the walk: race-free, "
                          "at every thread count"},
                 {.variant = "broken-lock-order",
                  .make = lockedges::bench_factory<Bench<cancel_holding_lock, finish_lock_order>>(),
                  .note = "the two lock orders never run at once on one tree, so it cannot deadlock here"},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<cancel_fixed, finish_fixed>>()}}}};

}  // namespace
