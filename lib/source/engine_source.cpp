#include "source/engine_source.hpp"

#include "util/log.hpp"

namespace strata::source {

namespace {

// What every engine image's target says, however it was read.
LoadedImage finish(docker::EngineClient& engine, const std::string& name,
                   const docker::ImageInspect& inspect, LoadedImage image) {
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

// Every layer from the cache: the image without an export, from the inspect and the history.
// nullopt at the first layer the cache does not have.
util::Result<std::optional<LoadedImage>> from_cache(docker::EngineClient& engine,
                                                    const std::string& name,
                                                    const docker::ImageInspect& inspect,
                                                    const LoadOptions& options) {
  if (!options.cache.lookup || inspect.diff_ids.empty()) {
    return std::optional<LoadedImage>{};
  }
  LoadedImage image;
  for (const auto& diff_id : inspect.diff_ids) {
    auto cached = options.cache.lookup(diff_id);
    if (!cached) {
      return std::optional<LoadedImage>{};
    }
    model::LayerInfo info;
    info.diff_id = diff_id;
    info.from_cache = true;
    info.size = cached->compressed_size;
    image.layers.push_back(std::move(info));
    image.analyses.push_back(std::move(*cached));
  }
  // The history only names the build steps: without it the scan goes on (created_by empty).
  std::vector<docker::HistoryEntry> history;
  if (auto h = engine.history(name)) {
    history = std::move(*h);
  } else {
    LOG_INFO("{}: no build history ({})", name, h.error().message);
  }
  std::size_t non_empty = 0;
  for (const auto& h : history) {
    image.target.history.push_back(model::HistoryStep{h.created_by, h.empty_layer});
    non_empty += h.empty_layer ? 0 : 1;
  }
  if (non_empty == image.layers.size()) {
    std::size_t next = 0;
    for (const auto& h : history) {
      if (!h.empty_layer) {
        image.layers[next++].created_by = h.created_by;
      }
    }
  }
  image.target.platform = inspect.os + "/" + inspect.architecture +
                          (inspect.variant.empty() ? "" : "/" + inspect.variant);
  image.target.created = inspect.created;
  image.target.author = inspect.author;
  image.target.env = inspect.env;
  image.target.user = inspect.user;
  image.target.healthcheck = inspect.healthcheck;
  image.target.labels = inspect.labels;
  LOG_INFO("{}: every layer is in the layer cache; nothing exported", name);
  return std::optional<LoadedImage>(std::move(image));
}

}  // namespace

util::Result<LoadedImage> load_engine_image(docker::EngineClient& engine, const std::string& name,
                                            const docker::ImageInspect& inspect,
                                            const LoadOptions& options) {
  TRY_ASSIGN(auto cached, from_cache(engine, name, inspect, options));
  if (cached) {
    return finish(engine, name, inspect, std::move(*cached));
  }
  LOG_INFO("exporting {} from the {} engine at {}", name, engine.engine_name(),
           engine.endpoint().display);
  // Export by id: the archive then holds exactly this image, whatever its tags.
  TRY_ASSIGN(auto stream, engine.export_image(inspect.id));
  LoadOptions load = options;
  load.tag.clear();
  TRY_ASSIGN(LoadedImage image, load_image_stream(*stream, load));
  const std::string where =
      fmt::format("{} ({} engine at {})", name, engine.engine_name(), engine.endpoint().display);
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
  return finish(engine, name, inspect, std::move(image));
}

}  // namespace strata::source