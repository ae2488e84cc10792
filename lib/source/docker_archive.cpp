#include "source/docker_archive.hpp"

#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "source/attach_layers.hpp"
#include "source/layer_reads.hpp"
#include "util/hash.hpp"
#include "util/stream.hpp"

namespace strata::source {

namespace {

std::string normalize_ref(std::string_view ref) {
  std::string r(ref);
  for (std::string_view prefix : {"docker.io/", "index.docker.io/"}) {
    if (r.rfind(prefix, 0) == 0) {
      r = r.substr(prefix.size());
    }
  }
  if (r.rfind("library/", 0) == 0) {
    r = r.substr(8);
  }
  auto slash = r.rfind('/');
  auto colon = r.rfind(':');
  if (r.find('@') == std::string::npos &&
      (colon == std::string::npos || (slash != std::string::npos && colon < slash))) {
    r += ":latest";
  }
  return r;
}

// The hex digest a member name carries ("<hex>.json", "blobs/sha256/<hex>", "<hex>.tar"), or "".
std::string digest_in_name(const std::string& name, std::string_view suffix) {
  std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  if (!suffix.empty()) {
    if (base.size() <= suffix.size() || base.substr(base.size() - suffix.size()) != suffix) {
      return {};
    }
    base = base.substr(0, base.size() - suffix.size());
  }
  auto d = util::parse_digest("sha256:" + base);
  return d ? d->str() : std::string();
}

std::string list_tags(const std::vector<image::DockerArchiveEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    std::string tags;
    for (const auto& t : e.repo_tags) {
      tags += (tags.empty() ? "" : " ") + t;
    }
    out += (out.empty() ? "" : ", ") + (tags.empty() ? "<untagged " + e.config + ">" : tags);
  }
  return out;
}

util::Result<const image::DockerArchiveEntry*> choose_entry(
    const std::vector<image::DockerArchiveEntry>& entries, const std::string& tag,
    const std::string& path) {
  if (tag.empty()) {
    if (entries.size() == 1) {
      return &entries.front();
    }
    return util::input_error("{}: holds {} images; choose one with --tag: {}", path, entries.size(),
                             list_tags(entries));
  }
  std::vector<const image::DockerArchiveEntry*> exact, by_tag_only;
  for (const auto& e : entries) {
    for (const auto& t : e.repo_tags) {
      if (repo_tag_matches(tag, t)) {
        exact.push_back(&e);
        break;
      }
      auto colon = t.rfind(':');
      if (tag.find_first_of(":/") == std::string::npos && colon != std::string::npos &&
          t.substr(colon + 1) == tag) {
        by_tag_only.push_back(&e);
        break;
      }
    }
  }
  if (exact.size() == 1) {
    return exact.front();
  }
  if (exact.empty() && by_tag_only.size() == 1) {
    return by_tag_only.front();
  }
  if (exact.size() > 1 || by_tag_only.size() > 1) {
    return util::input_error("{}: tag '{}' is ambiguous; available: {}", path, tag,
                             list_tags(entries));
  }
  return util::input_error("{}: no image tagged '{}'; available: {}", path, tag,
                           list_tags(entries));
}

}  // namespace

bool repo_tag_matches(std::string_view wanted, std::string_view repo_tag) {
  return wanted == repo_tag || normalize_ref(wanted) == normalize_ref(repo_tag);
}

