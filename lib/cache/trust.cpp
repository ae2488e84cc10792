#include "cache/trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace strata::cache {

namespace {

constexpr const char* k_advice =
    "an unsigned layer cache must be private to its user (set STRATA_CACHE_KEY to share one)";

std::string mode_text(mode_t mode) {
  return fmt::format("{:04o}", static_cast<unsigned>(mode & 07777));
}

// A directory above the cache: owned by root or us, and if others may write in it, sticky (they
// cannot then rename or remove what is ours).
util::Status check_ancestor(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  const uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me) {
    return util::input_error("{}: owned by uid {}, not by this user (uid {}) or root", path,
                             st.st_uid, me);
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return util::input_error("{}: writable by group or others without the sticky bit (mode {})",
                             path, mode_text(st.st_mode));
  }
  return {};
}

util::Error distrust(const util::Error& e) {
  return util::input_error("{}; {}", e.message, k_advice);
}

}  // namespace

util::Status check_private(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return {};
    }
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  const uid_t me = ::geteuid();
  if (st.st_uid != me) {
    return util::input_error("{}: owned by uid {}, not by this user (uid {})", path, st.st_uid, me);
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return util::input_error("{}: writable by group or others (mode {})", path,
                             mode_text(st.st_mode));
  }
  return {};
}

util::Status check_cache_trusted(const std::string& dir) {
  char* real = ::realpath(dir.c_str(), nullptr);
  if (real == nullptr) {
    return util::input_error("{}: {}", dir, std::strerror(errno));
  }
  const std::string resolved(real);
  std::free(real);
  for (std::size_t slash = resolved.rfind('/'); slash != std::string::npos && slash > 0;
       slash = resolved.rfind('/', slash - 1)) {
    if (auto st = check_ancestor(resolved.substr(0, slash)); !st) {
      return distrust(st.error());
    }
  }
  if (auto st = check_ancestor("/"); !st) {
    return st.error().wrap(k_advice);
  }
  for (const char* name : {"", "/lock", "/version", "/index.sqlite", "/index.sqlite-wal",
                           "/index.sqlite-shm", "/cacher.json", "/ref", "/leases"}) {
    if (auto st = check_private(dir + name); !st) {
      return distrust(st.error());
    }
  }
  return {};
}

}  // namespace strata::cache
