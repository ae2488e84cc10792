#pragma once
// Reading one layer blob: a single pass over a byte stream that keeps only what the detectors
// asked for. Nothing is unpacked to disk.
//
// Pipeline: InputStream -> sha256 (digest) -> util::Decoder (gzip by ISA-L or zlib, zstd by
// libzstd, chosen by magic bytes; anything else passes through as is) -> sha256 (diff_id) ->
// libarchive tar reader. Entry data that is not kept is consumed without copying. Buffers are
// 256 KiB.
//
// Errors (input category, message names the stream): an empty blob, a corrupt or truncated
// gzip/zstd stream, a stream that is not a tar, an entry whose data is cut short, an entry or
// hard-link target with an absolute path or a ".." that climbs above the root (the whole layer
// is rejected: such a tar is malicious or broken, and Docker refuses it too).
//
// Bounds (ReadOptions): the inflated size and compression ratio of the layer, the length of
// every name and link target (k_max_path), and what the image's reads keep in all (`kept`):
// each exceeded is an input error that names the limit. A tar header whose size is larger than
// the layer size limit is corrupt.
//
// Tolerated with a warning: a tar stream that ends cleanly after an entry's data but lacks the
// padding and/or the end-of-archive footer (e.g. layers written by `umoci insert` 0.4.7, which
// Docker and podman accept), provided the compressed stream itself is complete. The check is
// "uncompressed bytes >= last header offset + 512 + its size"; a pax header in front of the last
// entry makes this bound slightly loose.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/decode.hpp"
#include "util/parallel.hpp"
#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::layer {

struct ReadOptions {
  // The gzip decoder (ISA-L where built with it; zlib on request: STRATA_GZIP_DECODER=zlib).
  util::GzipDecoder gzip = util::GzipDecoder::automatic;
  // Keep the content of regular files (and hard links) for which this returns true. An empty
  // function keeps no content (symlinks, whiteouts and dirs are still recorded).
  std::function<bool(std::string_view normalized_path)> wants;
  // Optional second look at a wanted regular file once its content is read: false drops it, and
  // it may shrink `content` to what its reader needs. For files wanted for their name alone (a
  // package database reached through a symlinked directory), whose content must show that it is
  // one, and for files of which only some lines matter.
  std::function<bool(std::string_view normalized_path, std::string& content)> accepts;
  // Per-file cap: a wanted file larger than this is skipped with a warning. `size_limit`, when
  // set and non-zero for a path, replaces it for that path (package databases may be larger).
  std::uint64_t max_file_size = 32u << 20;
  std::function<std::uint64_t(std::string_view normalized_path)> size_limit;

  // Files read for what they declare rather than kept (language package files, executables):
  // a regular file that `wants` does not keep goes to `extract` when `extracts(path)` says so,
  // or, for a file with an execute bit, when `extracts_head` accepts its first bytes (up to
  // k_head_size: executables found by content, whatever their name).
  // Its content is read into one reused buffer, handed to `extract`, and dropped: only the
  // packages are kept (LayerAnalysis::extracted). A file above `max_extract_size` is skipped
  // with a warning. All three empty: nothing is extracted.
  std::function<bool(std::string_view normalized_path)> extracts;
  std::function<bool(std::string_view head)> extracts_head;
  std::function<void(std::string_view normalized_path, std::string_view content,
                     std::vector<model::Package>& packages, std::vector<std::string>& warnings)>
      extract;
  std::uint64_t max_extract_size = 256u << 20;
  // Shared by the layers read at once (source/layer_reads.hpp): a file over 1 MiB read to be
  // extracted or searched and then dropped holds its size of this budget while it is held, so
  // that several readers meeting large files at the same moment take turns instead of adding
  // up. Kept files are not counted (they stay with the analysis). Null: no limit.
  std::shared_ptr<util::ByteBudget> transient_budget;

  // Files searched for secrets: a regular file for which `inspects(path, size)` is true (the
  // tar header alone decides) has its content handed to `inspect`, which appends what it finds
  // (Secret::path set; layer and deleted are the merge's). A file that is also kept or extracted
  // is read once for both. `inspect_id` names the rule set (LayerAnalysis::secret_rules): empty
  // when no secret scanning is asked for.
  std::function<bool(std::string_view normalized_path, std::uint64_t size)> inspects;
  std::function<void(std::string_view normalized_path, std::string_view content,
                     std::vector<model::Secret>& found)>
      inspect;
  std::string inspect_id;

