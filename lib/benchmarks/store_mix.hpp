// lockedges — StoreMix, one read/write mix for every store in a comparison,
// so a case's own stores and the concurrent-map libraries run the same
// operations over the same keys in the same run.
//
// The store holds two unrelated maps:
//   settings  the Mix's few string entries, written before the threads
//             start and only read afterwards;
//   entries   Mix::kEntries integer ids, every one present from the start,
//             read and overwritten all the time (never inserted or erased,
//             so no rehash happens during the run).
//
// Contention model: every benchmark thread runs the same mix; there are no
// reader or writer threads, only operations. Operation i of thread t draws
// h = bench_hash(t, i). With probability write_percent / 100 it overwrites
// entry h % kEntries; otherwise it reads, half the time a setting and half
// the time an entry, the key again uniform and independent per thread. So a
// setting read shares no data with any write, and an entry read meets a
// write to the same key only by chance: what the threads contend for is
// whatever lock (or lock stripe) the store takes.
//
// A Mix is the data of the case whose stores are compared (its benchmark
// file defines it from the case's own constants), so every store, the
// libraries' too, starts from the same. Its sizes are compile-time
// constants, so choosing a key costs no division instruction:
//   static constexpr std::uint64_t kEntries;                 // ids [0, kEntries)
//   static constexpr std::span<const std::string, N> kSettingKeys;  // written and read in this order
//   static const std::string& setting(const std::string& key);      // a setting's value
//
// A Store for StoreMix provides
//   Store();
//   void put_setting(const std::string&, const std::string&);  // before the threads
//   std::size_t read_setting(const std::string& key);          // the value's size
//   std::int64_t read_entry(std::uint64_t id);                 // -1 when missing
//   void write_entry(std::uint64_t id, std::int64_t value);    // insert or assign
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "benchmarks/bench_registry.hpp"

namespace lockedges {

template <typename Store, typename Mix>
class StoreMix final : public BenchFixture {
 public:
  explicit StoreMix(int write_percent) : write_percent_(static_cast<std::uint64_t>(write_percent)) {
    for (const std::string& key : Mix::kSettingKeys) store_.put_setting(key, Mix::setting(key));
    for (std::uint64_t id = 0; id < Mix::kEntries; ++id) store_.write_entry(id, 0);
  }

  std::uint64_t op(int thread, std::uint64_t i) override {
    const std::uint64_t h = bench_hash(thread, i);
    const std::uint64_t key = (h >> 16) % Mix::kEntries;
    if (h % 100 < write_percent_) {
      store_.write_entry(key, static_cast<std::int64_t>(i));
      return key;
    }
    if ((h >> 8) & 1) return store_.read_setting(Mix::kSettingKeys[key % Mix::kSettingKeys.size()]);
    return static_cast<std::uint64_t>(store_.read_entry(key));
  }

 private:
  std::uint64_t write_percent_;
  Store store_;
};

// BareSharedMutex — a std::shared_mutex that takes SharedMutex's name
// argument and records nothing: the lock of a store's benchmark build, so a
// case's store can be compared with a library without the case's
// instrumentation in the measured path (bench's instrumentation group shows
// what that costs on its own).
class BareSharedMutex : public std::shared_mutex {
 public:
  explicit BareSharedMutex(std::string_view /*name*/) {}
};

// The StoreBench::make of a Store driven by StoreMix over Mix.
template <typename Store, typename Mix>
auto store_mix_factory() {
  return [](int /*threads*/, int write_percent) -> std::unique_ptr<BenchFixture> {
    return std::make_unique<StoreMix<Store, Mix>>(write_percent);
  };
}

}  // namespace lockedges
