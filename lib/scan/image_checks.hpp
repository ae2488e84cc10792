#pragma once
// Beyond packages: the set-id files and secrets of an image's layers, merged the way the layers
// stack, and the CIS Docker Benchmark image items NeuVector's scanner reports (`checks`).

#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"

namespace strata::scan {

// The set-id files of the final image: each layer's, unless a layer above it removed or replaced
// the path (layer::replaced_in: a whiteout, an opaque parent, a new entry at the path, e.g. a
// chmod that cleared the bits). Each with its layer's diff_id; sorted by path.
std::vector<model::SetidFile> image_setid_files(const std::vector<layer::LayerAnalysis>& analyses);

// Every secret the layers hold, each with its layer's diff_id, and `deleted` when a layer above
// removed or replaced the file (the secret is still in the image's blobs: still a leak). Sorted
// by path, line, rule.
std::vector<model::Secret> image_secrets(const std::vector<layer::LayerAnalysis>& analyses);

// The image items of the CIS Docker Benchmark that the image fails, as NeuVector computes them
// (I.4.1 the image runs as root: config User empty, "root" or "0", with or without a group;
// I.4.6 no HEALTHCHECK; I.4.8 one item per set-id file; I.4.9 ADD in the history, other than
// the "ADD file:..." of a base image's root filesystem; I.4.10 one item per secret), in that
// order. A host or rootfs target (no image config) gets only I.4.8 and I.4.10.
std::vector<model::Check> image_checks(const model::ScanResult& result);

// Sorts set-id files by path and secrets by path, line, rule id (report order).
void sort_setid(std::vector<model::SetidFile>& files);
void sort_secrets(std::vector<model::Secret>& secrets);

}  // namespace strata::scan
