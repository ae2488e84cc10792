#pragma once
// The last step every image source shares (registry, docker-save, OCI layout or archive): the
// layers read, checked against the config's diff_ids and put into the LoadedImage with the
// config's metadata.

#include <string>
#include <vector>

#include "image/manifest.hpp"
#include "layer/analyze.hpp"
#include "model/types.hpp"
#include "source/image_source.hpp"

namespace strata::source {

// Checks that analyses match the config's diff_ids and fills layers / analyses / warnings and
// the target's created, author, env, labels and history. `layers` holds one LayerInfo per
// manifest layer, filled except diff_id and created_by. An input error naming `where` and the
// layer when a count or a diff_id does not match.
util::Status attach_layers(const image::ImageConfig& config, std::vector<model::LayerInfo> layers,
                           std::vector<layer::LayerAnalysis> analyses, const std::string& where,
                           LoadedImage& out);

}  // namespace strata::source
