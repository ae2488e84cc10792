#pragma once
// The package headers of an rpm SQLite database (rpmdb.sqlite: Fedora 33+, RHEL/Alma/Rocky 9+,
// CBL-Mariner/Azure Linux, Amazon Linux 2023), read from the file's bytes in memory with the
// SQLite library (sqlite3_deserialize, read-only): no temp file, no journal, nothing written.
// rpm's schema: Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL), one header
// blob (detect/rpm_header.hpp) per installed package.

#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/rpm_header.hpp"
#include "util/result.hpp"

namespace strata::detect {

// Every row of Packages, in hnum order. Errors (input category): not an SQLite file, no Packages
// table, a database SQLite cannot read ("rpmdb.sqlite: database disk image is malformed").
util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite(std::string_view bytes);

}  // namespace strata::detect
