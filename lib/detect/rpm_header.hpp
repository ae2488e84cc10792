#pragma once
// The rpm header blob as every rpm database stores it (SQLite, BerkeleyDB and NDB alike: rpm's
// headerExport without the lead and magic). Grammar (all integers big-endian):
//   blob   = il:i32 dl:i32 index{il} data[dl]
//   index  = tag:i32 type:u32 offset:i32 count:u32      (16 bytes; offset into data)
//   types  = 0 NULL, 1 CHAR, 2 INT8, 3 INT16, 4 INT32, 5 INT64, 6 STRING, 7 BIN,
//            8 STRING_ARRAY, 9 I18NSTRING
// Strings are NUL-terminated inside `data`. Region tags (HEADERIMMUTABLE, 63) and tags strata
// does not read are skipped. Every count, offset and string is checked against the blob: a
// malformed header is an error value, never a read outside it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::detect {

// The tags strata reads from an installed package's header.
struct RpmHeader {
  std::string name;                    // RPMTAG_NAME 1000
  std::string version;                 // RPMTAG_VERSION 1001
  std::string release;                 // RPMTAG_RELEASE 1002
  std::optional<std::uint32_t> epoch;  // RPMTAG_EPOCH 1003; nullopt when absent
  std::string arch;                    // RPMTAG_ARCH 1022
  std::string source_rpm;              // RPMTAG_SOURCERPM 1044 ("openssl-3.0.7-24.el9.src.rpm")
  std::string license;                 // RPMTAG_LICENSE 1014
  std::string vendor;                  // RPMTAG_VENDOR 1011
  std::string modularity_label;        // RPMTAG_MODULARITYLABEL 5096
  // The package's files: DIRNAMES 1118 [DIRINDEXES 1116 [k]] + BASENAMES 1117 [k] (absolute
  // paths; empty for a package without files).
  std::vector<std::string> files;
};

// One package of an rpm database (the SQLite, BerkeleyDB and NDB readers): its index in the
// database, and its header or the error naming what is malformed (the caller warns).
struct RpmdbEntry {
  std::int64_t hnum = 0;
  util::Result<RpmHeader> header;
};

// Decodes one header blob. Errors (input category) say what is wrong: "header too short",
// "index entry 3: string offset 912 past the data (800 bytes)", ...; a header without a NAME or
// VERSION is an error too.
util::Result<RpmHeader> parse_rpm_header(std::string_view blob);

}  // namespace strata::detect
