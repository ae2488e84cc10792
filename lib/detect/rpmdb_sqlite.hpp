#pragma once
// The package headers of an rpm SQLite database (rpmdb.sqlite: Fedora 33+, RHEL/Alma/Rocky 9+,
// CBL-Mariner/Azure Linux, Amazon Linux 2023), read from the file's bytes in memory with the
// SQLite library (sqlite3_deserialize, read-only): no temp file, no journal, nothing written.
// rpm's schema: Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL), one header
// blob (detect/rpm_header.hpp) per installed package.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detect/rpm_header.hpp"
#include "util/result.hpp"

namespace strata::detect {

// Every row of Packages, in hnum order. Errors (input category): not an SQLite file, no Packages
// table, a database SQLite cannot read ("rpmdb.sqlite: database disk image is malformed").
// Reads a private copy of `bytes`.
util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite(std::string_view bytes);

// The same, reading `bytes` in place without a copy: its header is marked as a rollback-journal
// database (bytes 18 and 19, WAL 2 -> 1) while SQLite reads it, and restored before returning.
util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite_in_place(std::string& bytes);

}  // namespace strata::detect
