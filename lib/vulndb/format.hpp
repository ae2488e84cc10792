#pragma once
// The on-disk vulnerability database format, shared by the reader (vulndb/database.hpp) and the
// builder (vulndb/builder.hpp): the grammar, its constants, and the codecs of its fixed layouts
// (header, fence, body entry) and of its variable productions (body, affected).
//
// The on-disk vulnerability database: one file, DIR/strata.db, read through mmap with no import
// or hydration step. A lookup by (ecosystem, package) is a binary search over the fences (kept in
// memory after open) plus the decompression of ONE package block; the advisory texts live in
// separate body blocks that are decompressed only for the advisories a scan reports.
//
// Format version 2. All integers little-endian; `varint` is unsigned LEB128; `str` is
// varint(length) followed by that many bytes (UTF-8); `strs` is varint(count) str*.
//
//   file        = header body-block* package-block* fences body-table meta
//                 ; sections are found through the header's offsets, not by position
//   header      = magic version:u32 header-size:u32            ; magic = "STRATADB"; 104 bytes
//                 fences-offset:u64 fences-size:u64 fences-xxh3:u64
//                 body-table-offset:u64 body-count:u64 body-table-xxh3:u64
//                 meta-offset:u64 meta-size:u64 meta-xxh3:u64
//                 file-size:u64 header-xxh3:u64                ; xxh3 of the 96 bytes before it
//
//   body-block    = zstd-frame  ; decompresses to body*, about k_body_block_target (4 KiB);
//                               ; bodies are ordered by the smallest (name, ecosystem) their
//                               ; record names, so the advisories of one package share a block
//                               ; or two
//   body          = modified:str published:str summary:str details:str
//                   aliases:strs upstream:strs related:strs
//                   severity:u8                                 ; 0 UNKNOWN 1 LOW 2 MEDIUM 3 HIGH
//                                                              ; 4 CRITICAL
//                   cvss:varint                                 ; 0 none, else score*10 + 1
//                   cvss-vector:str links:strs
//   body-table    = body-entry{body-count}
//   body-entry    = offset:u64 size:u32 raw-size:u32 xxh3:u64   ; 24 bytes, xxh3 of the frame
//
//   package-block = zstd-frame  ; decompresses to package*, sorted by (ecosystem, name), about
//                               ; k_package_block_target (4 KiB); a package never spans two
//                               ; blocks
//   package       = ecosystem:varint name:str size:varint items  ; size = bytes of items;
//                   ; name as the advisory writes it, PyPI names PEP 503-normalised
//                   ; (vercmp::normalize_package_name)
//                   ; ecosystem = index into meta.ecosystems (which is sorted by name)
//   items         = count:varint item{count}
//   item          = id:str body-block:varint body-offset:varint  ; offset into the raw block
//                   count:varint affected{count}                ; the record's entries for this
//                                                                ; package; items sorted by id
//   affected      = count:varint range{count} versions:strs
//   range         = type:str count:varint event{count}
//   event         = kind:u8 version:str   ; 0 introduced 1 fixed 2 last_affected 3 limit
//
//   fences        = count:u32 fence{count} names       ; fence i describes package block i;
//                                                      ; binary-searched in place (fixed size)
//   fence         = ecosystem:u32 name-offset:u32 name-size:u32  ; the block's first package,
//                                                                ; its name in `names`
//                   size:u32 raw-size:u32 reserved:u32 offset:u64 xxh3:u64  ; of the block's
//                                                                ; frame; 40 bytes
//   names         = the bytes the fences' names point into
//
//   meta          = a JSON object (UTF-8):
//     format_version  2
//     built           build time, RFC 3339 UTC ("2024-05-01T12:00:00Z")
//     generator       "strata <version>"
//     sources         [the absolute paths imported; for `strata db update`, the export URLs]
//     record_count, withdrawn, failed, duplicates   numbers (see BuildCounts)
//     ecosystems      [{"name","advisories","packages","entries"}], sorted by name
//     exports         (written by `strata db update`) [{"ecosystem","source","url","etag",
//                     "last_modified","sha256","size","checked"}]: the OSV exports the database
//                     was built from and the validators sent back next time.
//     Readers ignore keys they do not know, so adding one is not a new format.
//
// Every byte is covered by a checksum: the header by its own xxh3, the fences, body table and
// meta by the xxh3 in the header (checked on open), each block by the xxh3 in its fence or body
// entry (checked before it is decompressed), and a block must decompress to exactly its raw
// size and decode without running off its end. Any mismatch is a corrupt database, reported as
// an input error that says to run `strata db update`; nothing from a bad block is used.
//
// A database is written to a temp file in DIR, synced, and renamed over strata.db, so a reader
// sees the old or the new database, never a mix; a reader that opened the old one keeps its
// mapping (the old inode) until it is done.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/codec.hpp"
#include "util/result.hpp"
#include "vercmp/osv_range.hpp"
#include "vulndb/database.hpp"
#include "vulndb/osv_record.hpp"

