#pragma once
// One pass over an image archive file (a tar, optionally gzip-compressed; the format is detected
// from content by libarchive, never from the name): a `docker save` tarball or an OCI archive.
//
// An uncompressed archive file (what `docker save`, skopeo and podman write) is indexed by
// seeking from tar header to tar header (tar_index.hpp): JSON members are read, layers are
// not, until a scan asks for one (member_layer), which may be never (a cached layer) or in
// parallel with others. Everything below is about the one-pass reading of the rest: a
// gzip-compressed archive, a stream, or a tar the index leaves to libarchive.
//
// Design: a compressed outer archive cannot seek, so every member is handled as it passes, once:
// small or JSON-looking members (first byte '{' or '[' and at most 16 MiB, or under 1 KiB) are
// kept in memory; every other regular member is analysed as a layer on the fly
// (layer::analyze_layer, which keeps only wanted files) and its analysis -- or its error -- is
// kept. The caller maps manifest.json / index.json entries to members afterwards. The cost: in a
// multi-image archive the layers of the images not chosen are analysed too (memory bounded by
// the wanted files of those layers). Symlink and hard-link members (skopeo writes
// `<id>/layer.tar -> ../<diffid>.tar`) are recorded and followed by `find`.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "layer/analyze.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::source {

struct ArchiveMember {
  bool is_link = false;
  std::string link_target;  // normalised member path (symlink resolved against its directory)
  std::uint64_t size = 0;
  std::optional<std::string> content;                          // kept in memory
  std::optional<util::Result<layer::LayerAnalysis>> analysis;  // analysed as a layer
  // In an indexed archive: where the member's data starts in the archive file, open as `file`
  // (shared by every member: pread needs no file position). It is read when asked for
  // (member_layer), by as many readers at once as there are layers to read; the archive file
  // read is the one indexed, whatever happens to its path meanwhile.
  std::optional<std::uint64_t> offset;
  std::shared_ptr<const util::UniqueFd> file;
};

class ArchiveContents {
 public:
  // Keys are normalised member paths without a leading "/" ("blobs/sha256/ab..", "x/layer.tar").
  std::map<std::string, ArchiveMember> members;
  // True for an uncompressed archive file, indexed by its tar headers (tar_index.hpp): its
  // layers are read only when asked for, so the layer cache can spare them. False for an
  // archive read in one pass, every layer analysed as it passed.
  bool indexed = false;

  // The member at `path` (normalised), following link members (at most 16 hops); nullptr when
  // absent or when the links loop.
  const ArchiveMember* find(std::string_view path) const;
};

// Reads the archive at `path`. Errors (input): unreadable file, empty file, not a tar (or
// gzip-compressed tar), a corrupt or truncated outer archive, a member path escaping the root.
util::Result<ArchiveContents> read_image_archive(const std::string& path,
                                                 const layer::ReadOptions& options);

// The same from a stream (an engine's image export arriving over a socket), read once; the
// stream's own errors (network, cancelled) are returned as they are; archive errors name
// in.name().
util::Result<ArchiveContents> read_image_archive(util::InputStream& in,
                                                 const layer::ReadOptions& options);

// The layer analysis of a member: the one made while reading the archive, one made now from
// the archive file (an indexed member), or -- for a member kept in memory because it was
// small -- one made now from memory. `where` names it in errors. Safe to call from several
// threads at once for different members.
util::Result<layer::LayerAnalysis> member_layer(const std::string& where,
                                                const ArchiveMember& member,
                                                const layer::ReadOptions& read);

// "./a//b" -> "a/b"; nullopt when absolute or escaping.
std::optional<std::string> normalize_member_path(std::string_view name);

}  // namespace strata::source
