#pragma once
// Reading the local vulnerability database: OSV records imported into DIR/strata.db (format in
// vulndb/format.hpp, memory-mapped) and looked up by (ecosystem, package name) during a scan.
// Writing it: vulndb/builder.hpp; importing into it: vulndb/import.hpp.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/result.hpp"
#include "vercmp/osv_range.hpp"

namespace strata::vulndb {

// Where an advisory's text is in the database (an index into the body table and an offset into
// that block once decompressed).
struct BodyRef {
  std::uint32_t block = 0;
  std::uint32_t offset = 0;
};

// One advisory as a lookup returns it. query(..., Details::none) fills only `id`, `affected` and
// `body`; load_details() fills the rest.
struct Advisory {
  std::string id;
  BodyRef body;
  bool has_details = false;
  std::vector<std::string> aliases;
  std::vector<std::string> upstream;
  std::vector<std::string> related;
  std::string summary;
  std::string details;
  std::string published;
  std::string modified;
  model::Severity severity = model::Severity::unknown;
  std::optional<double> cvss_score;
  std::string cvss_vector;
  std::vector<std::string> links;
  // Only the entries for the queried (ecosystem, name), in record order.
  std::vector<vercmp::OsvAffected> affected;
};

struct EcosystemCount {
  std::string ecosystem;
  std::uint64_t advisories = 0;  // advisories with at least one entry for this ecosystem
  std::uint64_t packages = 0;    // distinct package names
  std::uint64_t entries = 0;     // `affected` entries
};

// One OSV export as `strata db update` last fetched it (meta key "exports", see format.hpp).
struct ExportInfo {
  std::string ecosystem;      // the OSV export directory name ("Rocky Linux")
  std::string source;         // the base URL it came from
  std::string url;            // the export's URL
  std::string etag;           // as the server sent it; "" when none
  std::string last_modified;  // as the server sent it; "" when none
  std::string sha256;         // of the zip imported (kept as DIR/osv/<ecosystem>.zip)
  std::uint64_t size = 0;     // bytes of that zip
  std::string checked;        // RFC 3339 UTC of the last 200 or 304 for it
};

// `exports` as the JSON array stored in the meta "exports" key (format.hpp) and printed by
// `strata db info --format json`.
std::string exports_json(const std::vector<ExportInfo>& exports);

struct DbInfo {
  std::string path;  // DIR/strata.db
  int format_version = 0;
  std::string built;  // RFC 3339 UTC
  std::string generator;
  std::vector<std::string> sources;
  std::uint64_t record_count = 0;
  std::uint64_t withdrawn = 0;  // dropped on import
  std::uint64_t failed = 0;     // failed to parse on import
  std::uint64_t duplicates = 0;
  std::uint64_t size_bytes = 0;
  std::vector<EcosystemCount> ecosystems;  // sorted by ecosystem name
  std::vector<ExportInfo> exports;         // empty unless built by `strata db update`
};

class Database {
 public:
  enum class Details { none, all };

  // Opens DIR/strata.db read-only (mmap; the header, fences, body table and meta are checked,
  // the blocks only when a lookup reads them). Errors (input category): "no vulnerability
  // database at DIR: run `strata db update` or `strata db import`" when missing; a file that is
  // not a strata database, has another format version, is truncated or fails a checksum names
  // the file and says to run `strata db update`.
  static util::Result<Database> open(const std::string& dir);
  // Opens one database file read-only (a candidate before it is renamed into place); the same
  // checks as open() with the errors naming `path`.
  static util::Result<Database> open_file(const std::string& path);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Advisories with an `affected` entry for exactly (ecosystem, package), sorted by id (PyPI
  // names compared PEP 503-normalised, see vercmp::normalize_package_name). An empty
  // vector when there are none. Errors only on a corrupt database (a block whose checksum, size
  // or encoding is wrong). With Details::none only id, affected and body are filled: the
  // package block alone is read. Thread-safe; decompressed blocks are kept in a small
  // per-database cache shared by all threads.
  util::Result<std::vector<Advisory>> query(std::string_view ecosystem, std::string_view package,
                                            Details details = Details::all) const;
  // Fills the text fields of an advisory a query returned (no-op when already filled).
  util::Status load_details(Advisory& advisory) const;
  // Reads and checks every block (checksum, size, encoding); the first bad one is the error.
  util::Status verify() const;

  // Where the blocks are in the file (for `strata db info --blocks` and the corruption tests).
  struct BlockInfo {
    bool package = false;  // a package block, else a body block
    std::uint32_t index = 0;
    std::uint64_t offset = 0;  // of its zstd frame
    std::uint32_t size = 0;
    std::uint32_t raw_size = 0;
  };
  std::vector<BlockInfo> blocks() const;
  // Whether any record has an entry for exactly this ecosystem ("Alpine:v3.18").
  bool has_ecosystem(std::string_view ecosystem) const;
  // All ecosystems with at least one entry, sorted.
  std::vector<std::string> ecosystems() const;
  DbInfo info() const;

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::vulndb
