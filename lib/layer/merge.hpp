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
vfs::MemFs merge_layers(const std::vector<const LayerAnalysis*>& bottom_up);

}  // namespace strata::layer
