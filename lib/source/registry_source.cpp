#include "source/registry_source.hpp"

#include "source/blob_store.hpp"
#include "util/log.hpp"

namespace strata::source {

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
  std::vector<model::LayerInfo> infos;
  std::vector<layer::LayerAnalysis> analyses;
  for (const auto& l : resolved.manifest.layers) {
    LOG_DEBUG("registry: streaming layer {} ({} bytes)", l.digest, l.size);
    TRY_ASSIGN(auto stream, client.open_blob(l));
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
    if (resolved.schema1) {
      config.diff_ids.push_back(analysis->diff_id);
    }
    model::LayerInfo info;
    info.digest = l.digest;
    info.media_type = l.media_type;
    info.size = analysis->compressed_size;
    infos.push_back(std::move(info));
    analyses.push_back(std::move(*analysis));
  }
  TRY(attach_layers(config, std::move(infos), std::move(analyses), where, out));
  return out;
}

}  // namespace strata::source
