#include "image/media_types.hpp"
#include "image/platform.hpp"
#include "source/blob_store.hpp"
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

util::Status attach_layers(const image::ImageConfig& config, std::vector<model::LayerInfo> layers,
                           std::vector<layer::LayerAnalysis> analyses, const std::string& where,
                           LoadedImage& out) {
  if (layers.size() != config.diff_ids.size()) {
    return util::input_error("{}: the manifest lists {} layers but the config has {} diff_ids",
                             where, layers.size(), config.diff_ids.size());
  }
  auto created_by = config.layer_created_by();
  bool history_ok = created_by.size() == layers.size();
  if (!history_ok && !config.history.empty()) {
    out.warnings.push_back(fmt::format(
        "{}: config history has {} non-empty entries for {} layers; created_by left empty", where,
        created_by.size(), layers.size()));
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (analyses[i].diff_id != config.diff_ids[i]) {
      return util::input_error("{}: layer {} ({}) has diff_id {} but the config says {}", where,
                               i + 1, layers[i].digest.empty() ? "docker-save" : layers[i].digest,
                               analyses[i].diff_id, config.diff_ids[i]);
    }
    layers[i].diff_id = analyses[i].diff_id;
    if (history_ok) {
      layers[i].created_by = created_by[i];
    }
    for (const auto& w : analyses[i].warnings) {
      out.warnings.push_back(w);
    }
  }
  out.layers = std::move(layers);
  out.analyses = std::move(analyses);
  out.target.created = config.created;
  out.target.author = config.author;
  out.target.env = config.env;
  out.target.labels = config.labels;
  for (const auto& h : config.history) {
    out.target.history.push_back(model::HistoryStep{h.created_by, h.empty_layer});
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
  std::optional<image::Platform> wanted;
  std::string manifest_body;
  for (int depth = 0;; ++depth) {
    if (depth > k_max_index_depth) {
      return util::input_error("{}: image indexes nested too deeply", where);
    }
    TRY_ASSIGN(std::string body, store.read_json(desc));
    std::string media_type = desc.media_type;
    if (!image::is_index_media_type(media_type) && !image::is_manifest_media_type(media_type)) {
      media_type = image::sniff_media_type(body);
    }
    if (image::is_manifest_media_type(media_type)) {
      manifest_body = std::move(body);
      break;
    }
    if (!image::is_index_media_type(media_type)) {
      return util::input_error("{}: blob {} has unsupported media type '{}'", where, desc.digest,
                               desc.media_type);
    }
    if (!wanted) {
      TRY_ASSIGN(wanted, image::parse_platform(options.platform));
    }
    auto nested = image::parse_index(body);
    if (!nested) {
      return nested.error().wrap(fmt::format("{}: index {}", where, desc.digest));
    }
    std::vector<image::Platform> platforms;
    std::string available;
    for (const auto& d : nested->manifests) {
      platforms.push_back(d.platform.value_or(image::Platform{}));
      if (d.platform && !d.platform->empty() && d.platform->os != "unknown") {
        available += (available.empty() ? "" : ", ") + d.platform->str();
      }
    }
    auto pick = image::select_platform(*wanted, platforms);
    if (!pick) {
      return util::input_error("{}: no image for platform {}; available: {}", where, wanted->str(),
                               available.empty() ? "none" : available);
    }
    desc = nested->manifests[*pick];
  }
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
  std::vector<model::LayerInfo> infos;
  std::vector<layer::LayerAnalysis> analyses;
  // A layout directory can skip a cached blob; an archive was read whole already.
  const bool use_cache = kind == "oci-layout";
  for (std::size_t i = 0; i < manifest->layers.size(); ++i) {
    const auto& l = manifest->layers[i];
    model::LayerInfo info;
    info.digest = l.digest;
    info.media_type = l.media_type;
    std::optional<layer::LayerAnalysis> cached;
    if (use_cache && options.cache.lookup) {
      cached = options.cache.lookup(config->diff_ids[i]);
    }
    if (cached) {
      info.from_cache = true;
      info.size = l.size > 0 ? static_cast<std::uint64_t>(l.size) : cached->compressed_size;
      analyses.push_back(std::move(*cached));
    } else {
      TRY_ASSIGN(auto analysis, store.read_layer(l));
      if (options.cache.store) {
        options.cache.store(analysis, l.digest);
      }
      info.size = analysis.compressed_size;
      analyses.push_back(std::move(analysis));
    }
    infos.push_back(std::move(info));
  }
  TRY(attach_layers(*config, std::move(infos), std::move(analyses), where, out));
  return out;
}

}  // namespace strata::source
