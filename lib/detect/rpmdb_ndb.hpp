#pragma once
// The package headers of an rpm NDB database (`Packages.db`: SUSE 15+, openSUSE), read from the
// file's bytes: a bounds-checked reader of rpm's blob store (lib/backend/ndb/rpmpkg.c). Layout
// (little-endian):
//   header  = "RpmP" version:u32 generation:u32 slot_pages:u32 ... (the first two 16-byte slots)
//   slot    = "Slot" pkgidx:u32 blkoff:u32 blkcnt:u32   (slot_pages * 256 - 2 of them; pkgidx 0:
//             a free slot)
//   blob    = at blkoff * 16: "BlbS" pkgidx:u32 generation:u32 len:u32, then `len` bytes of
//             header blob (detect/rpm_header.hpp), all within blkcnt * 16 bytes
// Every slot and blob is checked against the file: a damaged slot or blob is a malformed entry,
// never a read outside the file.

#include <string_view>
#include <vector>

#include "detect/rpm_header.hpp"
#include "util/result.hpp"

namespace strata::detect {

// Every package header, in slot order (`hnum` = the package index). Errors (input category): not
// an NDB database, slot pages past the end of the file.
util::Result<std::vector<RpmdbEntry>> read_rpmdb_ndb(std::string_view bytes);

}  // namespace strata::detect
