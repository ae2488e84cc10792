#pragma once
// The persistent layer cache: one record per layer analysis, shared by every strata process on
// a node through one local directory. A hit costs no download and no decompression of the
// layer; vulnerabilities are matched fresh, so a database update never invalidates the cache.
//
// Directory layout (names from the NeuVector scanner's /tmp/images/caches):
//   version       {"version":2,"description":...}; 1 (the JSON index) -> its index is imported
//                 once; older, foreign or missing with data present -> records wiped; newer ->
//                 the cache is bypassed with a warning
//   lock          empty; held (flock) only while an index is created, migrated or rebuilt
//   index.sqlite  the index (cache/index_db.hpp), with its -wal and -shm files
//   cacher.json   NeuVector's index file (cache/index.hpp), written from the index on demand
//                 (write_cacher_json, `strata cache data`), not kept up to date by lookups
//   ref/sha256:<diff_id hex>_layer_file   one record per layer (cache/record.hpp)
//   ref/.tmp-<lease id>.XXXXXX            a record being written (renamed into place)
//   leases/<pid>-<random>                 one per open LayerCache: flock'ed by its process for
//                                         its lifetime; lists the diff_ids that process uses
//   fill/<hex>.lock                       empty; flock'ed (claim_fill) while a process reads a
//                                         layer whose diff_id starts with these 3 hex digits
//                                         into the cache, so that others wait for its record
//                                         instead of downloading the same layer at once
//
// Concurrency: any number of processes (and LayerCache objects) may use one directory at once.
// Every change to the index is one short SQLite transaction, so counters are never lost; a
// lookup reads the index and the record file outside any write transaction and then counts the
// hit (reference_count, last_referred, cache_hits) in one. Record files are renamed into place
// and deleted inside the transaction that indexes or unindexes them. A process killed at any
// instant leaves a consistent index, and at worst temp files, unindexed records or rows whose
// file is gone, plus its lease file, which nobody holds any more: the next open() that finds
// such a stale lease sweeps ref/ against the index (prune() and clear() always do). Records hit
// or stored by a live process are never evicted by anyone (its lease file is locked).
// Nothing is fsync'ed but SQLite's checkpoints: a power loss may lose the last index changes or
// leave a damaged record, which are handled like a crash's leftovers or any other damage.
// The directory must be on a local file system: flock and SQLite's locks are unreliable on NFS.
//
// Damage is never fatal and never trusted: a record that is truncated, fails its checksum or
// signature, or was written by another analyzer version is deleted and counted as a miss; an
// index that is not an SQLite database or is damaged is rebuilt from the record files
// (counters restart at 0), with a warning.
//
// One LayerCache may be used from several threads (an internal mutex serialises calls).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/index.hpp"
#include "layer/analyze.hpp"
#include "util/file_lock.hpp"
#include "util/result.hpp"

namespace strata::cache {

// 1: cacher.json was the index; 2: index.sqlite.
inline constexpr int k_cache_format_version = 2;

struct CacheOptions {
  std::string dir;
  // Cap on the bytes of record files (the index and temp files are not counted). When a store
  // takes the total over it, least-recently-referred records not in use are evicted down to
  // low_water_percent of it. 0: no cap known, store() refuses (used by `strata cache`).
  std::uint64_t max_bytes = 0;
  unsigned low_water_percent = 90;
  // Part of the key: a record written by another analyzer version is a miss (and is deleted).
  std::string analyzer_version;
  // If set, records are signed with HMAC-SHA256 under this key, and unsigned or wrongly signed
  // records are discarded. Without it, records are checked by checksum only.
  std::optional<std::string> hmac_key;
  // The time used for last_referred and --older-than; system_clock::now if empty.
  std::function<TimePoint()> clock;
};

struct Stats {
  std::string dir;
  bool bypassed = false;  // newer format version: nothing was read or written
  std::uint64_t cache_hits = 0, cache_misses = 0, record_count = 0, record_total_size = 0;
  std::uint64_t max_size = 0;  // the cap of the last process that wrote the index (0: unknown)
};

struct RecordInfo {
  std::string layer_id;  // "sha256:<diff_id hex>_layer_file"
  std::uint64_t size = 0;
  std::uint64_t reference_count = 0;
  TimePoint last_referred{};
};

struct CacheData {
  std::uint64_t cache_hits = 0, cache_misses = 0, record_total_size = 0;
  std::vector<RecordInfo> records;  // sorted by layer_id
};

struct PruneResult {
  std::uint64_t removed = 0, removed_bytes = 0;
  std::uint64_t kept_in_use = 0;  // records that matched but are leased by a live process
  std::uint64_t remaining = 0, remaining_bytes = 0;
};

class LayerCache {
 public:
  // Creates `dir` (and ref/, leases/, lock, version, index.sqlite) if missing, imports a format
  // 1 index or rebuilds a damaged one (both under the flock on `lock`; the usual open takes no
  // lock), takes this process's lease, and sweeps ref/ if a dead process's lease is found. A
  // newer format version gives a bypassed cache (bypassed() == true, one warning): every call
  // then succeeds without touching the directory. Fails (input error) if the directory cannot
  // be created, locked when it has to be, or its index opened.
  static util::Result<LayerCache> open(const CacheOptions& options);

