#pragma once
// Offline bundles: the built database as one file (`strata db export FILE`) that another machine
// installs with `strata db import FILE`.
//
// Format version 1:
//
//   bundle  = header payload
//   header  = "STRATA-DB-BUNDLE 1\n"
//             "sha256 " 64*HEXDIG "\n"       ; lower-case sha256 of payload
//             "size " 1*DIGIT "\n"           ; payload length in bytes, decimal
//             "\n"
//   payload = a strata.db file (see vulndb/format.hpp), exactly `size` bytes, nothing after it
//
// The checksum covers the whole payload; an importer verifies it (and the database's own format
// version) on a temp file before anything replaces the current database.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vulndb {

inline constexpr std::string_view k_bundle_magic = "STRATA-DB-BUNDLE ";

struct BundleStats {
  std::uint64_t payload_bytes = 0;
  std::string sha256;
};

// Whether the file at `path` starts with the bundle magic (false when it cannot be read).
bool is_bundle(const std::string& path);

// Writes the database in `db_dir` to `out_path` (through a temp file beside it, renamed into
// place). Errors: no or an unreadable database (input), cannot write `out_path` (input).
util::Result<BundleStats> export_bundle(const std::string& db_dir, const std::string& out_path);

// Installs the bundle at `path` as the database in `db_dir`, holding DIR/lock (waiting). A bundle
// with a bad header, a wrong size, a checksum mismatch or a payload that is not a strata database
// of this format is a one-line input error naming `path`, and the current database is untouched.
util::Result<BundleStats> import_bundle(const std::string& path, const std::string& db_dir);

}  // namespace strata::vulndb
