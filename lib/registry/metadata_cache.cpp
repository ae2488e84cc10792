#include "registry/metadata_cache.hpp"

#include <cstdio>

#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

namespace strata::registry {

std::optional<std::string> MetadataCache::path_of(std::string_view digest) const {
  auto d = util::parse_digest(digest);
  if (!enabled() || !d) {
    return std::nullopt;
  }
  return m_dir + "/" + d->algorithm + "/" + d->hex;
}

std::optional<std::string> MetadataCache::get(std::string_view digest,
                                              std::uint64_t max_size) const {
  auto path = path_of(digest);
  if (!path || !util::is_regular_file(*path)) {
    return std::nullopt;
  }
  auto content = util::read_file(*path, max_size);
  if (!content) {
    LOG_DEBUG("metadata cache: {}: {}", *path, content.error().message);
    return std::nullopt;
  }
  if ("sha256:" + util::sha256_hex(*content) != digest) {
    LOG_WARN("metadata cache: {} does not match its digest; removed, fetching it again", *path);
    std::remove(path->c_str());
    return std::nullopt;
  }
  return std::move(*content);
}

void MetadataCache::put(std::string_view digest, std::string_view content) const {
  auto path = path_of(digest);
  if (!path) {
    return;
  }
  auto dir = path->substr(0, path->rfind('/'));
  util::Status st = util::make_dirs(dir);
  if (st) {
    st = util::write_file_atomic(*path, content);
  }
  if (!st) {
    LOG_DEBUG("metadata cache: not stored: {}", st.error().message);
  }
}

}  // namespace strata::registry