  // Bounds against hostile layers (each exceeded: an input error naming the limit).
  // Bytes a layer may inflate to (the uncompressed tar stream).
  std::uint64_t max_layer_size = k_default_max_layer_size;
  // Compression ratio (uncompressed / compressed bytes) a layer may reach once it has inflated
  // past k_ratio_floor: a decompression bomb's ratio is 1,000:1 (gzip) up to millions (zstd);
  // real layers stay far below 100:1. 0: no ratio check.
  std::uint64_t max_ratio = k_default_max_ratio;
  std::uint64_t ratio_floor = k_ratio_floor;  // lowered by tests
  // What the reads of one image may keep together (kept_cost): file contents, and a fixed cost
  // per recorded name. Shared by the layers read at once. Null: no limit.
  std::shared_ptr<util::Quota> kept;

  static constexpr std::uint64_t k_default_max_layer_size = 32ull << 30;
  static constexpr std::uint64_t k_default_max_ratio = 200;
  static constexpr std::uint64_t k_ratio_floor = 256u << 20;
};

inline constexpr std::size_t k_head_size = 64;
// Longest entry name, link target or symlink target a layer may hold, after normalisation
// (Linux's PATH_MAX): a longer one cannot be unpacked by Docker either.
inline constexpr std::size_t k_max_path = 4096;
// What one recorded name (directory, symlink, hard link, whiteout, extracted file, package,
// warning) costs against ReadOptions::kept besides its bytes: its map node here and its node in
// the merged view.
inline constexpr std::uint64_t k_record_cost = 256;

struct LayerFile {
  std::string content;
  std::uint32_t mode = 0644;
};

// Everything strata keeps of one layer (later cached per diff_id). Paths are normalised
// ("/etc/os-release"). A path appears in at most one of files / symlinks / hardlinks (the last
// entry in the tar for a path wins).
struct LayerAnalysis {
  std::string diff_id;  // "sha256:<hex>" of the uncompressed tar stream
  std::string digest;   // "sha256:<hex>" of the bytes as read (compressed)
  std::uint64_t compressed_size = 0, uncompressed_size = 0, entries = 0;
  std::map<std::string, LayerFile> files;       // kept regular files (and resolved hard links)
  std::map<std::string, std::string> symlinks;  // every symlink: path -> target, as written
  // Wanted hard links whose target's content is not in `files` (an unwanted file of this layer,
  // or a file of a lower layer): path -> normalised target. merge_layers copies the content
  // from the merged view when it is there.
  std::map<std::string, std::string> hardlinks;
  std::vector<std::string> dirs;         // every directory entry of this layer (cheap: names only)
  std::vector<std::string> whiteouts;    // paths deleted by ".wh.NAME"
  std::vector<std::string> opaque_dirs;  // dirs made opaque by ".wh..wh..opq"
  std::vector<std::string> warnings;
  // Every file handed to ReadOptions::extract -> the packages it declares (empty: it declares
  // none, which still hides what a lower layer's file at that path declared). Package::layer is
  // left empty (it is this layer's diff_id); Package::location names the file.
  std::map<std::string, std::vector<model::Package>> extracted;
  // Regular files (and hard links) whose tar header has the setuid or setgid bit, the last entry
  // for a path deciding (SetidFile::layer left empty), in tar order.
  std::vector<model::SetidFile> setid;
  // XXH3-64 of the path of every entry that is not a directory (files, links, devices), sorted
  // and unique: whether this layer replaced a lower layer's file at a path, without keeping
  // every path (replaced_in).
  std::vector<std::uint64_t> entry_hashes;
  // Secrets found (ReadOptions::inspect) and the rule set they were found with ("" = none
  // looked for: a scan that wants secrets does not reuse such a cached analysis).
  std::string secret_rules;
  std::vector<model::Secret> secrets;
};

// The hash LayerAnalysis::entry_hashes holds for `path`.
std::uint64_t entry_hash(std::string_view normalized_path);

// Whether `analysis` (a layer above the one that had `path`) removes or replaces `path`: a
// whiteout of it or of a parent, an opaque parent, or an entry at it or at a parent that
// replaces it (any non-directory entry; a directory entry at the path itself).
bool replaced_in(const LayerAnalysis& analysis, std::string_view path);

// What `analysis` costs against ReadOptions::kept (the same sum the read took from it).
std::uint64_t kept_cost(const LayerAnalysis& analysis);

// Reads `blob` to its end once. See the file comment for formats, errors and warnings.
util::Result<LayerAnalysis> analyze_layer(util::InputStream& blob, const ReadOptions& options);

}  // namespace strata::layer
