// The library side of a store comparison: two well-kept concurrent hash
// maps from Debian, as StoreMix stores (lib/benchmarks/store_mix.hpp), so
// they run the same mix as a case's own stores, in the same run.
//
//   libcuckoo's cuckoohash_map (libcuckoo-dev, header-only): cuckoo hashing
//     with a spinlock per stripe of buckets; a lookup locks the key's two
//     candidate buckets.
//   oneTBB's concurrent_hash_map (libtbb-dev): chained buckets, each with a
//     reader-writer spinlock; an accessor keeps the element locked while it
//     is in use (const_accessor: shared, accessor: exclusive).
//
// Each store keeps settings and entries in two maps of its kind, as a fixed
// variant keeps them under two locks. A header, included by the case's
// benchmark file that compares them (bench/cases/coarse_lock.cpp), so that
// they are built over the case's own Mix, whose sizes are constants there.
// Plain build only: the sanitizer builds never link TBB.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <libcuckoo/cuckoohash_map.hh>
#include <tbb/concurrent_hash_map.h>

#include "benchmarks/bench_registry.hpp"
#include "benchmarks/store_mix.hpp"

namespace lockedges::libraries {

class CuckooStore {
 public:
  void put_setting(const std::string& key, const std::string& value) { settings_.insert_or_assign(key, value); }
  std::size_t read_setting(const std::string& key) {
    std::string value;
    return settings_.find(key, value) ? value.size() : 0;
  }
  std::int64_t read_entry(std::uint64_t id) {
    std::int64_t value = -1;
    entries_.find(id, value);
    return value;
  }
  void write_entry(std::uint64_t id, std::int64_t value) { entries_.insert_or_assign(id, value); }

 private:
  libcuckoo::cuckoohash_map<std::uint64_t, std::int64_t> entries_;
  libcuckoo::cuckoohash_map<std::string, std::string> settings_;
};

class TbbStore {
 public:
  void put_setting(const std::string& key, const std::string& value) {
    Settings::accessor a;
    settings_.insert(a, key);
    a->second = value;
  }
  std::size_t read_setting(const std::string& key) {
    Settings::const_accessor a;
    std::string value;
    if (settings_.find(a, key)) value = a->second;  // a copy, as the other stores make one
    return value.size();
  }
  std::int64_t read_entry(std::uint64_t id) {
    Entries::const_accessor a;
    return entries_.find(a, id) ? a->second : -1;
  }
  void write_entry(std::uint64_t id, std::int64_t value) {
    Entries::accessor a;
    entries_.insert(a, id);
    a->second = value;
  }

 private:
  using Entries = tbb::concurrent_hash_map<std::uint64_t, std::int64_t>;
  using Settings = tbb::concurrent_hash_map<std::string, std::string>;
  Entries entries_;
  Settings settings_;
};

// The two libraries' rows in a comparison over Mix.
template <typename Mix>
std::vector<StoreBench> stores() {
  return {{.name = "libcuckoo-cuckoohash_map",
           .role = "library",
           .summary = "libcuckoo::cuckoohash_map per map: spinlock per bucket stripe",
           .make = store_mix_factory<CuckooStore, Mix>()},
          {.name = "tbb-concurrent_hash_map",
           .role = "library",
           .summary = "tbb::concurrent_hash_map per map: reader-writer spinlock per bucket and element",
           .make = store_mix_factory<TbbStore, Mix>()}};
}

}  // namespace lockedges::libraries
