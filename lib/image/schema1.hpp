#pragma once
// Docker image manifest v2, schema 1 (the format of old registries), signed
// (application/vnd.docker.distribution.manifest.v1+prettyjws) or not (...v1+json):
//   {"schemaVersion": 1, "name": "...", "tag": "...", "architecture": "amd64",
//    "fsLayers": [{"blobSum": "sha256:..."}, ...],          top layer first
//    "history": [{"v1Compatibility": "<JSON text>"}, ...],  one per fsLayer, same order
//    "signatures": [{"header": {...}, "signature": "...", "protected": "<base64url JSON>"}]}
// Each v1Compatibility is itself a JSON object (id, parent, created, container_config.Cmd,
// throwaway, and in the first, top entry, architecture / os). There is no config blob and no
// diff_id: a scan synthesizes what it needs (see Schema1Manifest) and computes the diff_ids
// while streaming the layers.
//
// Signed manifests: the digest of a signed manifest (what Docker-Content-Digest and a pinned
// reference name) is the sha256 of its payload, the document without its "signatures" member,
// rebuilt as libtrust does from the first signature's protected header: the first
// `formatLength` bytes of the document followed by base64url-decoded `formatTail`. Every
// signature's protected header must describe the same payload. The JWS signatures themselves
// are NOT verified: schema 1 keys are self-generated and carry no trust, so a valid signature
// proves nothing that the digest check does not.

#include <string>
#include <string_view>
#include <vector>

#include "image/manifest.hpp"
#include "util/result.hpp"

namespace strata::image {

struct Schema1Layer {
  std::string digest;      // fsLayers[].blobSum
  bool throwaway = false;  // v1Compatibility.throwaway: an empty layer that is not applied
  std::string created_by;  // container_config.Cmd joined with spaces
};

struct Schema1Manifest {
  std::string name;
  std::string tag;
  Platform platform;  // from the top history entry (manifest "architecture" when it has none)
  std::vector<Schema1Layer> layers;  // bottom-up (the reverse of fsLayers)

  // The layers a scan reads (throwaway ones dropped), as descriptors without size.
  std::vector<Descriptor> applied_layers() const;
  // The config a scan needs: platform, one history entry per layer (throwaway = empty_layer),
  // no diff_ids (the caller fills them from the streamed layers).
  ImageConfig synthesized_config() const;
};

// The payload of a schema 1 document: the document itself when it has no "signatures" member,
// else the bytes the signatures cover (see above). Input errors: malformed protected header,
// formatLength out of range, signatures that disagree.
util::Result<std::string> schema1_payload(std::string_view document);

// Parses a schema 1 payload (unsigned, or the result of schema1_payload). Input errors: not
// JSON, schemaVersion not 1, fsLayers / history missing or of different lengths, a bad blobSum,
// a v1Compatibility that is not a JSON object.
util::Result<Schema1Manifest> parse_schema1_manifest(std::string_view payload);

}  // namespace strata::image
