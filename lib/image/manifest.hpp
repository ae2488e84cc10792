#pragma once
// Parsers for the JSON documents that describe an image: OCI / Docker v2 schema 2 manifests,
// OCI indexes / Docker manifest lists, image configs, and `docker save`'s manifest.json.
// Pure functions over text: no I/O, no digest verification (the caller holds the bytes and
// verifies them against their descriptors). Every failure is an input error saying what is wrong;
// callers prefix the file name with Error::wrap.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "image/platform.hpp"
#include "util/result.hpp"

namespace strata::image {

inline constexpr std::string_view k_ref_name_annotation = "org.opencontainers.image.ref.name";

// The most layers an image may have: a manifest (or schema 1 manifest, or docker-save entry) or
// config listing more is an input error. Docker builds at most 127; containerd sets no limit.
inline constexpr std::size_t k_max_layers = 1000;

struct Descriptor {
  std::string media_type;
  std::string digest;      // "sha256:<hex>", validated by util::parse_digest
  std::int64_t size = -1;  // -1 when absent (docker-save has none)
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type;  // from the document (may be empty in old OCI manifests)
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
};

struct HistoryEntry {
  std::string created_by;
  bool empty_layer = false;
};

struct ImageConfig {
  Platform platform;  // os / architecture / variant
  std::vector<std::string> diff_ids;
  std::vector<HistoryEntry> history;
  std::string created;  // RFC 3339, "" when absent
  std::string author;
  std::vector<std::string> env;                             // config.Env
  std::vector<std::pair<std::string, std::string>> labels;  // config.Labels, sorted by name
  std::string user;                                         // config.User
  bool healthcheck = false;  // config.Healthcheck.Test set and not ["NONE"]

  // created_by of each non-empty history entry, in order (one per layer when consistent).
  std::vector<std::string> layer_created_by() const;
};

// One entry of docker-save's manifest.json.
struct DockerArchiveEntry {
  std::string config;  // member path of the config ("<hex>.json" or "blobs/sha256/<hex>")
  std::vector<std::string> repo_tags;
  std::vector<std::string> layers;  // member paths, bottom-up
};

// Parses a manifest (schemaVersion 2, OCI or Docker). Rejects Docker schema 1 and documents
// without config/layers.
util::Result<Manifest> parse_manifest(std::string_view json);
// Parses an index / manifest list (must have a "manifests" array).
util::Result<Index> parse_index(std::string_view json);
util::Result<ImageConfig> parse_config(std::string_view json);
// Whether a config's (or an engine's Config's) Healthcheck object sets a test: a non-empty Test
// whose first word is not "NONE" (which disables an inherited one).
bool healthcheck_set(const nlohmann::json& healthcheck);
util::Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view json);

// The entry of `index` for `wanted` (rule in platform.hpp). An input error "<where>: no image
// for platform P; available: ..." listing the platforms on offer when none matches.
util::Result<Descriptor> select_manifest(const Index& index, const Platform& wanted,
                                         std::string_view where);

// What a JSON document is, from its mediaType field or, when absent, its shape
// ("manifests" -> index, "layers"/"config" -> manifest, schemaVersion 1 -> Docker schema 1,
// signed when it has "signatures"). Empty when it is neither.
std::string sniff_media_type(std::string_view json);

}  // namespace strata::image
