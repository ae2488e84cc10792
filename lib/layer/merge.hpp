#pragma once
// The merged view of an image: layers applied bottom-up onto a vfs::MemFs, as overlayfs does.

#include <vector>

#include "layer/analyze.hpp"
#include "vfs/mem_fs.hpp"

namespace strata::layer {

// For each layer, bottom-up: its opaque dirs are emptied and its whiteouts removed (they only
// affect lower layers), then its dirs, files, symlinks and hard links are added with
// Stat::layer = its diff_id. A hard link recorded in `hardlinks` gets the content its target has
// in the view at that point (nothing when the target is absent or not kept).
// The view refers to the layers' kept file contents (vfs::MemFs::add_file_view) rather than
// copying them: the analyses must outlive it and stay unchanged while it is used.
vfs::MemFs merge_layers(const std::vector<const LayerAnalysis*>& bottom_up);

}  // namespace strata::layer