namespace {

// The config `entry` names, checked against the digest in its member name (an error for a
// content-addressed `blobs/sha256/<hex>`, a warning appended to `warnings` for a legacy
// `<hex>.json`), and its digest.
util::Result<std::pair<image::ImageConfig, std::string>> read_config(
    const ArchiveContents& contents, const image::DockerArchiveEntry& entry,
    const std::string& path, std::vector<std::string>& warnings) {
  auto config_name = normalize_member_path(entry.config);
  const ArchiveMember* config_member = config_name ? contents.find(*config_name) : nullptr;
  if (config_member == nullptr || !config_member->content) {
    return util::input_error("{}: manifest.json names config '{}', which is missing", path,
                             entry.config);
  }
  std::string config_digest = "sha256:" + util::sha256_hex(*config_member->content);
  std::string named = digest_in_name(*config_name, ".json");
  if (named.empty()) {
    named = digest_in_name(*config_name, "");
  }
  if (!named.empty() && named != config_digest) {
    // blobs/sha256/<hex> (Docker 25+) is content-addressed: a mismatch is an error. A legacy
    // "<hex>.json" name is only the image ID by convention (nothing else references the config;
    // the layers are still verified against its diff_ids): a warning.
    if (config_name->rfind("blobs/", 0) == 0) {
      return util::input_error("{}: config '{}' does not match its digest (sha256 is {})", path,
                               entry.config, config_digest);
    }
    warnings.push_back(
        fmt::format("{}: config '{}' does not match the digest in its name "
                    "(sha256 is {})",
                    path, entry.config, config_digest));
  }
  auto config = image::parse_config(*config_member->content);
  if (!config) {
    return config.error().wrap(fmt::format("{}: config '{}'", path, entry.config));
  }
  return std::pair(std::move(*config), std::move(config_digest));
}

// The read of the layer member `layer_path`; a `blobs/sha256/<hex>` member (Docker 25+) is named
// by its digest, which is verified.
util::Result<LayerRead> docker_layer(const ArchiveContents& contents, const std::string& layer_path,
                                     const std::string& diff_id, const std::string& path,
                                     const layer::ReadOptions& read) {
  auto name = normalize_member_path(layer_path);
  const ArchiveMember* member = name ? contents.find(*name) : nullptr;
  if (member == nullptr) {
    return util::input_error("{}: manifest.json names layer '{}', which is missing", path,
                             layer_path);
  }
  LayerRead r;
  std::string blob_digest = name->rfind("blobs/", 0) == 0 ? digest_in_name(*name, "") : "";
  r.info.digest = blob_digest;
  r.info.media_type = std::string(image::k_docker_layer_tar);
  r.info.size = member->size;
  r.cache_key = contents.indexed ? diff_id : std::string();
  r.read = [where = path + ":" + *name, member, &read, blob_digest, path,
            layer_path]() -> util::Result<layer::LayerAnalysis> {
    TRY_ASSIGN(auto analysis, member_layer(where, *member, read));
    if (!blob_digest.empty() && analysis.digest != blob_digest) {
      return util::input_error("{}: layer '{}' does not match its digest (sha256 is {})", path,
                               layer_path, analysis.digest);
    }
    return analysis;
  };
  return r;
}

}  // namespace

util::Result<LoadedImage> resolve_docker_archive(const std::string& path,
                                                 const ArchiveContents& contents,
                                                 const LoadOptions& options) {
  const ArchiveMember* manifest_member = contents.find("manifest.json");
  if (manifest_member == nullptr || !manifest_member->content) {
    return util::input_error("{}: manifest.json is not a JSON document", path);
  }
  auto entries = image::parse_docker_archive_manifest(*manifest_member->content);
  if (!entries) {
    return entries.error().wrap(path + ": manifest.json");
  }
  TRY_ASSIGN(const image::DockerArchiveEntry* entry, choose_entry(*entries, options.tag, path));
  LoadedImage out;
  TRY_ASSIGN(auto config_and_digest, read_config(contents, *entry, path, out.warnings));
  auto& [config, config_digest] = config_and_digest;
  out.target.kind = "docker-archive";
  out.target.name = path;
  out.target.config_digest = config_digest;
  out.target.platform = config.platform.str();
  out.target.repo_tags = entry->repo_tags;
  if (entry->layers.size() != config.diff_ids.size()) {
    return util::input_error("{}: manifest.json lists {} layers but the config has {} diff_ids",
                             path, entry->layers.size(), config.diff_ids.size());
  }
  std::vector<LayerRead> reads;
  for (std::size_t i = 0; i < entry->layers.size(); ++i) {
    TRY_ASSIGN(LayerRead r,
               docker_layer(contents, entry->layers[i], config.diff_ids[i], path, options.read));
    reads.push_back(std::move(r));
  }
  std::vector<model::LayerInfo> infos;
  std::vector<layer::LayerAnalysis> analyses;
  TRY(read_layers(std::move(reads), options, infos, analyses));
  TRY(attach_layers(config, std::move(infos), std::move(analyses), path, out));
  return out;
}

}  // namespace strata::source
