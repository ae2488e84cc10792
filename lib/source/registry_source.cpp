#include "source/registry_source.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

#include "source/attach_layers.hpp"
#include "util/log.hpp"

namespace strata::source {
namespace {

// Streams one layer blob into the layer reader and checks what was read.
util::Result<layer::LayerAnalysis> read_layer(registry::RegistryClient& client,
                                              std::mutex& client_mutex, const image::Descriptor& l,
                                              const LoadOptions& options, const std::string& where,
                                              std::stop_token stop) {
  LOG_DEBUG("registry: streaming layer {} ({} bytes)", l.digest, l.size);
  std::unique_ptr<util::InputStream> stream;
  {
    std::lock_guard lock(client_mutex);  // RegistryClient is not thread-safe
    TRY_ASSIGN(stream, client.open_blob(l, stop));
  }
  auto analysis = layer::analyze_layer(*stream, options.read);
  if (!analysis) {
    // A corrupt download is the better diagnosis than the parse error it caused: read the rest
    // of the blob, whose end reports a digest mismatch or a transfer error.
    std::vector<std::byte> buffer(256u << 10);
    for (;;) {
      auto n = stream->read(buffer);
      if (!n) {
        return std::move(n).error();
      }
      if (*n == 0) {
        break;
      }
    }
    return analysis.error().wrap(fmt::format("layer {}", l.digest));
  }
  if (analysis->digest != l.digest) {
    return util::input_error("{}: layer {} was read with digest {}", where, l.digest,
                             analysis->digest);
  }
  return analysis;
}

// Reads every layer with up to `parallel` workers (the calling thread is one of them), each
// taking the next unread layer; results land in layer order. The first failure requests a stop
// that aborts the other transfers and makes their reads fail, and is the error returned.
// A layer found in the cache (by `keys[i]`: the diff_id from the config, or the blob digest
// when there is no config) is not downloaded; `from_cache[i]` says so. A layer read from the
// network is stored in the cache once its digest checked out.
util::Result<std::vector<layer::LayerAnalysis>> read_layers(
    registry::RegistryClient& client, const std::vector<image::Descriptor>& layers,
    const std::vector<std::string>& keys, const LoadOptions& options, const std::string& where,
    int parallel, std::vector<bool>& from_cache) {
  std::vector<std::optional<util::Result<layer::LayerAnalysis>>> results(layers.size());
  from_cache.assign(layers.size(), false);
  std::mutex mutex;  // guards `client`, `next` and `first_error`
  std::size_t next = 0;
  std::optional<std::size_t> first_error;
  std::stop_source stop;
  auto worker = [&] {
    for (;;) {
      std::size_t i = 0;
      {
        std::lock_guard lock(mutex);
        if (stop.stop_requested() || next == layers.size()) {
          return;
        }
        i = next++;
      }
      util::Result<layer::LayerAnalysis> r = util::make_error(util::ErrorCategory::internal, "");
      try {
        std::optional<layer::LayerAnalysis> cached;
        if (options.cache.lookup) {
          cached = options.cache.lookup(keys[i]);
        }
        if (cached) {
          LOG_DEBUG("registry: layer {} from the cache", layers[i].digest);
          from_cache[i] = true;  // each worker writes only its own index
          r = std::move(*cached);
        } else {
          r = read_layer(client, mutex, layers[i], options, where, stop.get_token());
          if (r && options.cache.store) {
            options.cache.store(*r, layers[i].digest);
          }
        }
      } catch (const std::exception& e) {  // e.g. bad_alloc: must not escape a thread
        r = util::make_error(util::ErrorCategory::internal, "layer {}: {}", layers[i].digest,
                             e.what());
      }
      const bool failed = !r;
      results[i] = std::move(r);
      if (failed && stop.request_stop()) {  // true only for the first failure
        std::lock_guard lock(mutex);
        first_error = i;
        return;
      }
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(parallel, 1)), layers.size());
  {
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < threads; ++t) {
      helpers.emplace_back(worker);
    }
    worker();
  }  // joined here
  if (first_error) {
    return std::move(*results[*first_error]).error();
  }
  std::vector<layer::LayerAnalysis> out;
  out.reserve(layers.size());
  for (auto& r : results) {
    out.push_back(std::move(**r));
  }
  return out;
}

}  // namespace

util::Result<LoadedImage> load_registry_image(const image::Reference& reference,
                                              const registry::RegistryOptions& registry_options,
                                              const LoadOptions& options) {
  image::Reference ref = reference.with_default_tag();
  TRY_ASSIGN(image::Platform platform, image::parse_platform(options.platform));
  registry::RegistryClient client(ref.registry_host(), ref.path, registry_options);
  TRY_ASSIGN(registry::ResolvedManifest resolved,
             client.resolve(ref.manifest_reference(), platform));
  const std::string where = client.display_name() + "@" + resolved.digest;

  LoadedImage out;
  out.target.kind = "registry";
  out.target.name = ref.str();
  out.target.digest = resolved.digest;
  out.target.config_digest = resolved.manifest.config.digest;
  if (!ref.tag.empty()) {
    out.target.repo_tags.push_back(ref.familiar());
  }
  image::ImageConfig config;
  if (resolved.schema1) {
    // No config blob: the config comes from the manifest's history, the diff_ids from the
    // layers as they stream (filled below).
    config = resolved.schema1->synthesized_config();
  } else {
    TRY_ASSIGN(std::string config_body, client.fetch_blob(resolved.manifest.config));
    auto parsed = image::parse_config(config_body);
    if (!parsed) {
      return parsed.error().wrap(
          fmt::format("{}: config {}", where, resolved.manifest.config.digest));
    }
    config = std::move(*parsed);
  }
  out.target.platform = config.platform.str();
  if (!resolved.schema1 && resolved.manifest.layers.size() != config.diff_ids.size()) {
    return util::input_error("{}: the manifest lists {} layers but the config has {} diff_ids",
                             where, resolved.manifest.layers.size(), config.diff_ids.size());
  }
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < resolved.manifest.layers.size(); ++i) {
    keys.push_back(resolved.schema1 ? resolved.manifest.layers[i].digest : config.diff_ids[i]);
  }
  std::vector<bool> from_cache;
  TRY_ASSIGN(std::vector<layer::LayerAnalysis> analyses,
             read_layers(client, resolved.manifest.layers, keys, options, where,
                         registry_options.parallel, from_cache));
  std::vector<model::LayerInfo> infos;
  for (std::size_t i = 0; i < analyses.size(); ++i) {
    const auto& l = resolved.manifest.layers[i];
    if (resolved.schema1) {
      config.diff_ids.push_back(analyses[i].diff_id);
    }
    model::LayerInfo info;
    info.digest = l.digest;
    info.media_type = l.media_type;
    info.from_cache = from_cache[i];
    info.size = from_cache[i] && l.size > 0 ? static_cast<std::uint64_t>(l.size)
                                            : analyses[i].compressed_size;
    infos.push_back(std::move(info));
  }
  TRY(attach_layers(config, std::move(infos), std::move(analyses), where, out));
  return out;
}

}  // namespace strata::source
