#pragma once
// One cache record: a layer::LayerAnalysis serialised, zstd-compressed, checksummed with XXH3-64
// and optionally signed with HMAC-SHA256. Integers are little-endian; `str` is a u32 length and
// that many bytes.
//
//   record   = header payload checksum [mac]
//   header   = "STRATALC" format:u32 (= k_record_format) flags:u32 analyzer:str key:str
//              n_aliases:u32 alias:str{n_aliases} body_size:u64 payload_size:u64
//   payload  = one zstd frame (payload_size bytes) holding `body` (body_size bytes)
//   checksum = XXH3-64 of header+payload, u64
//   mac      = HMAC-SHA256(hmac key, header+payload+checksum), 32 bytes; present iff flags bit 0
//   body     = diff_id:str digest:str compressed_size:u64 uncompressed_size:u64 entries:u64
//              n:u64 (path:str mode:u32 content:str){n}     files
//              n:u64 (path:str target:str){n}                symlinks
//              n:u64 (path:str target:str){n}                hardlinks
//              n:u64 str{n}                                  dirs
//              n:u64 str{n}                                  whiteouts
//              n:u64 str{n}                                  opaque_dirs
//              n:u64 str{n}                                  warnings
//              n:u64 (path:str m:u64 (str{10}){m}){n}        extracted: each file's packages
//                  (name version type ecosystem source_name source_version arch purl location
//                  modularity_label)
//              n:u64 (path:str mode:u32 owner:str){n}        setid files
//              n:u64 u64{n}                                  entry_hashes (sorted)
//              secret_rules:str
//              n:u64 (rule_id category severity title path match:str line:u32
//                     deleted:u32){n}                        secrets (match: redacted only)
//
// A record is accepted only if every length fits, the checksum matches, the body decodes to
// exactly body_size bytes, and (when a key is given) the mac is present and matches. The record
// is the unit of trust: nothing in it is used before these checks pass.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "layer/analyze.hpp"
#include "util/result.hpp"

namespace strata::cache {

inline constexpr std::uint32_t k_record_format = 3;  // 2: extracted packages; 3: setid, secrets
inline constexpr std::string_view k_record_magic = "STRATALC";
// A body larger than this is refused on write and rejected on read.
inline constexpr std::uint64_t k_max_body_size = 1ull << 30;

struct RecordHeader {
  std::uint32_t format = k_record_format;
  bool is_signed = false;
  std::string analyzer_version;
  std::string key;                   // the layer's diff_id, "sha256:<hex>"
  std::vector<std::string> aliases;  // compressed digests the layer was seen under
  std::uint64_t body_size = 0;
  std::size_t payload_offset = 0;  // where the zstd frame starts in the record
  std::size_t payload_size = 0;
};

// Serialises `analysis` keyed by its diff_id. Fails (internal) only if the body would exceed
// k_max_body_size or zstd fails.
util::Result<std::string> encode_record(const layer::LayerAnalysis& analysis,
                                        std::string_view analyzer_version,
                                        const std::vector<std::string>& aliases,
                                        const std::optional<std::string>& hmac_key);

// Checks the framing, the checksum and (if `hmac_key` is set) the signature, without
// decompressing. An input error says what is wrong (truncated, bad checksum, unsigned, ...).
// Without a key, signed records are accepted on their checksum alone.
util::Result<RecordHeader> verify_record(std::string_view record,
                                         const std::optional<std::string>& hmac_key);

// Decompresses and decodes the body of a record that verify_record accepted.
util::Result<layer::LayerAnalysis> decode_record(std::string_view record,
                                                 const RecordHeader& header);

}  // namespace strata::cache
