#include "source/blob_store.hpp"

#include <optional>

#include "image/media_types.hpp"
#include "image/platform.hpp"
#include "source/attach_layers.hpp"
#include "source/layer_reads.hpp"
#include "util/hash.hpp"

namespace strata::source {

namespace {

constexpr int k_max_index_depth = 4;

std::string ref_name(const image::Descriptor& d) {
  auto it = d.annotations.find(std::string(image::k_ref_name_annotation));
  return it == d.annotations.end() ? std::string() : it->second;
}

std::string list_names(const image::Index& index) {
  std::string out;
  for (const auto& d : index.manifests) {
    std::string n = ref_name(d);
    if (n.empty()) {
      n = d.digest.substr(0, 19);
    }
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

util::Result<image::Descriptor> choose_in_layout(const image::Index& index, const std::string& tag,
                                                 const std::string& where) {
  if (index.manifests.empty()) {
    return util::input_error("{}: index.json lists no image", where);
  }
  if (!tag.empty()) {
    for (const auto& d : index.manifests) {
      if (ref_name(d) == tag) {
        return d;
      }
    }
    return util::input_error("{}: no image tagged '{}'; available: {}", where, tag,
                             list_names(index));
  }
  if (index.manifests.size() == 1) {
    return index.manifests.front();
  }
  return util::input_error("{}: holds {} images; choose one with --tag: {}", where,
                           index.manifests.size(), list_names(index));
}

// Follows `desc` through nested indexes (choosing by `platform`) to a manifest: returns its
// body, with `desc` then naming it.
util::Result<std::string> resolve_to_manifest(BlobStore& store, image::Descriptor& desc,
                                              const std::string& platform) {
  std::optional<image::Platform> wanted;  // parsed at the first index
  for (int depth = 0;; ++depth) {
    if (depth > k_max_index_depth) {
      return util::input_error("{}: image indexes nested too deeply", store.name());
    }
    TRY_ASSIGN(std::string body, store.read_json(desc));
    std::string media_type = desc.media_type;
    if (!image::is_index_media_type(media_type) && !image::is_manifest_media_type(media_type)) {
      media_type = image::sniff_media_type(body);
    }
    if (image::is_manifest_media_type(media_type)) {
      return body;
    }
    if (!image::is_index_media_type(media_type)) {
      return util::input_error("{}: blob {} has unsupported media type '{}'", store.name(),
                               desc.digest, desc.media_type);
    }
    if (!wanted) {
      TRY_ASSIGN(wanted, image::parse_platform(platform));
    }
    auto nested = image::parse_index(body);
    if (!nested) {
      return nested.error().wrap(fmt::format("{}: index {}", store.name(), desc.digest));
    }
    TRY_ASSIGN(desc, image::select_manifest(*nested, *wanted, store.name()));
  }
}

}  // namespace

util::Status verify_blob(std::string_view content, const image::Descriptor& desc,
                         std::string_view where) {
  if (desc.size >= 0 && static_cast<std::uint64_t>(desc.size) != content.size()) {
    return util::input_error("{}: blob {} has {} bytes, its descriptor says {}", where, desc.digest,
                             content.size(), desc.size);
  }
  std::string actual = "sha256:" + util::sha256_hex(content);
  if (actual != desc.digest) {
    return util::input_error("{}: blob {} does not match its digest (sha256 is {})", where,
                             desc.digest, actual);
  }
  return {};
}

util::Result<LoadedImage> resolve_oci(BlobStore& store, std::string_view index_json,
                                      const std::string& kind, const LoadOptions& options) {
  const std::string where = store.name();
  auto index_or = image::parse_index(index_json);
  if (!index_or) {
    return index_or.error().wrap(where + "/index.json");
  }
  TRY_ASSIGN(image::Descriptor desc, choose_in_layout(*index_or, options.tag, where));
  LoadedImage out;
  out.target.kind = kind;
  out.target.name = where;
  if (!options.tag.empty()) {
    out.target.repo_tags.push_back(options.tag);
  }
  TRY_ASSIGN(std::string manifest_body, resolve_to_manifest(store, desc, options.platform));
  auto manifest = image::parse_manifest(manifest_body);
  if (!manifest) {
    return manifest.error().wrap(fmt::format("{}: manifest {}", where, desc.digest));
  }
  out.target.digest = desc.digest;
  out.target.config_digest = manifest->config.digest;
  TRY_ASSIGN(std::string config_body, store.read_json(manifest->config));
  auto config = image::parse_config(config_body);
  if (!config) {
    return config.error().wrap(fmt::format("{}: config {}", where, manifest->config.digest));
  }
  out.target.platform = config->platform.str();
  if (manifest->layers.size() != config->diff_ids.size()) {
    return util::input_error("{}: the manifest lists {} layers but the config has {} diff_ids",
                             where, manifest->layers.size(), config->diff_ids.size());
  }
  std::vector<LayerRead> reads;
  for (std::size_t i = 0; i < manifest->layers.size(); ++i) {
    const image::Descriptor& l = manifest->layers[i];
    LayerRead r;
    r.info.digest = l.digest;
    r.info.media_type = l.media_type;
    r.info.size = l.size > 0 ? static_cast<std::uint64_t>(l.size) : 0;
    // A layout or an indexed archive can skip a cached blob; another archive was read whole.
    r.cache_key = store.can_skip() ? config->diff_ids[i] : std::string();
    r.alias = l.digest;
    r.read = [&store, l] { return store.read_layer(l); };
    reads.push_back(std::move(r));
  }
  std::vector<model::LayerInfo> infos;
  std::vector<layer::LayerAnalysis> analyses;
  TRY(read_layers(std::move(reads), options, infos, analyses));
  TRY(attach_layers(*config, std::move(infos), std::move(analyses), where, out));
  return out;
}

}  // namespace strata::source
