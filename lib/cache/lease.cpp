#include "cache/lease.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "cache/files.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace strata::cache {

util::Result<Lease> Lease::create(const std::string& lease_dir) {
  std::random_device rd;
  for (int attempt = 0;; ++attempt) {
    std::string id = fmt::format("{}-{:08x}", ::getpid(), rd());
    std::string path = lease_dir + "/" + id;
    std::string fresh = lease_dir + "/." + id;
    TRY_ASSIGN(util::FileLock lock, util::FileLock::acquire(fresh));
    if (::rename(fresh.c_str(), path.c_str()) == 0) {
      return Lease(std::move(path), std::move(id), std::move(lock));
    }
    // ENOENT: a scan took the new file for a dead creator's between its creation and its lock,
    // and removed it. Rare: try again with a new name.
    const int err = errno;
    if (err != ENOENT || attempt == 3) {
      return util::input_error("{}: cannot create a lease: {}", path, std::strerror(err));
    }
  }
}

Lease::~Lease() {
  if (m_lock.fd() >= 0) {
    remove_file(m_path);
  }
}

util::Status Lease::add(const std::string& diff_id) {
  if (m_keys.count(diff_id) != 0) {
    return {};
  }
  std::string line = diff_id + "\n";
  if (::lseek(m_lock.fd(), 0, SEEK_END) < 0 ||
      ::write(m_lock.fd(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return util::input_error("{}: cannot record a lease: {}", m_path, std::strerror(errno));
  }
  m_keys.insert(diff_id);
  return {};
}

void Lease::clear() {
  if (::ftruncate(m_lock.fd(), 0) == 0) {
    m_keys.clear();
  }
}

LiveLeases scan_leases(const std::string& lease_dir, const Lease* own) {
  LiveLeases live;
  if (own != nullptr) {
    live.ids.insert(own->id());
    live.keys.insert(own->keys().begin(), own->keys().end());
  }
  for (const auto& name : list_dir(lease_dir)) {
    if (own != nullptr && name == own->id()) {
      continue;
    }
    std::string path = lease_dir + "/" + name;
    auto lock = util::FileLock::try_acquire_existing(path);
    if (lock && lock->has_value()) {
      live.stale.push_back(path);  // its process is gone
      continue;
    }
    if (name.starts_with('.')) {
      continue;  // being created by a live process: it holds no key yet
    }
    // Locked by a live process (or vanished, or unreadable: then read_file fails too).
    auto content = util::read_file(path);
    if (!content) {
      if (stat_file(path)) {
        live.ids.insert(name);  // exists but unreadable: count it live, protect nothing more
      }
      continue;
    }
    live.ids.insert(name);
    for (auto line : util::split(*content, '\n')) {
      if (util::parse_digest(line)) {
        live.keys.emplace(line);
      }
    }
  }
  return live;
}

void remove_stale_leases(const LiveLeases& live) {
  for (const auto& path : live.stale) {
    remove_file(path);
  }
}

}  // namespace strata::cache
