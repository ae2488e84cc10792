#include <catch2/catch.hpp>

#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "image/platform.hpp"
#include "util/file.hpp"

using namespace strata;
using image::Platform;

namespace {
const std::string k_alpine = std::string(STRATA_TESTDATA_DIR) + "/images/oci-alpine/";
std::string blob(const std::string& hex) {
  auto r = util::read_file(k_alpine + "blobs/sha256/" + hex);
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

TEST_CASE("platform parsing and matching", "[image]") {
  auto p = image::parse_platform("linux/x86_64");
  REQUIRE(p.ok());
  CHECK(p->str() == "linux/amd64");
  CHECK(image::parse_platform("linux/arm64/v8")->variant == "v8");
  for (const char* bad : {"linux", "", "linux/", "/amd64", "a/b/c/d", "linux/arm/"}) {
    auto r = image::parse_platform(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::usage);
  }
  Platform arm64{"linux", "arm64", ""}, arm64v8{"linux", "arm64", "v8"};
  CHECK(image::platform_matches(arm64, {"linux", "arm64", "v8"}));
  CHECK(image::platform_matches(arm64v8, {"linux", "arm64", ""}));
  CHECK_FALSE(image::platform_matches(arm64v8, {"linux", "arm64", "v9"}));
  CHECK_FALSE(image::platform_matches({"linux", "arm", "v6"}, {"linux", "arm", "v7"}));
  CHECK(image::platform_matches({"linux", "amd64", ""}, {"linux", "x86_64", ""}));
  CHECK_FALSE(image::platform_matches({"linux", "amd64", ""}, {"windows", "amd64", ""}));
  std::vector<Platform> cands{{"linux", "amd64", ""},
                              {"linux", "arm", "v6"},
                              {"linux", "arm", "v7"},
                              {"unknown", "unknown", ""}};
  CHECK(*image::select_platform({"linux", "arm", ""}, cands) == 2);  // default variant v7
  CHECK(*image::select_platform({"linux", "arm", "v6"}, cands) == 1);
  CHECK(*image::select_platform({"linux", "amd64", ""}, cands) == 0);
  CHECK_FALSE(image::select_platform({"linux", "s390x", ""}, cands).has_value());
}

TEST_CASE("real manifest, index and config", "[image]") {
  auto m = image::parse_manifest(
      blob("d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b"));
  REQUIRE(m.ok());
  CHECK(m->layers.size() == 3);
  CHECK(m->layers[0].media_type == image::k_oci_layer_gzip);
  CHECK(m->layers[0].size == 3548149);
  auto cfg_text = blob(m->config.digest.substr(7));
  auto cfg = image::parse_config(cfg_text);
  REQUIRE(cfg.ok());
  CHECK(cfg->diff_ids.size() == 3);
  CHECK(cfg->platform.str() == "linux/amd64");
  CHECK(cfg->layer_created_by().size() == 3);
  auto idx =
      image::parse_index(blob("98e6c235244189ac11c7b2f7bbeae0598f6e91b17b593e3ef8a7bcfec098f4ea"));
  REQUIRE(idx.ok());
  REQUIRE(idx->manifests.size() == 2);
  CHECK(idx->manifests[1].platform->str() == "linux/arm64/v8");
  CHECK(image::sniff_media_type(R"({"manifests":[]})") == image::k_oci_index);
}

TEST_CASE("malformed documents are input errors", "[image]") {
  CHECK_FALSE(image::parse_manifest("{").ok());
  CHECK_FALSE(image::parse_manifest("null").ok());
  CHECK_FALSE(image::parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})").ok());
  CHECK_FALSE(
      image::parse_manifest(R"({"schemaVersion":2,"config":{"digest":"sha256:abc"},"layers":[]})")
          .ok());
  CHECK_FALSE(image::parse_index("{}").ok());
  CHECK_FALSE(image::parse_index(R"({"manifests":null})").ok());
  CHECK_FALSE(image::parse_config("{}").ok());
  CHECK_FALSE(image::parse_config(R"({"rootfs":{"diff_ids":["nope"]}})").ok());
  CHECK_FALSE(image::parse_docker_archive_manifest("null").ok());
  CHECK_FALSE(image::parse_docker_archive_manifest("[]").ok());
  CHECK_FALSE(image::parse_docker_archive_manifest(R"([{"Layers":[]}])").ok());
  auto ok = image::parse_docker_archive_manifest(
      R"([{"Config":"a.json","RepoTags":null,"Layers":["x/layer.tar"]}])");
  REQUIRE(ok.ok());
  CHECK(ok->front().repo_tags.empty());
  auto e = image::parse_manifest("{\"schemaVersion\": 2,");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().category == util::ErrorCategory::input);
  CHECK(e.error().message == "malformed JSON");
}
