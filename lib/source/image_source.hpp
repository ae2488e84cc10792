#pragma once
// Images read from disk: a `docker save` tarball, an OCI image layout directory, or an OCI
// archive (a tar of a layout); tarballs optionally gzip-compressed. The format is detected from
// content, never from the file name:
// - a directory must be an OCI layout (`oci-layout` + `index.json`);
// - a file is read as a tar (plain or gzip) in one pass (see archive_reader.hpp); with a
//   `manifest.json` it is a docker-save tarball (legacy `<id>/layer.tar`, skopeo's symlinked
//   `<diffid>.tar`, and Docker 25+ `blobs/sha256/..` paths), else with `index.json` an OCI archive.
//
// Every digest is verified: each blob's sha256 (and size, when given) against its descriptor
// (index entries, manifest, config, layers), a docker-save config against its `<hex>.json` /
// `blobs/sha256/<hex>` name and a `blobs/sha256/<hex>` layer against its name, and every layer's
// computed diff_id against the config's `rootfs.diff_ids` (whose count must equal the number of
// layers). Each layer is read once, as a stream; nothing is written to disk. Layers of a layout
// or of an uncompressed archive are read several at once (layer_reads.hpp).
//
// Image choice: `tag` selects an image by `org.opencontainers.image.ref.name` (OCI) or RepoTags
// (docker-save; "docker.io/", "library/" and a ":latest" default are ignored, and a bare tag such
// as "upgrade" matches "repo:upgrade" when only one image has it). Without a tag the archive must
// hold exactly one image; otherwise the error lists the tags. An index / manifest list is
// resolved with `platform` (rule in image/platform.hpp); when none matches, the error lists the
// platforms on offer.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "layer/analyze.hpp"
#include "model/types.hpp"
#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::source {

// The layer cache as the sources see it (the scan wires it to cache::LayerCache): `lookup` by
// diff_id or compressed digest, `store` an analysis read from a verified blob with its
// compressed digest as alias. Either may be empty (no cache). Both may be called from several
// threads at once.
struct LayerCacheHooks {
  std::function<std::optional<layer::LayerAnalysis>(const std::string& key)> lookup;
  std::function<void(const layer::LayerAnalysis& analysis, const std::string& alias)> store;
  // Optional: held around lookup and, on a miss, the read and store of layer `key`, so that
  // processes sharing the cache read a layer they all miss once (cache::LayerCache::claim_fill).
  // nullptr: nothing held.
  std::function<std::shared_ptr<void>(const std::string& key)> claim;
};

struct LoadOptions {
  std::string tag;                       // --tag
  std::string platform = "linux/amd64";  // --platform os/arch[/variant]
  layer::ReadOptions read;
  // Used where it saves reading: registry layers (looked up by diff_id from the config, before
  // any download), OCI layout directories and uncompressed archives (by the config's diff_id,
  // before the blob is opened) and engine images (every diff_id of the inspect; all must hit,
  // or the image is exported). A compressed archive (or an engine's export) is read whole
  // anyway: it only stores. A layer served from the cache has LayerInfo::from_cache set.
  LayerCacheHooks cache;
  // Layers read at once from a layout or an indexed archive (source/layer_reads.hpp), at most
  // one per core (--parallel, shared with registry downloads).
  int parallel = 4;
};

struct LoadedImage {
  // kind: "docker-archive", "oci-layout" or "oci-archive"; name: the path; digest: the manifest
  // digest when known (OCI; empty for docker-save); config_digest; platform (from the config);
  // repo_tags (docker-save RepoTags, or the OCI ref name used).
  model::Target target;
  std::vector<model::LayerInfo> layers;        // bottom-up, one per diff_id
  std::vector<layer::LayerAnalysis> analyses;  // same order as layers
  std::vector<std::string> warnings;           // layer warnings (e.g. a tar without footer)
};

// Errors: input category, one line naming the file and what is wrong; a bad --platform is a
// usage error.
util::Result<LoadedImage> load_image(const std::string& path, const LoadOptions& options);

// An image archive (docker save or OCI archive) arriving as a stream, e.g. an engine's export:
// read once, each layer analysed as it passes, nothing written to disk. Errors as above, with
// the stream's own errors (network) passed through.
util::Result<LoadedImage> load_image_stream(util::InputStream& in, const LoadOptions& options);

}  // namespace strata::source
