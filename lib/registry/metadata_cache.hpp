#pragma once
// Manifests and configs kept on disk by digest (RegistryOptions::metadata_cache_dir), so that a
// rescan of an unchanged tag costs one HEAD request and a digest-pinned one none.
//
// Layout:  <dir>/sha256/<64 lower-case hex>   the exact bytes whose sha256 is <hex>
// (for a signed schema 1 manifest: its payload, image/schema1.hpp). Content-addressed, so several
// processes can share the directory: files are written to a temp file in the same directory and
// renamed into place (util::write_file_atomic), and every read hashes the file again; a file
// whose content does not match its name is deleted and counts as a miss. Failures are soft: a
// read error is a miss, a write error a debug log line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::registry {

class MetadataCache {
 public:
  // An empty `dir` disables the cache (get() misses, put() does nothing).
  explicit MetadataCache(std::string dir) : m_dir(std::move(dir)) {}

  bool enabled() const { return !m_dir.empty(); }

  // The bytes stored for `digest` ("sha256:<hex>"), verified; nullopt on a miss.
  std::optional<std::string> get(std::string_view digest, std::uint64_t max_size) const;

  // Stores `content` under `digest`, which the caller has verified to be its sha256.
  void put(std::string_view digest, std::string_view content) const;

 private:
  std::optional<std::string> path_of(std::string_view digest) const;
  std::string m_dir;
};

}  // namespace strata::registry
