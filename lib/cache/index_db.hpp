#pragma once
// index.sqlite, the cache index of cache format 2: one SQLite database in WAL mode shared by
// every process using the directory. Readers never wait for writers; writers take turns, each
// holding SQLite's write lock for one short transaction (BEGIN IMMEDIATE, so a transaction never
// has to be retried because another writer went first).
//
//   records(diff_id TEXT PRIMARY KEY ("sha256:<hex>"), size INTEGER (bytes of the record file),
//           reference_count INTEGER, last_referred INTEGER (ns since the epoch, UTC),
//           analyzer_version TEXT)
//           index records_lru(last_referred, diff_id): the eviction order, ties by diff_id
//   aliases(digest TEXT PRIMARY KEY (a compressed digest), diff_id TEXT); deleted with their
//           record by a trigger
//   counters(name TEXT PRIMARY KEY, value INTEGER): cache_hits, cache_misses, max_size (the cap
//           of the last process that stored; 0 = unknown), total_size and record_count (the sums
//           over records, kept by triggers in the same transaction), sweep_needed (1 while a
//           dead process's leftovers may lie in ref/, cache/layer_cache.cpp)
//   PRAGMA user_version = k_index_schema
//
// synchronous=NORMAL: commits are not fsync'ed, checkpoints are (checkpoint()). A power loss may
// lose the last transactions (a record file then lies in ref/ unindexed, or a row names a record
// whose data never reached the disk: both are handled as after a crash) but leaves a database that
// opens. A file that is not a database, or whose pages are damaged, is reported as `damaged` so the
// caller rebuilds the index from the record files.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cache/index.hpp"
#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace strata::cache {

inline constexpr int k_index_schema = 2;

struct IndexRow {
  std::string diff_id;
  IndexEntry entry;
};

struct IndexCounters {
  std::uint64_t cache_hits = 0, cache_misses = 0, max_size = 0;
  std::uint64_t total_size = 0, record_count = 0;
  bool sweep_needed = false;
};

class IndexDb {
 public:
  // Opens an existing index. `damaged` is set when the file is missing, is not an SQLite
  // database, is damaged or is not an index of this schema (the caller rebuilds it); an error
  // without it (e.g. the database stayed busy) is for the caller to report.
  static util::Result<IndexDb> open(const std::string& path, bool& damaged);
  // Replaces whatever is at `path` (and its -wal and -shm files) by a new index holding `initial`
  // (its aliases must name its records), written in one transaction.
  static util::Result<IndexDb> create(const std::string& path, const Index& initial,
                                      bool sweep_needed);

  IndexDb(IndexDb&&) noexcept;
  IndexDb& operator=(IndexDb&&) noexcept;
  ~IndexDb();

  // Copies the WAL into the database (and fsyncs both) if this connection's last commit left it
  // at least `min_frames` pages long. Connections never checkpoint on their own (not on commit,
  // not on close): the callers pick moments where the wait does not matter.
  void checkpoint(int min_frames);
  // True once a statement found the database damaged (SQLITE_CORRUPT, SQLITE_NOTADB).
  bool damaged() const;
  // The inode of the database file when it was opened (to tell a rebuilt index from this one).
  ino_t inode() const;

  // BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed uncommitted. Waits for the write lock
  // up to the busy timeout. One transaction at a time per IndexDb.
  class Transaction {
   public:
    Transaction(Transaction&& o) noexcept : m_db(std::exchange(o.m_db, nullptr)) {}
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    util::Status commit();

   private:
    friend class IndexDb;
    explicit Transaction(IndexDb* db) : m_db(db) {}
    IndexDb* m_db;
  };
  util::Result<Transaction> write_transaction();
  // A read transaction: the reads in it see one snapshot. Never blocks writers.
  util::Result<Transaction> read_transaction();

  // The record stored as `name` (its diff_id first, else an alias); nullopt if none.
  util::Result<std::optional<IndexRow>> find(std::string_view name);
  util::Result<std::optional<IndexRow>> get(std::string_view diff_id);
  util::Status insert(const IndexRow& row);
  // Sets every field of an existing row.
  util::Status update(const IndexRow& row);
  // A hit: reference_count + 1, last_referred = `now`, size = `size` (the file's). False if the
  // row is gone.
  util::Result<bool> touch(std::string_view diff_id, TimePoint now, std::uint64_t size);
  util::Status set_size(std::string_view diff_id, std::uint64_t size);
  // Removes a record and its aliases; false if there was none.
  util::Result<bool> erase(std::string_view diff_id);
  util::Status add_alias(std::string_view digest, std::string_view diff_id);

  util::Result<IndexCounters> counters();
  util::Status add_to_counter(std::string_view name, std::int64_t delta);
  util::Status set_counter(std::string_view name, std::uint64_t value);
  // Sets cache_hits and cache_misses to 0.
  util::Status reset_hits();

  // Rows least recently referred first, while `visit` returns true.
  util::Status for_each_lru(const std::function<bool(const IndexRow&)>& visit);
  // Every row, by diff_id.
  util::Status for_each(const std::function<void(const IndexRow&)>& visit);
  // The whole index (rows, aliases, counters), for cacher.json; call in a read transaction.
  util::Result<Index> snapshot();

  struct Impl;  // the connection and its prepared statements (index_db.cpp)

 private:
  explicit IndexDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::cache