  LayerCache(LayerCache&&) noexcept;
  LayerCache& operator=(LayerCache&&) noexcept;
  ~LayerCache();  // drops this process's lease

  bool bypassed() const;
  const std::string& dir() const;

  // Claims the filling of layer `key` ("sha256:<hex>"; the 4,096 possible claims are shared by
  // the layers whose hex starts alike): waits while another process or thread holds the claim,
  // then holds it until the returned lock is dropped. Call it before lookup() and hold it while
  // the layer is read and stored on a miss: N processes that want one uncached layer then
  // download it once (the first), and the others find its record. Whoever holds a claim must
  // not wait for another one (no deadlock: claims are held by work that needs no other claim).
  // nullopt when the cache is bypassed or the key is not a sha256 digest. Errors (input): the
  // lock file cannot be created. Takes no lock of this object: other calls go on meanwhile.
  util::Result<std::optional<util::FileLock>> claim_fill(const std::string& key) const;

  // Looks a layer up by diff_id or by a compressed digest stored as an alias
  // ("sha256:<hex>"; anything else is a usage error). A hit returns the analysis, counts
  // cache_hits, increments the record's reference_count, sets last_referred to now and leases
  // the record to this process. Anything else is a miss (cache_misses): absent, or a record
  // that is damaged, unsigned or from another analyzer version (deleted, with a warning).
  // Fails only if the index cannot be read; a failure to count the hit or miss is a warning.
  // A record that `usable` (when given) refuses is a miss, and stays (a store with `replace`
  // takes its place).
  util::Result<std::optional<layer::LayerAnalysis>> lookup(
      std::string_view diff_id_or_digest,
      const std::function<bool(const layer::LayerAnalysis&)>& usable = {});

  // Stores `analysis` under its diff_id, with `alias` (its compressed digest; may be empty) and
  // analysis.digest as aliases, and leases it. Evicts as described in CacheOptions::max_bytes;
  // if the records in use alone leave no room, or the record is larger than the cap, the
  // record is not stored (a warning, not an error). An existing record for the same diff_id
  // and analyzer version is kept (only the aliases are added), unless `replace` (the analysis
  // holds more than that record: secrets looked for), when it takes the record's place and keeps
  // its counters. Errors (disk full, index failure) are for the caller to log: the scan goes on
  // without the cache.
  util::Status store(const layer::LayerAnalysis& analysis, std::string_view alias,
                     bool replace = false);

  // Counters and totals from the index (O(1): kept as counters).
  util::Result<Stats> stats() const;
  // Every record, NeuVector's `cache_data` shape.
  util::Result<CacheData> data() const;
  // Writes cacher.json (cache/index.hpp's format, NeuVector's file) from one snapshot of the
  // index: temp file + rename. Returns its path.
  util::Result<std::string> write_cacher_json() const;
  // Sweeps ref/ against the index, then removes records not in use: those last referred longer
  // than `older_than` ago, then least recently referred ones until the total is <= max_bytes.
  util::Result<PruneResult> prune(std::optional<std::uint64_t> max_bytes,
                                  std::optional<std::chrono::seconds> older_than);
  // Sweeps, removes every record not in use and resets the counters.
  util::Result<PruneResult> clear();

  // Gives up this process's leases (e.g. between two scans of a long-running scanner).
  void release_leases();
  // Warnings gathered so far (discarded records, rebuilt index, bypassed cache, records not
  // stored); the caller logs or reports them.
  std::vector<std::string> take_warnings();
  // How many damaged or unverifiable records this object has deleted.
  std::uint64_t discarded_records() const;

 private:
  struct Impl;
  explicit LayerCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// The HMAC key for CacheOptions::hmac_key: the content of `key_file` if given (one trailing
// newline dropped), else `env_key` (STRATA_CACHE_KEY: config::cache_key) if set and non-empty,
// else nullopt (unsigned records). An unreadable or empty key file is an input error naming the
// file, never the key. The cache's directory is config::layer_cache_dir.
util::Result<std::optional<std::string>> resolve_cache_key(
    const std::string& key_file, const std::optional<std::string>& env_key);

}  // namespace strata::cache
