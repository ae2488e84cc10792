#pragma once
// Images pulled from a registry over the OCI Distribution API: manifest (an index resolved with
// LoadOptions::platform), config, then each layer streamed from the network straight into the
// layer reader. Nothing is written to disk. Every digest is verified: the manifest against the
// pinned digest / Docker-Content-Digest, the config and each layer blob against their
// descriptors (while streaming), and each layer's diff_id against the config's rootfs.diff_ids.
// A Docker schema 1 manifest (old registries) has no config blob and no diff_ids: its layers
// (throwaway ones skipped) are verified against their blobSums, the diff_ids are computed while
// streaming, the platform and created_by come from its history (image/schema1.hpp); the
// target's config_digest is empty.
//
// Layers are fetched and analysed RegistryOptions::parallel at a time (memory: that many stream
// buffers and layer analyses in flight), their results kept in layer order. The first layer that
// fails stops the others (their transfers are aborted, their threads joined) and its error is
// returned.

#include "image/reference.hpp"
#include "registry/client.hpp"
#include "source/image_source.hpp"

namespace strata::source {

// Scans `reference` (its tag, or "latest" when neither tag nor digest is given). The result's
// target: kind "registry", name = the reference as given in canonical form, digest = the
// manifest digest (of the platform's manifest when the reference names an index).
// Errors: see registry/client.hpp (401/403/404 name registry, repository and status);
// layer errors name the layer digest.
util::Result<LoadedImage> load_registry_image(const image::Reference& reference,
                                              const registry::RegistryOptions& registry_options,
                                              const LoadOptions& options);

}  // namespace strata::source
