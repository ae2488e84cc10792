#pragma once
// The language packages of an image: what each layer's extracted files declare
// (layer::LayerAnalysis::extracted), merged bottom-up as the image's filesystem is.

#include <set>
#include <string>
#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"
#include "scan/secret_hooks.hpp"
#include "vfs/vfs.hpp"

namespace strata::scan {

// The packages of every extracted file still present in the merged image, each with `layer` =
// the diff_id of the layer that wrote the file. A file is gone when a higher layer deletes it
// (a whiteout of it or of a directory above it, an opaque directory above it) or puts another
// entry at its path (a file, kept or extracted, a symlink, a hard link or a directory); a
// higher layer's extracted file at the same path replaces its packages, even with none.
// Ordered by path, then as the file lists them.
std::vector<model::Package> language_packages(const std::vector<layer::LayerAnalysis>& bottom_up);

// Drops the packages whose file (Package::location, up to a "!" into an archive) an OS package
// installed: they are reported once, as the OS package.
void drop_os_owned(std::vector<model::Package>& packages, const std::set<std::string>& os_owned);

// What one walk of a root filesystem (a host, a directory) finds, every regular file under "/"
// visited once: the tree is walked iteratively without following symlinks (a directory reached
// through a symlink is not visited twice). Directories that cannot be listed (skipped pseudo
// filesystems, permissions) are passed over; a file that cannot be read or is too large is a
// warning naming it.
struct TreeWalk {
  // Language packages: every file detect/lang/extract.hpp reads (by name, or an executable by
  // its first bytes).
  bool languages = true;
  // Secrets: the files `secrets->wants` accepts. nullptr: none looked for.
  const SecretHooks* secrets = nullptr;
};
struct TreeFindings {
  std::vector<model::Package> packages;  // ordered by file path
  std::vector<model::Secret> secrets;    // sorted by path, line, rule
  // Regular files with the setuid or setgid bit (owner: the tree's /etc/passwd name for the
  // uid, else the uid), sorted by path.
  std::vector<model::SetidFile> setid;
};
TreeFindings walk_tree(const vfs::Filesystem& fs, const TreeWalk& what,
                       std::vector<std::string>& warnings);

}  // namespace strata::scan
