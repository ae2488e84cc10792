#pragma once
// The member list of an uncompressed tar file, read by seeking from header to header: the data
// of a member is never read, so indexing a 600 MiB docker-save archive costs a few hundred
// small reads. What it is for: an archive whose layers are all in the layer cache is scanned
// without reading them (archive_reader.hpp), and the layers that are not are read in parallel,
// each from its own window of the file.
//
// It reads the tar forms image tools write (docker save, skopeo, podman, umoci, GNU and bsdtar):
// ustar and v7 headers, pax extended headers (path, linkpath, size), GNU long names and long
// link names. Anything else (sparse members, multi-volume headers, a bad checksum, a member that
// runs past the end of the file) gives nullopt, and the caller reads the archive the slow way,
// with libarchive, which also words the error if there is one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace strata::source {

struct TarMember {
  enum class Type { regular, hardlink, symlink, directory, other };
  std::string name;  // as written (not normalised)
  Type type = Type::other;
  std::string link;          // link target for hardlink/symlink
  std::uint64_t offset = 0;  // of the member's data in the file
  std::uint64_t size = 0;
};

// Indexes the tar file `fd` (a regular file of `file_size` bytes). Errors: read errors only
// (input, naming `path`); nullopt when the file is not a tar this reader takes.
util::Result<std::optional<std::vector<TarMember>>> index_tar(int fd, std::uint64_t file_size,
                                                              const std::string& path);

}  // namespace strata::source
