#pragma once
// An in-memory filesystem tree: the merged view of an image's layers (built by `layer`), and the
// fixture type of detector unit tests. Mutators take lexical paths (as written in a tar: no
// symlink resolution), like overlayfs applies layers; readers resolve symlinks inside the root.
//
// Mutator semantics (overlayfs-like, all lexical):
// - add_file / add_symlink replace whatever is at the path (a directory's subtree is dropped).
// - add_dir on an existing directory only updates its mode and layer (children are kept: later
//   layers re-list directories); on a file or symlink it replaces it with an empty directory.
// - A missing parent is created as a directory (mode 0755, the same layer). A parent that exists
//   but is not a directory (a file, or a symlink such as `/lib -> usr/lib`) is replaced by an
//   empty directory, as an upper layer's directory shadows a lower layer's non-directory.
// - Paths are normalised with vfs::normalize; operations on "/" itself: add_dir updates the root,
//   remove("/") and clear_dir("/") empty the tree, add_file/add_symlink on "/" are ignored.
//
// Readers resolve the raw path component by component (".." after a symlink applies to the
// symlink's target, as in POSIX), staying inside the root. Errors are input errors whose message
// names the path: "no such file or directory", "not a directory", "is a directory",
// "too many levels of symbolic links", "file too large".
//
// Not thread-safe for concurrent mutation; concurrent const readers are fine.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "vfs/vfs.hpp"

namespace strata::vfs {

class MemFs final : public Filesystem {
 public:
  MemFs();
  ~MemFs() override;
  MemFs(MemFs&&) noexcept;
  MemFs& operator=(MemFs&&) noexcept;

  // Adds or replaces the entry at `path` (normalised with vfs::normalize); missing parent
  // directories are created. Replacing a directory with a file drops the directory's subtree.
  void add_file(std::string_view path, std::string content, std::uint32_t mode = 0644,
                std::string layer = {});
  // add_file without a copy: the file's content is `content`, which must outlive this MemFs
  // and not change while it is used.
  void add_file_view(std::string_view path, const std::string& content, std::uint32_t mode = 0644,
                     std::string layer = {});
  void add_symlink(std::string_view path, std::string target, std::string layer = {});
  void add_dir(std::string_view path, std::uint32_t mode = 0755, std::string layer = {});
  // Removes `path` and everything below it (a whiteout). No-op when absent.
  void remove(std::string_view path);
  // Removes everything below directory `path` but keeps it (an opaque whiteout). No-op when
  // `path` is absent or not a directory.
  void clear_dir(std::string_view path);

  util::Result<std::string> read_file(std::string_view path,
                                      std::uint64_t max_size = 64u << 20) const override;
  util::Result<std::string> read_prefix(std::string_view path, std::size_t n) const override;
  util::Result<Stat> stat(std::string_view path) const override;
  util::Result<Stat> lstat(std::string_view path) const override;
  util::Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  util::Result<std::string> real_path(std::string_view path) const override;

  // Number of entries (files, symlinks, dirs; the root is not counted) and bytes of file content
  // held.
  std::size_t entry_count() const;
  std::uint64_t content_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::vfs
