#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "source/registry_source.hpp"
#include "support/fake_registry.hpp"

using namespace strata;

namespace {

registry::RegistryOptions plain(int parallel = 4) {
  registry::RegistryOptions o;
  o.parallel = parallel;
  o.plain_http = true;
  o.http.retries = 0;
  o.stream_buffer = 64u << 10;  // small, so the producer really waits for the reader
  return o;
}

image::Reference ref_on(const test::FakeRegistry& reg, const std::string& rest) {
  auto r = image::parse_reference(reg.host() + "/strata/alpine" + rest);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("a registry image loads like the same image from its OCI layout") {
  const std::string layout = test::k_images + "/oci-alpine";
  test::FakeRegistry reg({.layout_dir = layout});
  const int parallel = GENERATE(1, 2, 4);
  INFO("parallel " << parallel);
  for (auto [tag, platform] : {std::pair{"upgrade", "linux/amd64"}, {"multi", "linux/arm64"}}) {
    auto from_disk = source::load_image(layout, test::load_options(tag, platform));
    REQUIRE(from_disk);
    auto pulled = source::load_registry_image(ref_on(reg, std::string(":") + tag), plain(parallel),
                                              test::load_options({}, platform));
    REQUIRE(pulled);
    CHECK(pulled->target.kind == "registry");
    CHECK(pulled->target.name == reg.host() + "/strata/alpine:" + tag);
    CHECK(pulled->target.digest == from_disk->target.digest);
    CHECK(pulled->target.config_digest == from_disk->target.config_digest);
    CHECK(pulled->target.platform == from_disk->target.platform);
    REQUIRE(pulled->layers.size() == from_disk->layers.size());
    for (std::size_t i = 0; i < pulled->layers.size(); ++i) {
      CHECK(pulled->layers[i].diff_id == from_disk->layers[i].diff_id);
      CHECK(pulled->layers[i].digest == from_disk->layers[i].digest);
      CHECK(pulled->analyses[i].files.size() == from_disk->analyses[i].files.size());
      CHECK(pulled->analyses[i].digest == from_disk->analyses[i].digest);
    }
  }
}

TEST_CASE("a corrupted layer download fails with the digest mismatch") {
  test::FakeRegistry reg({.layout_dir = test::k_images + "/oci-alpine",
                          .tamper = [](const std::string& path, std::string& body) {
                            if (path.find("/blobs/") != std::string::npos && body.size() > 100000) {
                              body[body.size() / 3] ^= 0x40;
                            }
                          }});
  const int parallel = GENERATE(1, 4);
  auto pulled =
      source::load_registry_image(ref_on(reg, ":upgrade"), plain(parallel), test::load_options());
  REQUIRE_FALSE(pulled);
  CHECK_THAT(pulled.error().message, Catch::Contains("does not match its digest"));
}

TEST_CASE("a missing tag is image not found") {
  test::FakeRegistry reg({.layout_dir = test::k_images + "/oci-alpine"});
  auto pulled = source::load_registry_image(ref_on(reg, ":gone"), plain(), test::load_options());
  REQUIRE_FALSE(pulled);
  CHECK(pulled.error().message == reg.host() + "/strata/alpine:gone: image not found (HTTP 404)");
}
