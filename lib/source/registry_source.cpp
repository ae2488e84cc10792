#include "source/registry_source.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <stop_token>

#include "source/attach_layers.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"

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

// Layer i from the cache when it is there (by `key`), else from the registry (then stored in
// the cache once its digest checked out); `from_cache` says which.
util::Result<layer::LayerAnalysis> cached_or_read_layer(
    registry::RegistryClient& client, std::mutex& client_mutex, const image::Descriptor& l,
    const std::string& key, const LoadOptions& options, const std::string& where,
    std::stop_token stop, bool& from_cache) {
  // Held until the layer is stored: another scanner on the node that misses it too waits, then
  // finds the record instead of downloading it again.
  std::shared_ptr<void> claim = options.cache.claim ? options.cache.claim(key) : nullptr;
  if (options.cache.lookup) {
    if (std::optional<layer::LayerAnalysis> cached = options.cache.lookup(key)) {
      LOG_DEBUG("registry: layer {} from the cache", l.digest);
      from_cache = true;
      return std::move(*cached);
    }
  }
  TRY_ASSIGN(layer::LayerAnalysis analysis,
             read_layer(client, client_mutex, l, options, where, std::move(stop)));
  if (options.cache.store) {
    options.cache.store(analysis, l.digest);
  }
  return analysis;
}

// Reads every layer with up to `parallel` workers (util::parallel_for; the calling thread is one
// of them); results land in layer order. The first failure requests a stop that aborts the
// other transfers and makes their reads fail, and is the error returned.
// A layer found in the cache (by `keys[i]`: the diff_id from the config, or the blob digest
// when there is no config) is not downloaded; `from_cache[i]` says so. A layer read from the
// network is stored in the cache once its digest checked out.
util::Result<std::vector<layer::LayerAnalysis>> read_layers(
    registry::RegistryClient& client, const std::vector<image::Descriptor>& layers,
    const std::vector<std::string>& keys, const LoadOptions& options, const std::string& where,
    int parallel, std::vector<bool>& from_cache) {
  std::vector<std::optional<layer::LayerAnalysis>> results(layers.size());
  // A vector<bool> packs bits: neighbours would share a byte across threads.
  std::vector<char> cached(layers.size(), 0);
  std::mutex client_mutex;  // RegistryClient is not thread-safe
  std::stop_source stop;    // requested by the first failure: aborts the other transfers
  const auto threads = static_cast<unsigned>(std::max(parallel, 1));
  auto read_one = [&](unsigned, std::size_t i) -> util::Status {
    bool hit = false;
    util::Result<layer::LayerAnalysis> r = util::make_error(util::ErrorCategory::internal, "");
    try {
      r = cached_or_read_layer(client, client_mutex, layers[i], keys[i], options, where,
                               stop.get_token(), hit);
    } catch (const std::exception& e) {  // e.g. bad_alloc: stops the others like any failure
      r = util::make_error(util::ErrorCategory::internal, "layer {}: {}", layers[i].digest,
                           e.what());
    }
    if (!r) {
      return std::move(r).error();
    }
    cached[i] = hit ? 1 : 0;
    results[i] = std::move(*r);
    return {};
  };
  TRY(util::parallel_for(layers.size(), threads, read_one, 1, &stop));
  from_cache.assign(cached.begin(), cached.end());
  std::vector<layer::LayerAnalysis> out;
  out.reserve(layers.size());
  for (auto& r : results) {
    out.push_back(std::move(*r));
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
