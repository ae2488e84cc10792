#pragma once
// Leases: which records live processes are using, so no other process evicts them.
//
// leases/<pid>-<random hex> is created and flock'ed by one open LayerCache and holds the
// diff_ids it has hit or stored, one per line (appended). The kernel drops the flock when the
// process dies, so a lease file whose lock can be taken is stale: its process died without
// cleaning up (killed, or a power loss), which is how the cache learns that leftovers may lie in
// ref/. A lease file is created as leases/.<id>, locked, then renamed: a scan never sees a lease
// file that exists but is not yet locked (a dot file it can lock is a dead creator's).
// Keys are added inside an index write transaction and read by evictions inside theirs, so an
// eviction sees every lease taken before it.

#include <set>
#include <string>
#include <vector>

#include "util/file_lock.hpp"
#include "util/result.hpp"

namespace strata::cache {

class Lease {
 public:
  // Creates and locks a new lease file in `lease_dir`.
  static util::Result<Lease> create(const std::string& lease_dir);
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept = default;
  ~Lease();  // removes the lease file

  const std::string& id() const { return m_id; }
  const std::set<std::string>& keys() const { return m_keys; }
  // Records `diff_id` as in use (once). Call inside an index write transaction.
  util::Status add(const std::string& diff_id);
  // Forgets every key.
  void clear();

 private:
  Lease(std::string path, std::string id, util::FileLock lock)
      : m_path(std::move(path)), m_id(std::move(id)), m_lock(std::move(lock)) {}
  std::string m_path, m_id;
  util::FileLock m_lock;
  std::set<std::string> m_keys;
};

struct LiveLeases {
  std::set<std::string> ids;       // lease ids of live processes (own included)
  std::set<std::string> keys;      // diff_ids they use
  std::vector<std::string> stale;  // paths of lease files of dead processes (not removed)
};

// The lease files of live processes. `own` (may be null) is this object's lease, counted without
// reading its file. Stale lease files are listed, not removed (remove_stale_leases).
LiveLeases scan_leases(const std::string& lease_dir, const Lease* own);
void remove_stale_leases(const LiveLeases& live);

}  // namespace strata::cache
