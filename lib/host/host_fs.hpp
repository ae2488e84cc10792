#pragma once
// A live directory tree (a host's root, a chroot, a debootstrap tree, a mounted disk) read through
// the vfs::Filesystem interface, read-only and safely:
// - Every path is resolved inside the root component by component with openat(O_PATH |
//   O_NOFOLLOW) from a descriptor of the root: a symlink (absolute or relative, at any depth) is
//   read with readlinkat and resolved inside the root, ".." never climbs above it, and more than
//   vfs::k_max_symlink_hops hops is an error. Nothing the scanned tree contains can lead a read
//   outside it, even when it changes during the scan (no path is ever re-resolved by the kernel
//   from a string).
// - Only regular files are opened for reading (O_NONBLOCK | O_NOFOLLOW | O_NOCTTY, and the
//   descriptor checked with fstat again): device files, FIFOs and sockets are never opened.
// - Skipped unless asked for (they read as "skipped ..." errors, as if absent): the pseudo and
//   runtime trees /proc, /sys, /dev and /run; directories on another filesystem (a mount point)
//   whose type is not a disk filesystem (tmpfs, proc, sysfs, cgroup, overlay, NFS, FUSE, ...:
//   `include_mounts`; disk filesystems such as a separate ext4 /var are always read); container
//   storage /var/lib/docker, /var/lib/containers, /var/lib/containerd
//   (`include_container_storage`).
// - Nothing is ever written, created or modified under the root (every descriptor is read-only
//   or O_PATH).

#include <cstdint>
#include <memory>
#include <string>

#include "util/result.hpp"
#include "vfs/vfs.hpp"

namespace strata::host {

struct HostFsOptions {
  bool include_mounts = false;
  bool include_container_storage = false;
};

class HostFs final : public vfs::Filesystem {
 public:
  // Opens `root` (which must be a directory; a symlink to one is followed, as for /proc/1/root).
  // Errors (input category): missing, not a directory, permission denied.
  static util::Result<HostFs> open(const std::string& root, HostFsOptions options = {});
  ~HostFs() override;
  HostFs(HostFs&&) noexcept;
  HostFs& operator=(HostFs&&) noexcept;

  util::Result<std::string> read_file(std::string_view path,
                                      std::uint64_t max_size = 64u << 20) const override;
  util::Result<std::string> read_prefix(std::string_view path, std::size_t n) const override;
  util::Result<vfs::Stat> stat(std::string_view path) const override;
  util::Result<vfs::Stat> lstat(std::string_view path) const override;
  util::Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  util::Result<std::string> real_path(std::string_view path) const override;

  const std::string& root() const;

  // What the scan touched: paths resolved, regular files read, and their bytes.
  struct Counters {
    std::uint64_t lookups = 0;
    std::uint64_t files_read = 0;
    std::uint64_t bytes_read = 0;
  };
  Counters counters() const;

 private:
  HostFs();
  // read_file (`prefix` false: larger than max_size is an error) and read_prefix (`prefix`
  // true: stop after max_size bytes).
  util::Result<std::string> read_regular(std::string_view path, std::uint64_t max_size,
                                         bool prefix) const;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::host
