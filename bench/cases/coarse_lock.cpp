// coarse-lock's benchmarks (`lockedges bench`). The case file comes first, so
// the fixtures see its types in its own translation unit: the plain build
// compiles this file instead of cases/coarse_lock.cpp; the sanitizer builds,
// with no benchmarks, compile the case alone.
#include "../../cases/coarse_lock.cpp"

#include "benchmarks/bench_registry.hpp"
#include "benchmarks/store_mix.hpp"
#include "../store_libraries.hpp"

namespace {

// `fixes` group — the stress workload's two roles, taken by every thread in
// turn. Operation i of a thread is a refresh batch (kBatch expiry updates
// under the exclusive lock, consecutive ids from a per-thread hash, over
// kLiveSessions) when i % (kReadsPerRefresh + 1) == 0, and otherwise one
// config read (the keys in turn). One thread contends with nobody; from two
// threads on, a config read in the broken store waits whenever another
// thread is inside a batch, which is most of the time, while in the fixed
// stores it never does. Striping adds nothing here: config reads never touch
// sessions, and a batch locks one shard per update instead of one lock for
// all of it.
constexpr std::uint64_t kReadsPerRefresh = 8;

template <typename Store>
class Bench final : public lockedges::BenchFixture {
 public:
  explicit Bench(int /*threads*/) { store_.config = kConfig; }

  std::uint64_t op(int thread, std::uint64_t i) override {
    if (i % (kReadsPerRefresh + 1) != 0) return store_.config_value(kConfigKeys[i % 4]).size();
    Refresh batch[kBatch];
    const std::uint64_t first = lockedges::bench_hash(thread, i);
    for (std::size_t k = 0; k < kBatch; ++k)
      batch[k] = {(first + k) % kLiveSessions, static_cast<std::int64_t>(i + 900)};
    store_.refresh(batch);
    return batch[0].id;
  }

 private:
  Store store_;
};

const lockedges::BenchRegistration kBench{kRegistration, lockedges::ScenarioBench{
    .op = "a refresh batch of 32 session updates, or a config read: 8 reads per batch, every thread does both",
    .variants = {{.variant = "broken", .make = lockedges::bench_factory<Bench<CoarseStore>>()},
                 {.variant = "fixed", .make = lockedges::bench_factory<Bench<SplitStore>>()},
                 {.variant = "fixed-striped", .make = lockedges::bench_factory<Bench<StripedStore>>()}}}};

// `stores` group — the three stores under StoreMix's read/write mix
// (lib/benchmarks/store_mix.hpp) over the case's own config and sessions,
// next to two concurrent-map libraries (bench/store_libraries.hpp).
// The variants never read a session, so the lookup is written here, taking
// the lock each store's own code takes for sessions.
std::int64_t find_session(const Sessions& sessions, std::uint64_t id) {
  const auto it = sessions.find(id);
  return it == sessions.end() ? -1 : it->second;
}
std::int64_t session_expiry(CoarseStore& s, std::uint64_t id) {
  std::shared_lock lock(s.mu_);
  return find_session(s.sessions, id);
}
std::int64_t session_expiry(SplitStore& s, std::uint64_t id) {
  std::shared_lock lock(s.sessions_mu_);
  return find_session(s.sessions, id);
}
template <typename Lock>
std::int64_t session_expiry(BasicStripedStore<Lock>& s, std::uint64_t id) {
  auto& shard = s.shard(id);
  std::shared_lock lock(shard.mu_);
  return find_session(shard.map, id);
}

// A store as StoreMix drives it: settings are config, entries are sessions,
// and a write is a refresh batch of one.
template <typename Store>
struct MixStore {
  void put_setting(const std::string& key, const std::string& value) { store.config.insert_or_assign(key, value); }
  std::size_t read_setting(const std::string& key) { return store.config_value(key).size(); }
  std::int64_t read_entry(std::uint64_t id) { return session_expiry(store, id); }
  void write_entry(std::uint64_t id, std::int64_t expires_at) {
    const Refresh one[] = {{id, expires_at}};
    store.refresh(one);
  }

  Store store;
};

// The case's data as StoreMix's: config's settings, in kConfigKeys' order,
// and kLiveSessions session ids.
struct SessionsMix {
  static constexpr std::uint64_t kEntries = kLiveSessions;
  static constexpr std::span<const std::string, std::size(kConfigKeys)> kSettingKeys{kConfigKeys};
  static const std::string& setting(const std::string& key) { return kConfig.at(key); }
};

const lockedges::BenchRegistration kStores{kRegistration, lockedges::StoreComparison{
    .op = fmt::format("one read (a config value or a session, half each) or one session write, keys uniform over "
                      "{} sessions all present; every thread runs the same mix",
                      kLiveSessions),
    .stores = {{.name = "broken",
                .role = "broken",
                .summary = "one SharedMutex for sessions and config",
                .make = lockedges::store_mix_factory<MixStore<CoarseStore>, SessionsMix>()},
               {.name = "fixed",
                .role = "fixed",
                .summary = "one SharedMutex per map",
                .make = lockedges::store_mix_factory<MixStore<SplitStore>, SessionsMix>()},
               {.name = "fixed-striped",
                .role = "fixed",
                .summary = "config read with no lock; sessions in 512 shards, a SharedMutex each",
                .make = lockedges::store_mix_factory<MixStore<StripedStore>, SessionsMix>()},
               {.name = "fixed-striped, bare lock",
                .role = "fixed",
                .summary = "fixed-striped on std::shared_mutex, nothing recorded (a benchmark build)",
                .make = lockedges::store_mix_factory<MixStore<BasicStripedStore<lockedges::BareSharedMutex>>,
                                                     SessionsMix>()}},
    .libraries = lockedges::libraries::stores<SessionsMix>()}};

}  // namespace
