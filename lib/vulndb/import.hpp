#pragma once
// Importing OSV records into DIR/strata.db: inputs (directories, JSON files, OSV `all.zip`
// exports) are read on one thread, parsed on several, and fed in reading order to a StoreBuilder
// (vulndb/builder.hpp); and the lock every writer of the database holds.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_lock.hpp"
#include "util/result.hpp"
#include "vulndb/builder.hpp"
#include "vulndb/database.hpp"

namespace strata::vulndb {

struct ImportFailure {
  std::string name;  // "dir/file.json" or "all.zip!GHSA-xxxx.json"
  std::string reason;
};

struct ImportStats {
  std::uint64_t files = 0;      // JSON documents read (files and zip entries)
  std::uint64_t records = 0;    // advisories stored
  std::uint64_t affected = 0;   // `affected` rows stored
  std::uint64_t withdrawn = 0;  // dropped
  std::uint64_t duplicates = 0;
  std::uint64_t failed = 0;             // records that failed to parse (skipped)
  std::vector<ImportFailure> failures;  // the first k_max_listed_failures of them
  std::uint64_t bytes = 0;              // JSON bytes parsed
  double seconds = 0;
  std::string db_path;
};
inline constexpr std::size_t k_max_listed_failures = 100;

// Progress callbacks, called on the importing thread.
class ImportProgress {
 public:
  virtual ~ImportProgress() = default;
  virtual void on_source(const std::string& /*path*/) {}
  // Called every few hundred documents with the running totals.
  virtual void on_documents(std::uint64_t /*documents*/, std::uint64_t /*records*/) {}
};

// Imports OSV records from `paths` (directories walked recursively for *.json and *.zip, single
// JSON files, OSV `all.zip` exports read as a stream, never unpacked to disk) into a NEW database
// in `db_dir` that REPLACES any existing one: the result holds exactly the records given. The
// database is built in a temp file and renamed into place, so on any error the old database is
// untouched. A missing path, an unreadable file or a corrupt zip is an error; a record that fails
// to parse is counted, named in `failures` and logged as one warning, and the import goes on.
// Takes DIR/lock (see lock_database_dir, waiting) for the whole import.
// `time` is the build time the database records (vulndb/builder.hpp).
util::Result<ImportStats> import_records(const std::vector<std::string>& paths,
                                         const std::string& db_dir,
                                         ImportProgress* progress = nullptr, BuildTime time = {});

// What the first four bytes of a file say: a zip archive (local file header), an empty zip (end
// of central directory first), or not a zip. Inputs are told apart by content, not by name.
enum class ZipKind { not_zip, zip, empty_zip };
ZipKind zip_kind(std::string_view head);

// What import_records does, for callers that hold DIR/lock already (db update): builds a new
// database from `inputs` and renames it into place. `label`, when set, names an input in errors
// and failures instead of its path ("Debian (https://host/Debian/all.zip)"); `sources` and
// `exports` are written to the meta as they are.
struct BuildInput {
  std::string path;
  std::string label;
};
util::Result<ImportStats> build_database(const std::vector<BuildInput>& inputs,
                                         const std::string& db_dir,
                                         const std::vector<std::string>& sources,
                                         const std::vector<ExportInfo>& exports,
                                         ImportProgress* progress = nullptr, BuildTime time = {});

// Creates `dir` and takes the exclusive lock DIR/lock that every writer of the database holds
// (db import, db update): with `wait`, blocks until the holder is done; without, fails with an
// input error saying another update or import holds it. Once held, leftovers of a writer that
// died (strata.db.tmp.*, .download-*) are removed: only a lock holder creates them.
util::Result<util::FileLock> lock_database_dir(const std::string& dir, bool wait);

}  // namespace strata::vulndb
