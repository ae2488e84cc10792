#pragma once
// The layers of an image read from disk (OCI layout, docker-save or OCI archive), each from the
// layer cache when it is there and otherwise from its blob, several at once: each layer is
// decoded and analysed on its own thread (up to LoadOptions::parallel and the cores), and the
// results come back in layer order, so the image is the same as read one layer after another.
//
// Memory: one reader per thread, each holding its buffers (2 x 256 KiB), the files it keeps
// (package databases, capped per file) and the largest language file or executable it reads at
// a time (capped by ReadOptions::max_extract_size).

#include <functional>
#include <string>
#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"
#include "source/image_source.hpp"
#include "util/result.hpp"

namespace strata::source {

struct LayerRead {
  // digest and media_type as the image names them; size when known (0: the analysis's).
  model::LayerInfo info;
  // The diff_id to look the layer up by, before reading it; empty: not looked up (an archive
  // read in one pass has every layer analysed already).
  std::string cache_key;
  // Stored with the analysis when it is read (its compressed digest; may be empty).
  std::string alias;
  // Reads and checks the layer (digest against the descriptor, ...).
  std::function<util::Result<layer::LayerAnalysis>()> read;
};

// Runs every read (or cache lookup), appends one LayerInfo and one analysis per layer in order,
// and stores what was read in the cache. When several layers fail, the error of the lowest one
// is returned (the serial reading's error); layers not started by then are not read.
util::Status read_layers(std::vector<LayerRead> layers, const LoadOptions& options,
                         std::vector<model::LayerInfo>& infos,
                         std::vector<layer::LayerAnalysis>& analyses);

}  // namespace strata::source
