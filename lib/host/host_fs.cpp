#include "host/host_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include "util/fd.hpp"
#include "util/strings.hpp"

namespace strata::host {

namespace {

using Fd = util::UniqueFd;

// Disk filesystems: a mount point of one of these is read like the rest of the tree (a separate
// /var, /usr or /home). Anything else mounted inside the root is skipped unless include_mounts.
constexpr std::array<long, 9> k_disk_filesystems = {
    static_cast<long>(EXT4_SUPER_MAGIC),  // also ext2/ext3
    static_cast<long>(XFS_SUPER_MAGIC),
    static_cast<long>(BTRFS_SUPER_MAGIC),
    static_cast<long>(F2FS_SUPER_MAGIC),
    0x2FC12FC1L /* zfs */,
    0x3153464AL /* jfs */,
    static_cast<long>(REISERFS_SUPER_MAGIC),
    static_cast<long>(MSDOS_SUPER_MAGIC),
    static_cast<long>(SQUASHFS_MAGIC)};

constexpr std::array<std::string_view, 4> k_pseudo_trees = {"/proc", "/sys", "/dev", "/run"};
constexpr std::array<std::string_view, 3> k_container_storage = {
    "/var/lib/docker", "/var/lib/containers", "/var/lib/containerd"};

vfs::FileType file_type(mode_t mode) {
  if (S_ISREG(mode)) {
    return vfs::FileType::regular;
  }
  if (S_ISDIR(mode)) {
    return vfs::FileType::directory;
  }
  if (S_ISLNK(mode)) {
    return vfs::FileType::symlink;
  }
  return vfs::FileType::other;
}

vfs::Stat to_stat(const struct stat& st) {
  vfs::Stat out;
  out.type = file_type(st.st_mode);
  out.size = static_cast<std::uint64_t>(st.st_size);
  out.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  out.uid = static_cast<std::uint32_t>(st.st_uid);
  return out;
}

util::Error errno_error(std::string_view path, int err) {
  return util::input_error("{}: {}", path, std::strerror(err));
}

}  // namespace

struct HostFs::Impl {
  std::string root;
  HostFsOptions options;
  Fd root_fd;
  dev_t root_dev = 0;
  mutable std::atomic<std::uint64_t> lookups{0}, files_read{0}, bytes_read{0};

  // The result of resolving a path: the directory holding the final component (an O_PATH
  // descriptor), the final component's name ("" for the root itself) and its lstat, and the
  // lexical path inside the root that was reached.
  struct Resolved {
    Fd dir;
    std::string name;
    struct stat st {};
    std::string path;
  };

  util::Status check_skipped(const std::string& path, int fd, const struct stat& st) const {
    if (!options.include_mounts) {
      for (auto p : k_pseudo_trees) {
        if (path == p) {
          return util::input_error(
              "{}: skipped (a pseudo or runtime filesystem; see --include-mounts)", path);
        }
      }
      if (st.st_dev != root_dev) {
        struct statfs fs {};
        if (::fstatfs(fd, &fs) != 0 ||
            std::find(k_disk_filesystems.begin(), k_disk_filesystems.end(),
                      static_cast<long>(fs.f_type)) == k_disk_filesystems.end()) {
          return util::input_error("{}: skipped (a mounted filesystem; see --include-mounts)",
                                   path);
        }
      }
    }
    if (!options.include_container_storage) {
      for (auto p : k_container_storage) {
        if (path == p) {
          return util::input_error("{}: skipped (container storage)", path);
        }
      }
    }
    return {};
  }

