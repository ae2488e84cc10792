#pragma once
// Test helpers for the source tests: fixture paths, a scratch directory, and a crafted OCI
// layout writer (blobs named by their real sha256, so tests can tamper with one thing at a time).

#include <string>
#include <vector>

#include "source/image_source.hpp"
#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"

namespace strata::test {

inline const std::string k_images = std::string(STRATA_TESTDATA_DIR) + "/images";

inline layer::ReadOptions keep_all() {
  layer::ReadOptions o;
  o.wants = [](std::string_view) { return true; };
  return o;
}

inline source::LoadOptions load_options(std::string tag = {},
                                        std::string platform = "linux/amd64") {
  source::LoadOptions o;
  o.tag = std::move(tag);
  o.platform = std::move(platform);
  o.read = keep_all();
  return o;
}

inline std::string write_blob(const std::string& layout, const std::string& content) {
  std::string hex = util::sha256_hex(content);
  (void)util::make_dirs(layout + "/blobs/sha256");
  (void)util::write_file_atomic(layout + "/blobs/sha256/" + hex, content);
  return "sha256:" + hex;
}

struct CraftedLayout {
  std::vector<std::string> layers;  // uncompressed tar streams
  int extra_diff_ids = 0;           // diff_ids added to the config (count mismatch)
  std::string manifest_override;    // when set, written instead of the real manifest
};

// Writes an OCI layout for `spec` into `dir`; returns the manifest digest.
inline std::string write_layout(const std::string& dir, const CraftedLayout& spec) {
  std::string diff_ids, layer_descs;
  for (const auto& l : spec.layers) {
    std::string d = write_blob(dir, l);
    diff_ids += (diff_ids.empty() ? "\"" : ",\"") + d + "\"";
    layer_descs += std::string(layer_descs.empty() ? "" : ",") +
                   "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + d +
                   "\",\"size\":" + std::to_string(l.size()) + "}";
  }
  for (int i = 0; i < spec.extra_diff_ids; ++i) {
    diff_ids += std::string(diff_ids.empty() ? "\"" : ",\"") +
                "sha256:" + util::sha256_hex(std::to_string(i)) + "\"";
  }
  std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
      "\"layers\",\"diff_ids\":[" +
      diff_ids + "]}}";
  std::string config_digest = write_blob(dir, config);
  std::string manifest =
      spec.manifest_override.empty()
          ? "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
            "\"" +
                config_digest + "\",\"size\":" + std::to_string(config.size()) + "},\"layers\":[" +
                layer_descs + "]}"
          : spec.manifest_override;
  std::string manifest_digest = write_blob(dir, manifest);
  (void)util::write_file_atomic(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  (void)util::write_file_atomic(
      dir + "/index.json",
      "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest."
      "v1+json\",\"digest\":\"" +
          manifest_digest + "\",\"size\":" + std::to_string(manifest.size()) + "}]}");
  return manifest_digest;
}

}  // namespace strata::test