namespace strata::vulndb {

inline constexpr int k_format_version = 2;
inline constexpr const char* k_db_file_name = "strata.db";
inline constexpr std::string_view k_db_magic = "STRATADB";
inline constexpr std::size_t k_header_size = 104;
inline constexpr std::size_t k_body_entry_size = 24;
inline constexpr std::size_t k_fence_size = 40;
// Small blocks: a lookup decompresses one package block, a finding one body block.
inline constexpr std::size_t k_body_block_target = 4u << 10;
inline constexpr std::size_t k_package_block_target = 4u << 10;

struct DbHeader {
  std::uint32_t version = 0;
  std::uint64_t fences_offset = 0, fences_size = 0, fences_xxh3 = 0;
  std::uint64_t body_table_offset = 0, body_count = 0, body_table_xxh3 = 0;
  std::uint64_t meta_offset = 0, meta_size = 0, meta_xxh3 = 0;
  std::uint64_t file_size = 0;
};

std::string encode_header(const DbHeader& h);
// Fails (input error naming `path`) on a short header, a bad magic, a header checksum mismatch
// or a version other than k_format_version (an older strata's SQLite database says so).
util::Result<DbHeader> decode_header(std::string_view bytes, const std::string& path);
// Reads the header at the start of the open file `fd` and decodes it (errors as above).
util::Result<DbHeader> read_header(int fd, const std::string& path);

// Where one block's zstd frame is and what it holds: a `body-entry`, or the block half of a
// `fence`.
struct BlockRef {
  std::uint64_t offset = 0;
  std::uint32_t size = 0;
  std::uint32_t raw_size = 0;
  std::uint64_t xxh3 = 0;  // of the frame
};

// The `body-entry` production (k_body_entry_size bytes).
void encode_body_entry(const BlockRef& ref, std::string& out);
// `entry` is k_body_entry_size bytes (shorter: the missing fields read as 0).
BlockRef decode_body_entry(std::string_view entry);

// The `fence` production (k_fence_size bytes): package block i's first package and its frame.
struct FenceEntry {
  std::uint32_t ecosystem = 0;
  std::uint32_t name_offset = 0;  // into the fences' `names`
  std::uint32_t name_size = 0;
  BlockRef block;
};
void encode_fence(const FenceEntry& fence, std::string& out);
// `entry` is k_fence_size bytes (shorter: the missing fields read as 0).
FenceEntry decode_fence(std::string_view entry);

// The `body` production: encoded from a parsed record, decoded into an advisory's text fields.
void encode_body(const OsvRecord& rec, std::string& out);
// False on a bad severity or score, or when `r` runs off its end.
bool decode_body(util::codec::Reader& r, Advisory& a);

// The `affected` production (without the ecosystem and name: the package names them).
void encode_affected(const vercmp::OsvAffected& a, std::string& out);
// False on a bad event kind or when `r` runs off its end.
bool decode_affected(util::codec::Reader& r, vercmp::OsvAffected& a);

}  // namespace strata::vulndb
