#pragma once
// The language packages of an image: what each layer's extracted files declare
// (layer::LayerAnalysis::extracted), merged bottom-up as the image's filesystem is.

#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"

namespace strata::scan {

// The packages of every extracted file still present in the merged image, each with `layer` =
// the diff_id of the layer that wrote the file. A file is gone when a higher layer deletes it
// (a whiteout of it or of a directory above it, an opaque directory above it) or puts another
// entry at its path (a file, kept or extracted, a symlink, a hard link or a directory); a
// higher layer's extracted file at the same path replaces its packages, even with none.
// Ordered by path, then as the file lists them.
std::vector<model::Package> language_packages(const std::vector<layer::LayerAnalysis>& bottom_up);

}  // namespace strata::scan
