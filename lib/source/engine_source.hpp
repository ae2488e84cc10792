#pragma once
// Images of a local Docker or Podman engine, read from the engine's export (`docker save` over
// the API) as it streams in: each layer analysed as it passes, nothing written to disk, memory
// bounded by the stream buffer and the wanted files. The engine's inspect answer (diff_ids,
// config id) is checked against what the export contains.

#include <string>

#include "docker/engine.hpp"
#include "source/image_source.hpp"

namespace strata::source {

// Exports `name` from `engine` (connected) and reads it. `inspect` is the engine's answer for
// `name`. Target: kind = engine.engine_name() ("docker" or "podman"), name = `name`, digest = the
// first repo digest's digest when the image came from a registry, config_digest = inspect.id.
// Errors: the engine's (network, see docker/engine.hpp), the archive's (input), and a mismatch
// between the export and the inspect answer (input).
util::Result<LoadedImage> load_engine_image(docker::EngineClient& engine, const std::string& name,
                                            const docker::ImageInspect& inspect,
                                            const LoadOptions& options);

}  // namespace strata::source
