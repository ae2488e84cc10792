#pragma once
// Writing DIR/strata.db (the format is in vulndb/format.hpp): a new database from parsed records
// (StoreBuilder), or the current one with a new meta (refresh_store); either way through a temp
// file in DIR renamed into place (see the end of format.hpp's grammar).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vulndb/osv_record.hpp"

namespace strata::vulndb {

struct BuildCounts {
  std::uint64_t records = 0;
  std::uint64_t affected = 0;
  std::uint64_t withdrawn = 0;
  std::uint64_t failed = 0;
  std::uint64_t duplicates = 0;
};

// When a database (or an export check) says it happened: now, or a fixed time so that a rebuild
// from the same inputs is byte-identical (SOURCE_DATE_EPOCH, resolved by config::source_date_epoch
// at the edge).
struct BuildTime {
  std::optional<std::int64_t> fixed;  // seconds since the epoch
  // RFC 3339 UTC, seconds precision.
  std::string rfc3339() const;
};

// Builds a new strata.db in `dir`. Nothing is visible until commit(); destroying an uncommitted
// builder removes its temp file. Advisory texts are encoded as records arrive into an unlinked
// spill file; commit() orders them by package (so the advisories of one package share a block or
// two), compresses them, and writes the sorted package index (kept in memory, a few dozen bytes
// per affected entry).
class StoreBuilder {
 public:
  // `time` is what the meta says of when it was built.
  static util::Result<StoreBuilder> create(const std::string& dir, BuildTime time = {});
  StoreBuilder(StoreBuilder&&) noexcept;
  StoreBuilder& operator=(StoreBuilder&&) = delete;
  ~StoreBuilder();

  // Adds one parsed record: withdrawn ones are counted and dropped; a record whose id was added
  // before replaces it only when its `modified` is later.
  util::Status add(const OsvRecord& record);
  void count_failed();
  const BuildCounts& counts() const;

  // Writes the body blocks, package blocks, fences, body table, meta and header, syncs, and
  // renames the file over DIR/strata.db. `exports_json`, when not empty, is stored as meta
  // "exports" (a JSON array).
  util::Status commit(const std::vector<std::string>& sources,
                      const std::string& exports_json = {});

 private:
  friend util::Status refresh_store(const std::string& dir, const std::string& exports_json,
                                    BuildTime time);
  struct State;
  explicit StoreBuilder(std::unique_ptr<State> state);
  std::unique_ptr<State> m;
};

// Rewrites DIR/strata.db with the same blocks, copied verbatim (copy_file_range: nothing is
// decompressed or parsed), and a new meta: `built` set to now and `exports` replaced by
// `exports_json`. Used by `db update` when every export is unchanged (all 304), after the caller
// has verified the blocks. Through a temp file and a rename, like a build.
util::Status refresh_store(const std::string& dir, const std::string& exports_json,
                           BuildTime time = {});

}  // namespace strata::vulndb
