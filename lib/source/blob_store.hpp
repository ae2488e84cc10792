#pragma once
// Where the blobs of an OCI layout live (a directory or the members of an OCI archive), and the
// resolution shared by both: index -> (platform) -> manifest -> config -> layers, every digest
// verified. The two stores are in image_source.cpp.

#include <string>

#include "image/manifest.hpp"
#include "layer/analyze.hpp"
#include "source/image_source.hpp"

namespace strata::source {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // The bytes of a metadata blob (index, manifest, config), verified against `desc` (sha256 and
  // size). Errors name the blob: missing, too large, digest mismatch.
  virtual util::Result<std::string> read_json(const image::Descriptor& desc) = 0;
  // The analysis of a layer blob, its digest verified against `desc`. Called from several
  // threads at once (for different layers).
  virtual util::Result<layer::LayerAnalysis> read_layer(const image::Descriptor& desc) = 0;
  // Whether a layer not read yet costs a read (a directory, an indexed archive), so that the
  // layer cache is worth asking first; false when every layer was analysed already.
  virtual bool can_skip() const = 0;
  // For messages: the layout's path.
  virtual std::string name() const = 0;
};

// Verifies `content` against `desc`; the error names `where`.
util::Status verify_blob(std::string_view content, const image::Descriptor& desc,
                         std::string_view where);

// Resolves the image in `index_json` (the layout's index.json) and reads its layers.
// `kind` is "oci-layout" or "oci-archive".
util::Result<LoadedImage> resolve_oci(BlobStore& store, std::string_view index_json,
                                      const std::string& kind, const LoadOptions& options);

}  // namespace strata::source
