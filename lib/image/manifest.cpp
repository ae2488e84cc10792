#include "image/manifest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "image/media_types.hpp"
#include "util/hash.hpp"

namespace strata::image {

namespace {

using nlohmann::json;

util::Result<json> parse_json(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return util::input_error("malformed JSON");
  }
  if (!doc.is_object() && !doc.is_array()) {
    return util::input_error("malformed JSON: expected an object or array");
  }
  return doc;
}

// A JSON value for an error message, bounded: a scalar as written (at most 80 characters),
// anything else by its type (dump() of a container would recurse through every level of a
// hostile document and print all of it).
std::string describe(const json& v) {
  if (v.is_structured()) {
    return std::string("a JSON ") + v.type_name();
  }
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) {
    text.resize(77);
    text += "...";
  }
  return text;
}

std::string string_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_string()) {
    return it->get<std::string>();
  }
  return {};
}

util::Result<Descriptor> parse_descriptor(const json& d, std::string_view what) {
  if (!d.is_object()) {
    return util::input_error("{}: descriptor is not an object", what);
  }
  Descriptor out;
  out.media_type = string_field(d, "mediaType");
  out.digest = string_field(d, "digest");
  auto digest = util::parse_digest(out.digest);
  if (!digest) {
    return util::input_error("{}: invalid digest '{}'", what, out.digest);
  }
  if (auto it = d.find("size"); it != d.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return util::input_error("{}: invalid size", what);
    }
    out.size = it->get<std::int64_t>();
  }
  if (auto it = d.find("platform"); it != d.end() && it->is_object()) {
    Platform p;
    p.os = string_field(*it, "os");
    p.architecture = string_field(*it, "architecture");
    p.variant = string_field(*it, "variant");
    out.platform = p;
  }
  if (auto it = d.find("annotations"); it != d.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) {
        out.annotations[k] = v.get<std::string>();
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> ImageConfig::layer_created_by() const {
  std::vector<std::string> out;
  for (const auto& h : history) {
    if (!h.empty_layer) {
      out.push_back(h.created_by);
    }
  }
  return out;
}

util::Result<Manifest> parse_manifest(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  if (!doc.is_object()) {
    return util::input_error("manifest is not a JSON object");
  }
  auto sv = doc.find("schemaVersion");
  if (sv == doc.end() || !sv->is_number_integer() || sv->get<int>() != 2) {
    return util::input_error("unsupported manifest schemaVersion (only 2 is supported)");
  }
  Manifest m;
  m.media_type = string_field(doc, "mediaType");
  if (!m.media_type.empty() && !is_manifest_media_type(m.media_type)) {
    return util::input_error("not an image manifest (mediaType '{}')", m.media_type);
  }
  auto cfg = doc.find("config");
  auto layers = doc.find("layers");
  if (cfg == doc.end() || layers == doc.end() || !layers->is_array()) {
    return util::input_error("manifest has no config or layers");
  }
  TRY_ASSIGN(m.config, parse_descriptor(*cfg, "manifest config"));
  if (layers->size() > k_max_layers) {
    return util::input_error("manifest lists {} layers, more than the limit of {}", layers->size(),
                             k_max_layers);
  }
  for (const auto& l : *layers) {
    TRY_ASSIGN(auto d, parse_descriptor(l, "manifest layer"));
    m.layers.push_back(std::move(d));
  }
  return m;
}

util::Result<Index> parse_index(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  if (!doc.is_object()) {
    return util::input_error("index is not a JSON object");
  }
  auto manifests = doc.find("manifests");
  if (manifests == doc.end() || !manifests->is_array()) {
    return util::input_error("index has no \"manifests\" array");
  }
  Index idx;
  idx.media_type = string_field(doc, "mediaType");
  for (const auto& m : *manifests) {
    TRY_ASSIGN(auto d, parse_descriptor(m, "index entry"));
    idx.manifests.push_back(std::move(d));
  }
  return idx;
}

bool healthcheck_set(const json& healthcheck) {
  if (!healthcheck.is_object()) {
    return false;
  }
  auto test = healthcheck.find("Test");
  if (test == healthcheck.end() || !test->is_array() || test->empty() || !(*test)[0].is_string()) {
    return false;
  }
  return (*test)[0].get<std::string>() != "NONE";
}

util::Result<ImageConfig> parse_config(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  if (!doc.is_object()) {
    return util::input_error("image config is not a JSON object");
  }
  ImageConfig c;
  c.platform.os = string_field(doc, "os");
  c.platform.architecture = string_field(doc, "architecture");
  c.platform.variant = string_field(doc, "variant");
  c.created = string_field(doc, "created");
  c.author = string_field(doc, "author");
  if (auto cfg = doc.find("config"); cfg != doc.end() && cfg->is_object()) {
    if (auto env = cfg->find("Env"); env != cfg->end() && env->is_array()) {
      for (const auto& e : *env) {
        if (e.is_string()) {
          c.env.push_back(e.get<std::string>());
        }
      }
    }
    if (auto labels = cfg->find("Labels"); labels != cfg->end() && labels->is_object()) {
      for (const auto& [k, v] : labels->items()) {
        if (v.is_string()) {
          c.labels.emplace_back(k, v.get<std::string>());
        }
      }
      std::sort(c.labels.begin(), c.labels.end());
    }
    c.user = string_field(*cfg, "User");
    if (auto hc = cfg->find("Healthcheck"); hc != cfg->end()) {
      c.healthcheck = healthcheck_set(*hc);
    }
  }
  auto rootfs = doc.find("rootfs");
  if (rootfs == doc.end() || !rootfs->is_object()) {
    return util::input_error("image config has no rootfs");
  }
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end() || !ids->is_array()) {
    return util::input_error("image config has no rootfs.diff_ids");
  }
  if (ids->size() > k_max_layers) {
    return util::input_error("image config lists {} diff_ids, more than the limit of {} layers",
                             ids->size(), k_max_layers);
  }
  for (const auto& id : *ids) {
    if (!id.is_string() || !util::parse_digest(id.get<std::string>())) {
      return util::input_error("image config: invalid diff_id {}", describe(id));
    }
    c.diff_ids.push_back(id.get<std::string>());
  }
  if (auto h = doc.find("history"); h != doc.end() && h->is_array()) {
    for (const auto& e : *h) {
      if (!e.is_object()) {
        continue;
      }
      HistoryEntry he;
      he.created_by = string_field(e, "created_by");
      if (auto el = e.find("empty_layer"); el != e.end() && el->is_boolean()) {
        he.empty_layer = el->get<bool>();
      }
      c.history.push_back(std::move(he));
    }
  }
  return c;
}

