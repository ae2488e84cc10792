#pragma once
// The on-disk vulnerability database: one SQLite file, DIR/strata.db.
//
// Format version 1 (meta.format_version = "1"; a reader refuses any other value):
//
//   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
//     format_version   "1"
//     built            build time, RFC 3339 UTC ("2024-05-01T12:00:00Z")
//     generator        "strata <version>"
//     sources          JSON array of the absolute paths imported
//     record_count     advisories stored (decimal)
//     withdrawn        withdrawn records dropped on import (decimal)
//     failed           records that failed to parse (decimal)
//     duplicates       records whose id was seen before; the newest `modified` wins (decimal)
//     exports          (optional, written by `strata db update`) JSON array of objects
//                      {"ecosystem","source","url","etag","last_modified","sha256","size",
//                       "checked"}: the OSV exports the database was built from and the
//                      validators sent back as If-None-Match / If-Modified-Since next time.
//                      Readers ignore keys they do not know, so adding one is not a new format.
//
//   advisories(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, modified TEXT, published TEXT,
//              summary TEXT, details TEXT,
//              aliases TEXT, upstream TEXT, related TEXT,   -- JSON arrays of strings
//              severity TEXT,        -- "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN"
//              cvss_score REAL,      -- CVSS v3.x base score, NULL when none was computed
//              cvss_vector TEXT,     -- the vector scored (or a v4 vector, unscored), "" if none
//              links TEXT)           -- JSON array of reference URLs
//     UNIQUE INDEX advisories_by_id(id). Withdrawn records are never stored.
//
//   affected(advisory INTEGER NOT NULL,  -- advisories.rowid
//            ecosystem TEXT NOT NULL,    -- OSV ecosystem exactly as in the record ("Debian:11")
//            name TEXT NOT NULL,         -- package name as the advisory names it
//            data TEXT NOT NULL)         -- JSON {"ranges":[{"type":T,"events":[{KIND:V}...]}...],
//                                        --       "versions":[V...]}  (OSV's own shape)
//     INDEX affected_by_package(ecosystem, name): one row per OSV `affected` entry.
//
//   ecosystems(ecosystem TEXT PRIMARY KEY, advisories INTEGER, packages INTEGER,
//              entries INTEGER)        -- derived counts, written once at the end of a build
//
// A database is built into a temp file in DIR and renamed over strata.db only when complete, so
// a reader sees the old or the new database, never a mix, and a failed import changes nothing.
// Readers open it read-only (`file:...?mode=ro`).

#include <cstdint>
#include <unordered_map>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vulndb/osv_record.hpp"
#include "vulndb/sqlite.hpp"

namespace strata::vulndb {

inline constexpr int k_format_version = 1;
inline constexpr const char* k_db_file_name = "strata.db";

struct BuildCounts {
  std::uint64_t records = 0;
  std::uint64_t affected = 0;
  std::uint64_t withdrawn = 0;
  std::uint64_t failed = 0;
  std::uint64_t duplicates = 0;
};

// Builds a new strata.db in `dir`. Nothing is visible until commit(); destroying an uncommitted
// builder removes its temp file.
class StoreBuilder {
 public:
  static util::Result<StoreBuilder> create(const std::string& dir);
  StoreBuilder(StoreBuilder&&) noexcept;
  StoreBuilder& operator=(StoreBuilder&&) = delete;
  ~StoreBuilder();

  // Adds one parsed record: withdrawn ones are counted and dropped; a record whose id was added
  // before replaces it only when its `modified` is later.
  util::Status add(const OsvRecord& record);
  void count_failed() { ++m_counts.failed; }
  const BuildCounts& counts() const { return m_counts; }

  // Writes indexes, counts and meta, syncs, and renames the file over DIR/strata.db.
  // `exports_json`, when not empty, is stored as meta "exports".
  util::Status commit(const std::vector<std::string>& sources,
                      const std::string& exports_json = {});

 private:
  StoreBuilder() = default;
  util::Status prepare_statements();
  util::Status write_meta(const std::vector<std::string>& sources, const std::string& exports_json);

  std::string m_dir;
  std::string m_tmp_path;
  std::unique_ptr<sql::Connection> m_conn;
  std::unique_ptr<sql::Statement> m_insert_advisory;
  std::unique_ptr<sql::Statement> m_insert_affected;
  std::unique_ptr<sql::Statement> m_supersede;
  struct Seen {
    std::int64_t rowid;
    std::string modified;
  };
  std::unordered_map<std::string, Seen> m_seen;
  BuildCounts m_counts;
  bool m_committed = false;
};

// RFC 3339 UTC of the current time, seconds precision.
std::string now_rfc3339();

}  // namespace strata::vulndb