  // Resolves `raw` inside the root. `follow_last`: a final symlink is followed too.
  util::Result<Resolved> resolve(std::string_view raw, bool follow_last) const {
    ++lookups;
    Walk walk(root_fd.get());
    walk.push_front(raw);
    int hops = 0;
    while (!walk.todo.empty()) {
      std::string comp = std::move(walk.todo.front());
      walk.todo.pop_front();
      if (comp == "..") {
        walk.up();
        continue;
      }
      const bool last = walk.todo.empty();
      struct stat st {};
      if (::fstatat(walk.current(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        return errno_error(walk.lexical(comp), err);
      }
      if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
        if (++hops > vfs::k_max_symlink_hops) {
          return util::input_error("{}: too many levels of symbolic links", walk.lexical(comp));
        }
        TRY(expand_symlink(walk, comp));
        continue;
      }
      if (last) {
        return resolve_last(walk, comp, st);
      }
      TRY(enter_directory(walk, comp, st));
    }
    return resolve_root(walk);
  }

 private:
  // A resolution in progress: the components still to walk, front first, and the directories
  // walked so far (descriptors and names).
  struct Walk {
    explicit Walk(int root) : root_fd(root) {}
    int root_fd;
    std::deque<std::string> todo;
    std::vector<Fd> dirs;
    std::vector<std::string> names;

    int current() const { return dirs.empty() ? root_fd : dirs.back().get(); }
    // The lexical path reached, with `next` appended when given.
    std::string lexical(std::string_view next = {}) const {
      std::string p;
      for (const auto& n : names) {
        p += '/';
        p += n;
      }
      if (!next.empty()) {
        p += '/';
        p += next;
      }
      return p.empty() ? std::string("/") : p;
    }
    // Puts the components of `path` in front of what is left to walk.
    void push_front(std::string_view path) {
      std::vector<std::string> parts;
      for (auto part : util::split(path, '/')) {
        if (!part.empty() && part != ".") {
          parts.emplace_back(part);
        }
      }
      todo.insert(todo.begin(), parts.begin(), parts.end());
    }
    void up() {
      if (!dirs.empty()) {
        dirs.pop_back();
        names.pop_back();
      }
    }
  };

  // Replaces the symlink `comp` in the current directory by its target's components; an
  // absolute target starts again from the root.
  static util::Status expand_symlink(Walk& walk, const std::string& comp) {
    std::array<char, 4096> buf{};
    ssize_t n = ::readlinkat(walk.current(), comp.c_str(), buf.data(), buf.size());
    if (n < 0 || static_cast<std::size_t>(n) >= buf.size()) {
      return util::input_error("{}: unreadable symbolic link", walk.lexical(comp));
    }
    std::string_view target(buf.data(), static_cast<std::size_t>(n));
    walk.push_front(target);
    if (!target.empty() && target.front() == '/') {
      walk.dirs.clear();
      walk.names.clear();
    }
    return {};
  }

  // The final component `comp` (lstat `st`) of the current directory; a directory is checked
  // against the skip lists.
  util::Result<Resolved> resolve_last(Walk& walk, const std::string& comp,
                                      const struct stat& st) const {
    Resolved r;
    r.dir = Fd(::fcntl(walk.current(), F_DUPFD_CLOEXEC, 0));
    if (!r.dir.valid()) {
      return errno_error(walk.lexical(), errno);
    }
    r.name = comp;
    r.st = st;
    r.path = walk.lexical(comp);
    if (S_ISDIR(st.st_mode)) {
      Fd probe(::openat(r.dir.get(), comp.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
      if (!probe.valid()) {
        return errno_error(r.path, errno);
      }
      TRY(check_skipped(r.path, probe.get(), st));
    }
    return r;
  }

  // Steps into the directory `comp` (lstat `st`) of the current directory, unless skipped.
  util::Status enter_directory(Walk& walk, const std::string& comp, const struct stat& st) const {
    if (!S_ISDIR(st.st_mode)) {
      return util::input_error("{}: not a directory", walk.lexical(comp));
    }
    Fd next(::openat(walk.current(), comp.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
    walk.names.push_back(comp);
    if (!next.valid()) {
      return errno_error(walk.lexical(), errno);
    }
    struct stat dst {};
    if (::fstat(next.get(), &dst) != 0) {
      return errno_error(walk.lexical(), errno);
    }
    TRY(check_skipped(walk.lexical(), next.get(), dst));
    walk.dirs.push_back(std::move(next));
    return {};
  }

  // Every component walked and none left: the root itself.
  static util::Result<Resolved> resolve_root(Walk& walk) {
    Resolved r;
    r.dir = Fd(::fcntl(walk.current(), F_DUPFD_CLOEXEC, 0));
    if (!r.dir.valid()) {
      return errno_error("/", errno);
    }
    if (::fstat(r.dir.get(), &r.st) != 0) {
      return errno_error("/", errno);
    }
    r.path = walk.lexical();
    return r;
  }
};

HostFs::HostFs() : m_impl(std::make_unique<Impl>()) {}
HostFs::~HostFs() = default;
HostFs::HostFs(HostFs&&) noexcept = default;
HostFs& HostFs::operator=(HostFs&&) noexcept = default;

util::Result<HostFs> HostFs::open(const std::string& root, HostFsOptions options) {
  HostFs fs;
  fs.m_impl->root = root;
  fs.m_impl->options = options;
  fs.m_impl->root_fd = Fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fs.m_impl->root_fd.valid()) {
    return errno_error(root, errno);
  }
  struct stat st {};
  if (::fstat(fs.m_impl->root_fd.get(), &st) != 0) {
    return errno_error(root, errno);
  }
  fs.m_impl->root_dev = st.st_dev;
  return fs;
}

const std::string& HostFs::root() const {
  return m_impl->root;
}

HostFs::Counters HostFs::counters() const {
  return Counters{m_impl->lookups.load(), m_impl->files_read.load(), m_impl->bytes_read.load()};
}

util::Result<std::string> HostFs::read_file(std::string_view path, std::uint64_t max_size) const {
  return read_regular(path, max_size, false);
}

util::Result<std::string> HostFs::read_prefix(std::string_view path, std::size_t n) const {
  return read_regular(path, n, true);
}

util::Result<std::string> HostFs::read_regular(std::string_view path, std::uint64_t max_size,
                                               bool prefix) const {
  TRY_ASSIGN(Impl::Resolved r, m_impl->resolve(path, true));
  if (!S_ISREG(r.st.st_mode)) {
    return util::input_error("{}: {}", r.path,
                             S_ISDIR(r.st.st_mode) ? "is a directory" : "not a regular file");
  }
  if (r.name.empty()) {
    return util::input_error("/: is a directory");
  }
  Fd fd(::openat(r.dir.get(), r.name.c_str(),
                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) {
    return errno_error(r.path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return errno_error(r.path, errno);
  }
  if (!S_ISREG(st.st_mode)) {  // replaced between the check and the open
    return util::input_error("{}: not a regular file", r.path);
  }
  if (!prefix && static_cast<std::uint64_t>(st.st_size) > max_size) {
    return util::input_error("{}: file too large ({} bytes)", r.path, st.st_size);
  }
  // Read to the end rather than to st_size: the file may change while it is read (and files of
  // pseudo filesystems report size 0).
  std::string out;
  std::array<char, 64u << 10> buf{};
  for (;;) {
    std::size_t want = buf.size();
    if (prefix) {
      want = static_cast<std::size_t>(std::min<std::uint64_t>(want, max_size - out.size()));
      if (want == 0) {
        break;
      }
    }
    ssize_t n = ::read(fd.get(), buf.data(), want);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_error(r.path, errno);
    }
    if (n == 0) {
      break;
    }
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      return util::input_error("{}: file too large (over {} bytes)", r.path, max_size);
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  ++m_impl->files_read;
  m_impl->bytes_read += out.size();
  return out;
}

util::Result<vfs::Stat> HostFs::stat(std::string_view path) const {
  TRY_ASSIGN(Impl::Resolved r, m_impl->resolve(path, true));
  return to_stat(r.st);
}

util::Result<vfs::Stat> HostFs::lstat(std::string_view path) const {
  TRY_ASSIGN(Impl::Resolved r, m_impl->resolve(path, false));
  return to_stat(r.st);
}

util::Result<std::string> HostFs::real_path(std::string_view path) const {
  TRY_ASSIGN(Impl::Resolved r, m_impl->resolve(path, true));
  return std::move(r.path);
}

util::Result<std::vector<std::string>> HostFs::list_dir(std::string_view path) const {
  TRY_ASSIGN(Impl::Resolved r, m_impl->resolve(path, true));
  if (!S_ISDIR(r.st.st_mode)) {
    return util::input_error("{}: not a directory", r.path);
  }
  Fd fd(r.name.empty() ? ::openat(r.dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                       : ::openat(r.dir.get(), r.name.c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    return errno_error(r.path, errno);
  }
  DIR* d = ::fdopendir(fd.get());
  if (d == nullptr) {
    return errno_error(r.path, errno);
  }
  fd.release();  // owned by d now
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n(e->d_name);
    if (n != "." && n != "..") {
      names.emplace_back(n);
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace strata::host
