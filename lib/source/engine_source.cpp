#include "source/engine_source.hpp"

#include "util/log.hpp"

namespace strata::source {

util::Result<LoadedImage> load_engine_image(docker::EngineClient& engine, const std::string& name,
                                            const docker::ImageInspect& inspect,
                                            const LoadOptions& options) {
  LOG_INFO("exporting {} from the {} engine at {}", name, engine.engine_name(),
           engine.endpoint().display);
  // Export by id: the archive then holds exactly this image, whatever its tags.
  TRY_ASSIGN(auto stream, engine.export_image(inspect.id));
  LoadOptions load = options;
  load.tag.clear();
  TRY_ASSIGN(LoadedImage image, load_image_stream(*stream, load));
  const std::string where = fmt::format("{} ({} engine at {})", name, engine.engine_name(),
                                        engine.endpoint().display);
  std::vector<std::string> diff_ids;
  for (const auto& l : image.layers) {
    diff_ids.push_back(l.diff_id);
  }
  if (diff_ids != inspect.diff_ids) {
    return util::input_error("{}: the export's layers ({}) differ from the engine's inspect ({})",
                             where, diff_ids.size(), inspect.diff_ids.size());
  }
  if (!image.target.config_digest.empty() && image.target.config_digest != inspect.id) {
    return util::input_error("{}: the export's config {} is not the image {}", where,
                             image.target.config_digest, inspect.id);
  }
  image.target.kind = engine.engine_name();
  image.target.name = name;
  image.target.config_digest = inspect.id;
  image.target.repo_tags = inspect.repo_tags;
  image.target.digest.clear();
  for (const auto& rd : inspect.repo_digests) {
    if (auto at = rd.find('@'); at != std::string::npos) {
      image.target.digest = rd.substr(at + 1);
      break;
    }
  }
  return image;
}

}  // namespace strata::source
