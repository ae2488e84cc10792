#pragma once
// The package headers of an rpm BerkeleyDB database (`Packages`: RHEL/CentOS 5-8, Amazon Linux
// 2, older SUSE), read from the file's bytes without libdb: a bounds-checked reader of the hash
// access method's pages, as rpm's own read-only backend (bdb_ro) reads them. Layout (integers in
// the byte order of the machine that wrote the file, told by the magic):
//   page 0    hash metadata: magic 0x061561 at 12, page size at 20, last page number at 32
//   page      header (26 bytes): next_pgno at 16, entries:u16 at 20, hf_offset:u16 at 22,
//             type:u8 at 25 (13 hash, 2 unsorted hash of hash v8 files, 7 overflow)
//   hash page index of `entries` u16 offsets after the header, key/data pairs: key at 2i, data
//             at 2i+1; an item is 1 KEYDATA (type byte, then the bytes up to the previous
//             item) or 3 OFFPAGE (type, 3 pad, pgno:u32, tlen:u32: the data is in a chain of
//             overflow pages, hf_offset bytes after each page's header)
// Every page number, offset, length and chain is checked against the file: a damaged file is an
// error or a malformed entry, never a read outside it or a loop.

#include <string_view>
#include <vector>

#include "detect/rpm_header.hpp"
#include "util/result.hpp"

namespace strata::detect {

// Every package header of the database, in page order (`hnum` = the record's key). Errors (input
// category): not a BerkeleyDB hash database, an impossible page size.
util::Result<std::vector<RpmdbEntry>> read_rpmdb_bdb(std::string_view bytes);

}  // namespace strata::detect
