#pragma once
// Which layer introduced each package: parses every layer's own copy of the package database
// that a package was read from, and walks down from the top layer while the package (same
// name and version) stays present. `packages` are what the merged view of `bottom_up` listed:
// they stand for the topmost copy of each database, which is not parsed again.

#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"

namespace strata::scan {

void attribute_layers(std::vector<model::Package>& packages,
                      const std::vector<layer::LayerAnalysis>& bottom_up, const model::OsInfo& os);

}  // namespace strata::scan
