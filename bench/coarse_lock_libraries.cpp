// coarse-lock's store comparison, the library side: two well-kept
// concurrent hash maps from Debian, driven by the same StoreMix
// (lib/case_api/store_mix.hpp) as the case's own stores, in the same run.
//
//   libcuckoo's cuckoohash_map (libcuckoo-dev, header-only): cuckoo hashing
//     with a spinlock per stripe of buckets; a lookup locks the key's two
//     candidate buckets.
//   oneTBB's concurrent_hash_map (libtbb-dev): chained buckets, each with a
//     reader-writer spinlock; an accessor keeps the element locked while it
//     is in use (const_accessor: shared, accessor: exclusive).
//
// Each store keeps sessions and config in two maps of its kind, as the
// fixed variant keeps them under two locks. Plain build only: the sanitizer
// builds never link TBB.
#include <cstdint>
#include <string>

#include <libcuckoo/cuckoohash_map.hh>
#include <tbb/concurrent_hash_map.h>

#include "case_api/bench.hpp"
#include "case_api/store_mix.hpp"

namespace {

class CuckooStore {
 public:
  void put_setting(const std::string& key, const std::string& value) { config_.insert_or_assign(key, value); }
  std::size_t read_setting(const std::string& key) {
    std::string value;
    return config_.find(key, value) ? value.size() : 0;
  }
  std::int64_t read_entry(std::uint64_t id) {
    std::int64_t expires_at = -1;
    sessions_.find(id, expires_at);
    return expires_at;
  }
  void write_entry(std::uint64_t id, std::int64_t expires_at) { sessions_.insert_or_assign(id, expires_at); }

 private:
  libcuckoo::cuckoohash_map<std::uint64_t, std::int64_t> sessions_;
  libcuckoo::cuckoohash_map<std::string, std::string> config_;
};

class TbbStore {
 public:
  void put_setting(const std::string& key, const std::string& value) {
    Config::accessor a;
    config_.insert(a, key);
    a->second = value;
  }
  std::size_t read_setting(const std::string& key) {
    Config::const_accessor a;
    std::string value;
    if (config_.find(a, key)) value = a->second;  // a copy, as the other stores make one
    return value.size();
  }
  std::int64_t read_entry(std::uint64_t id) {
    Sessions::const_accessor a;
    return sessions_.find(a, id) ? a->second : -1;
  }
  void write_entry(std::uint64_t id, std::int64_t expires_at) {
    Sessions::accessor a;
    sessions_.insert(a, id);
    a->second = expires_at;
  }

 private:
  using Sessions = tbb::concurrent_hash_map<std::uint64_t, std::int64_t>;
  using Config = tbb::concurrent_hash_map<std::string, std::string>;
  Sessions sessions_;
  Config config_;
};

const lockedges::BenchRegistration kLibraries{std::vector<lockedges::StoreBench>{
    {.scenario = "coarse-lock",
     .name = "libcuckoo-cuckoohash_map",
     .role = "library",
     .summary = "libcuckoo::cuckoohash_map per map: spinlock per bucket stripe",
     .make = lockedges::store_mix_factory<CuckooStore>()},
    {.scenario = "coarse-lock",
     .name = "tbb-concurrent_hash_map",
     .role = "library",
     .summary = "tbb::concurrent_hash_map per map: reader-writer spinlock per bucket and element",
     .make = lockedges::store_mix_factory<TbbStore>()}}};

}  // namespace