util::Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  if (!doc.is_array()) {
    return util::input_error("manifest.json is not a JSON array");
  }
  if (doc.empty()) {
    return util::input_error("manifest.json lists no image");
  }
  std::vector<DockerArchiveEntry> out;
  for (const auto& e : doc) {
    if (!e.is_object()) {
      return util::input_error("manifest.json: entry is not an object");
    }
    DockerArchiveEntry entry;
    entry.config = string_field(e, "Config");
    if (entry.config.empty()) {
      return util::input_error("manifest.json: entry without Config");
    }
    auto layers = e.find("Layers");
    if (layers == e.end() || !layers->is_array()) {
      return util::input_error("manifest.json: entry without Layers");
    }
    if (layers->size() > k_max_layers) {
      return util::input_error("manifest.json: entry lists {} layers, more than the limit of {}",
                               layers->size(), k_max_layers);
    }
    for (const auto& l : *layers) {
      if (!l.is_string() || l.get<std::string>().empty()) {
        return util::input_error("manifest.json: invalid layer path {}", describe(l));
      }
      entry.layers.push_back(l.get<std::string>());
    }
    if (auto tags = e.find("RepoTags"); tags != e.end() && tags->is_array()) {
      for (const auto& t : *tags) {
        if (t.is_string()) {
          entry.repo_tags.push_back(t.get<std::string>());
        }
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string sniff_media_type(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return {};
  }
  std::string mt = string_field(doc, "mediaType");
  if (!mt.empty()) {
    return mt;
  }
  if (auto sv = doc.find("schemaVersion"); sv != doc.end() && *sv == 1) {
    return std::string(doc.contains("signatures") ? k_docker_manifest_v1_signed
                                                  : k_docker_manifest_v1);
  }
  if (doc.contains("manifests")) {
    return std::string(k_oci_index);
  }
  if (doc.contains("layers") || doc.contains("config")) {
    return std::string(k_oci_manifest);
  }
  return {};
}

util::Result<Descriptor> select_manifest(const Index& index, const Platform& wanted,
                                         std::string_view where) {
  std::vector<Platform> platforms;
  std::string available;
  for (const auto& d : index.manifests) {
    platforms.push_back(d.platform.value_or(Platform{}));
    if (d.platform && !d.platform->empty() && d.platform->os != "unknown") {
      available += (available.empty() ? "" : ", ") + d.platform->str();
    }
  }
  auto pick = select_platform(wanted, platforms);
  if (!pick) {
    return util::input_error("{}: no image for platform {}; available: {}", where, wanted.str(),
                             available.empty() ? "none" : available);
  }
  return index.manifests[*pick];
}

}  // namespace strata::image
