#pragma once
// Whether a cache directory may be trusted with unsigned records. Records carry a checksum,
// which catches damage but not a forgery: anyone who can write into the directory (or who
// created it first, e.g. /tmp/images/caches) could plant records that hide packages. Without a
// signing key (STRATA_CACHE_KEY), strata therefore uses a cache only when it is private to the
// effective user:
// - the directory and its files (lock, version, index.sqlite and its -wal/-shm, cacher.json,
//   ref/, leases/, each record) are owned by the effective uid and not writable by group or
//   others;
// - every directory above it is owned by root or the effective uid, and is not writable by
//   group or others unless it has the sticky bit (/tmp).
// Pods of one node sharing a hostPath cache as the same uid pass; root passes for root-owned
// directories. With a key, records are signed and checked (HMAC-SHA256), so none of this is
// required.

#include <string>

#include "util/result.hpp"

namespace strata::cache {

// The file or directory at `path` (symlinks followed) is owned by the effective uid and not
// writable by group or others. Errors (input): "PATH: owned by uid N, not by this user (uid M)",
// "PATH: writable by group or others (mode 0NNN)"; a missing path is fine.
util::Status check_private(const std::string& path);

// The whole check above, for the cache directory `dir` (which exists). The error names the
// first path that fails and says how to fix it.
util::Status check_cache_trusted(const std::string& dir);

}  // namespace strata::cache
