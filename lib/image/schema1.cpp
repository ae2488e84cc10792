#include "image/schema1.hpp"

#include <nlohmann/json.hpp>

#include "util/base64.hpp"
#include "util/hash.hpp"

namespace strata::image {

namespace {

using nlohmann::json;

std::optional<std::string> decode_base64url(std::string_view text) {
  std::string std_alphabet(text);
  for (char& c : std_alphabet) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    }
  }
  return util::base64_decode(std_alphabet);
}

std::string string_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<Descriptor> Schema1Manifest::applied_layers() const {
  std::vector<Descriptor> out;
  for (const auto& l : layers) {
    if (!l.throwaway) {
      Descriptor d;
      d.digest = l.digest;
      out.push_back(std::move(d));
    }
  }
  return out;
}

ImageConfig Schema1Manifest::synthesized_config() const {
  ImageConfig c;
  c.platform = platform;
  for (const auto& l : layers) {
    c.history.push_back({l.created_by, l.throwaway});
  }
  return c;
}

util::Result<std::string> schema1_payload(std::string_view document) {
  json doc = json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::input_error("schema 1 manifest: malformed JSON");
  }
  auto sigs = doc.find("signatures");
  if (sigs == doc.end()) {
    return std::string(document);
  }
  if (!sigs->is_array() || sigs->empty()) {
    return util::input_error("schema 1 manifest: \"signatures\" is not a non-empty array");
  }
  std::optional<std::string> payload;
  for (const auto& sig : *sigs) {
    std::string encoded = sig.is_object() ? string_member(sig, "protected") : std::string();
    auto header_text = decode_base64url(encoded);
    json header = header_text ? json::parse(*header_text, nullptr, false) : json();
    if (!header.is_object()) {
      return util::input_error("schema 1 manifest: a signature's protected header is malformed");
    }
    auto length = header.find("formatLength");
    auto tail = decode_base64url(string_member(header, "formatTail"));
    if (length == header.end() || !length->is_number_unsigned() || !tail ||
        length->get<std::uint64_t>() > document.size()) {
      return util::input_error(
          "schema 1 manifest: a signature's protected header has no valid formatLength / "
          "formatTail");
    }
    std::string p = std::string(document.substr(0, length->get<std::size_t>())) + *tail;
    if (payload && *payload != p) {
      return util::input_error("schema 1 manifest: its signatures cover different payloads");
    }
    payload = std::move(p);
  }
  return std::move(*payload);
}

util::Result<Schema1Manifest> parse_schema1_manifest(std::string_view payload) {
  json doc = json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::input_error("schema 1 manifest: malformed JSON");
  }
  auto sv = doc.find("schemaVersion");
  if (sv == doc.end() || !sv->is_number_integer() || sv->get<int>() != 1) {
    return util::input_error("schema 1 manifest: schemaVersion is not 1");
  }
  auto fs = doc.find("fsLayers");
  auto history = doc.find("history");
  if (fs == doc.end() || !fs->is_array() || history == doc.end() || !history->is_array()) {
    return util::input_error("schema 1 manifest: no fsLayers or history array");
  }
  if (fs->size() != history->size()) {
    return util::input_error("schema 1 manifest: {} fsLayers but {} history entries", fs->size(),
                             history->size());
  }
  if (fs->empty()) {
    return util::input_error("schema 1 manifest: no layers");
  }
  if (fs->size() > k_max_layers) {
    return util::input_error("schema 1 manifest: {} fsLayers, more than the limit of {} layers",
                             fs->size(), k_max_layers);
  }
  Schema1Manifest m;
  m.name = string_member(doc, "name");
  m.tag = string_member(doc, "tag");
  m.platform.architecture = string_member(doc, "architecture");
  for (std::size_t i = fs->size(); i-- > 0;) {
    const json& f = (*fs)[i];
    const json& h = (*history)[i];
    Schema1Layer layer;
    layer.digest = f.is_object() ? string_member(f, "blobSum") : std::string();
    if (!util::parse_digest(layer.digest)) {
      return util::input_error("schema 1 manifest: fsLayers[{}] has an invalid blobSum '{}'", i,
                               layer.digest);
    }
    json compat =
        h.is_object() ? json::parse(string_member(h, "v1Compatibility"), nullptr, false) : json();
    if (!compat.is_object()) {
      return util::input_error(
          "schema 1 manifest: history[{}].v1Compatibility is not a JSON object", i);
    }
    if (auto t = compat.find("throwaway"); t != compat.end() && t->is_boolean()) {
      layer.throwaway = t->get<bool>();
    }
    if (auto cc = compat.find("container_config"); cc != compat.end() && cc->is_object()) {
      if (auto cmd = cc->find("Cmd"); cmd != cc->end() && cmd->is_array()) {
        for (const auto& part : *cmd) {
          if (part.is_string()) {
            layer.created_by += (layer.created_by.empty() ? "" : " ") + part.get<std::string>();
          }
        }
      }
    }
    if (i == 0) {
      if (std::string arch = string_member(compat, "architecture"); !arch.empty()) {
        m.platform.architecture = arch;
      }
      m.platform.os = string_member(compat, "os");
      m.platform.variant = string_member(compat, "variant");
    }
    m.layers.push_back(std::move(layer));
  }
  if (m.platform.os.empty()) {
    m.platform.os = "linux";  // schema 1 predates other operating systems
  }
  return m;
}

}  // namespace strata::image
