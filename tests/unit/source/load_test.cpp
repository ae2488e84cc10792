#include <catch2/catch.hpp>

#include <filesystem>

#include "../layer/tar_builder.hpp"
#include "fixtures.hpp"
#include "source/image_source.hpp"
#include "util/file.hpp"

using namespace strata;
using test::k_images;
using test::load_options;

namespace {

const std::string k_l1 = "sha256:24d58df9dfe44a87e8fd5adf846fb625afe0d9be2b2cdd3ebcd2d46654da07e3";
const std::string k_l2 = "sha256:8482b70d68fdf0bef0d9f138ba47f7a3ba82ed6cc9ff38352a245af9319740fd";
const std::string k_l3 = "sha256:5eb6bd1a4cdbd70609a644322d0a4fc03a6a9e7320e4709914059e8443ddd3d0";

source::LoadedImage load_ok(const std::string& path, const source::LoadOptions& o) {
  auto r = source::load_image(path, o);
  INFO(path << ": " << (r.ok() ? std::string("ok") : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

util::Error load_fails(const std::string& path, const source::LoadOptions& o) {
  auto r = source::load_image(path, o);
  INFO(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\n') == std::string::npos);
  return r.error();
}

std::vector<std::string> diff_ids(const source::LoadedImage& img) {
  std::vector<std::string> out;
  for (const auto& l : img.layers) {
    out.push_back(l.diff_id);
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("OCI layout: single image by tag, gzip layers", "[source]") {
  auto img = load_ok(k_images + "/oci-alpine", load_options("3.18.9"));
  CHECK(img.target.kind == "oci-layout");
  CHECK(img.target.digest ==
        "sha256:67b700f2b1397ded5f18850ff748354bfe180a91c28f4216adf6f01ebbaee301");
  CHECK(img.target.platform == "linux/amd64");
  REQUIRE(img.layers.size() == 1);
  CHECK(img.layers[0].digest ==
        "sha256:4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231");
  CHECK(img.layers[0].diff_id == k_l1);
  CHECK(img.layers[0].size == 3548149);
  CHECK(img.analyses[0].files.at("/etc/alpine-release").content == "3.18.9\n");
  CHECK(img.warnings.empty());
}

TEST_CASE("OCI layout: three layers, gzip and zstd, created_by", "[source]") {
  auto gz = load_ok(k_images + "/oci-alpine", load_options("upgrade"));
  CHECK(diff_ids(gz) == std::vector<std::string>{k_l1, k_l2, k_l3});
  auto zs = load_ok(k_images + "/oci-alpine-zstd", load_options("upgrade-zstd"));
  CHECK(diff_ids(zs) == std::vector<std::string>{k_l1, k_l2, k_l3});
  CHECK(zs.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
  CHECK(zs.layers[2].digest ==
        "sha256:8b781610a10b271eca3389f87d155c4a6f3d040963d9d542cbd9d6ba5a1a0f86");
  CHECK(gz.analyses[1].whiteouts.size() == 9);
  CHECK(zs.analyses[2].opaque_dirs == std::vector<std::string>{"/etc/profile.d"});
}

TEST_CASE("OCI index: platform selection", "[source]") {
  auto amd = load_ok(k_images + "/oci-alpine", load_options("multi", "linux/amd64"));
  CHECK(diff_ids(amd) == std::vector<std::string>{k_l1, k_l2, k_l3});
  CHECK(amd.target.platform == "linux/amd64");
  CHECK(amd.target.digest ==
        "sha256:d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b");
  for (const char* p : {"linux/arm64", "linux/arm64/v8", "linux/aarch64"}) {
    auto arm = load_ok(k_images + "/oci-alpine", load_options("multi", p));
    REQUIRE(arm.layers.size() == 1);
    CHECK(arm.layers[0].digest ==
          "sha256:036e49cc64a3d5f73ca8c98a09d42783388ddf0df59f4b14ad684488d8bfc052");
    CHECK(arm.target.platform == "linux/arm64");
    CHECK(contains(arm.analyses[0].files.at("/etc/alpine-release").content, "3.20.3"));
  }
  auto err = load_fails(k_images + "/oci-alpine", load_options("multi", "linux/s390x"));
  CHECK(contains(err.message, "linux/s390x"));
  CHECK(contains(err.message, "linux/amd64, linux/arm64/v8"));
  CHECK(
      load_fails(k_images + "/oci-alpine", load_options("multi", "linux/arm64/v7")).message.size() >
      0);
  auto bad = source::load_image(k_images + "/oci-alpine", load_options("multi", "linux"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().category == util::ErrorCategory::usage);
}

TEST_CASE("OCI layout: tag required when several images, listed on error", "[source]") {
  auto err = load_fails(k_images + "/oci-alpine", load_options());
  for (const char* t : {"3.18.9", "upgrade", "3.20.3-arm64", "multi", "insert-truncated"}) {
    CHECK(contains(err.message, t));
  }
  auto missing = load_fails(k_images + "/oci-alpine", load_options("nope"));
  CHECK(contains(missing.message, "nope"));
  CHECK(contains(missing.message, "upgrade"));
}

TEST_CASE("insert-truncated layer is accepted with a warning", "[source]") {
  auto img = load_ok(k_images + "/oci-alpine", load_options("insert-truncated"));
  REQUIRE(img.layers.size() == 2);
  REQUIRE(img.warnings.size() == 1);
  CHECK(contains(img.warnings[0], "footer"));
  CHECK(img.analyses[1].files.count("/opt/inserted.txt") == 1);
}

TEST_CASE("Debian dpkg-metadata image", "[source]") {
  auto one = load_ok(k_images + "/oci-debian-dpkgmeta", load_options("bookworm"));
  REQUIRE(one.layers.size() == 1);
  CHECK(one.layers[0].digest ==
        "sha256:491a046a91d8d8595e3813ca1a6df68dba67fcabf3318c420d721e58cbf4ddd8");
  CHECK(contains(one.analyses[0].files.at("/var/lib/dpkg/status").content, "Package: dpkg\n"));
  CHECK(one.analyses[0].symlinks.at("/etc/os-release") == "../usr/lib/os-release");
  auto two = load_ok(k_images + "/oci-debian-dpkgmeta", load_options("bookworm-hello"));
  REQUIRE(two.layers.size() == 2);
  CHECK(two.layers[1].digest ==
        "sha256:c8b36426cb133e14e0b4f7bf0c6106fd58c0ae25779abd5259767330616b822c");
  CHECK(contains(two.analyses[1].files.at("/var/lib/dpkg/status").content, "Package: hello\n"));
}

TEST_CASE("docker-save archives: skopeo symlinks (gzip), legacy, Docker 25, bundles", "[source]") {
  auto sk = load_ok(k_images + "/docker-archive/alpine-upgrade.docker.tar.gz", load_options());
  CHECK(sk.target.kind == "docker-archive");
  CHECK(sk.target.repo_tags == std::vector<std::string>{"docker.io/strata/alpine:upgrade"});
  CHECK(sk.target.config_digest ==
        "sha256:accfb2c478dd28c7a8a2a70ebace11f7c836ec3c02c4da26b77dbee67f4237c2");
  CHECK(diff_ids(sk) == std::vector<std::string>{k_l1, k_l2, k_l3});
  CHECK(sk.layers[0].size == 7649280);
  for (const char* tag : {"docker.io/strata/alpine:upgrade", "strata/alpine:upgrade", "upgrade"}) {
    CHECK(source::load_image(k_images + "/docker-archive/alpine-upgrade.docker.tar.gz",
                             load_options(tag))
              .ok());
  }

  auto t311 = load_ok(k_images + "/docker-save/trivy-alpine-311/alpine-311.tar.gz", load_options());
  REQUIRE(t311.layers.size() == 1);
  CHECK(t311.target.config_digest ==
        "sha256:a187dde48cd289ac374ad8539930628314bc581a481cdb41409c9289419ddb72");
  CHECK(contains(t311.analyses[0].files.at("/etc/alpine-release").content, "3.11"));
  CHECK(t311.layers[0].digest.empty());
  CHECK(!t311.layers[0].created_by.empty());

  const std::string ggcr = k_images + "/docker-save/ggcr-tarballs/";
  auto v25 = load_ok(ggcr + "hello-world-v25.tar", load_options());
  REQUIRE(v25.layers.size() == 1);
  CHECK(v25.layers[0].digest ==
        "sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43");
  CHECK(v25.analyses[0].files.count("/hello") == 1);

  auto err = load_fails(ggcr + "test_bundle.tar", load_options());
  CHECK(contains(err.message, "test_image_1"));
  CHECK(contains(err.message, "test_image_2"));
  auto b1 = load_ok(ggcr + "test_bundle.tar", load_options("test_image_1"));
  auto b2 = load_ok(ggcr + "test_bundle.tar", load_options("test_image_2"));
  CHECK(b1.target.config_digest != b2.target.config_digest);
  CHECK(b1.layers[0].diff_id != b2.layers[0].diff_id);
  CHECK(contains(load_fails(ggcr + "test_bundle.tar", load_options("test_image_9")).message,
                 "test_image_9"));

  auto link = load_ok(ggcr + "test_link.tar", load_options("bazel/v1/tarball:test_image_3"));
  CHECK(link.layers.size() == 2);
  // Its config was edited by hand after it was named: accepted with a warning (legacy name only);
  // the empty_layer history entry is skipped when assigning created_by.
  auto hist = load_ok(ggcr + "mutate-source_image_with_empty_layer_history.tar", load_options());
  REQUIRE(hist.layers.size() == 1);
  CHECK(hist.layers[0].created_by == "bazel build ...");
  REQUIRE(hist.warnings.size() == 1);
  CHECK(contains(hist.warnings[0], "does not match"));
  for (const char* f : {"test_image_1.tar", "test_image_2.tar", "test_load_manifest.tar",
                        "mutate-source_image.tar", "mutate-overwritten_file.tar"}) {
    load_ok(ggcr + f, load_options());
  }
}

TEST_CASE("bad input from real fixtures is an input error naming the file", "[source]") {
  const std::string ggcr = k_images + "/docker-save/ggcr-tarballs/";
  auto no_manifest = load_fails(ggcr + "no_manifest.tar", load_options());
  CHECK(contains(no_manifest.message, "no_manifest.tar"));
  auto null_manifest = load_fails(ggcr + "null_manifest.tar", load_options());
  CHECK(contains(null_manifest.message, "null_manifest.tar"));
  auto empty =
      load_fails(k_images + "/docker-save/scalibr-layerscanning/empty.tar", load_options());
  CHECK(contains(empty.message, "empty"));
  const std::string oci = k_images + "/oci-layout/";
  auto bad_index = load_fails(oci + "trivy-test_bad_index_json.oci", load_options());
  CHECK(contains(bad_index.message, "index.json"));
  CHECK(contains(bad_index.message, "malformed JSON"));
  CHECK(contains(load_fails(oci + "trivy-test_no_valid_manifests.oci", load_options()).message,
                 "trivy-test_no_valid_manifests.oci"));
  CHECK(contains(load_fails(oci + "trivy-test_invalid_oci_image.oci", load_options()).message,
                 "missing blob"));
  for (auto& e : {no_manifest, null_manifest, empty, bad_index}) {
    CHECK(e.category == util::ErrorCategory::input);
  }
  // A directory that is not a layout, and a path that does not exist.
  CHECK(contains(load_fails(k_images + "/expected", load_options()).message, "not an OCI"));
  CHECK(contains(load_fails(k_images + "/nope", load_options()).message, "nope"));
}

TEST_CASE("small OCI layouts from trivy and ggcr", "[source]") {
  const std::string oci = k_images + "/oci-layout/";
  auto t = load_ok(oci + "trivy-test.oci", load_options());
  CHECK(t.layers.size() == 1);
  auto tagged = load_ok(oci + "trivy-test_image_tag.oci", load_options("0.0.1"));
  CHECK(tagged.target.digest == t.target.digest);
  load_ok(oci + "ggcr-test_index_one_image", load_options());
  // Its config is "{}": no rootfs.
  CHECK(contains(load_fails(oci + "ggcr-test_index_media_type", load_options()).message,
                 "no rootfs"));
  load_ok(oci + "ggcr-test_index", load_options("1"));
}

TEST_CASE("crafted layouts: digest mismatch, count mismatch, malformed JSON, escapes", "[source]") {
  test_support::TempDir tmp("strata-src");
  auto opts = load_options();
  std::string good_tar = test::TarBuilder().dir("etc/").file("etc/os-release", "ID=x\n").finish();

  std::string ok_dir = tmp.path + "/ok";
  test::write_layout(ok_dir, {{good_tar}, 0, {}});
  auto ok = load_ok(ok_dir, opts);
  CHECK(ok.analyses[0].files.at("/etc/os-release").content == "ID=x\n");

  SECTION("a blob whose content does not match its digest") {
    std::string hex = util::sha256_hex(good_tar);
    for (std::size_t offset : {std::size_t{1024 + 2}, std::size_t{600}}) {  // data, header
      std::string tampered = good_tar;
      tampered[offset] = 'X';
      REQUIRE(util::write_file_atomic(ok_dir + "/blobs/sha256/" + hex, tampered).ok());
      auto e = load_fails(ok_dir, opts);
      INFO(e.message);
      CHECK(contains(e.message, "does not match"));
    }
  }
  SECTION("a manifest naming a missing blob") {
    std::filesystem::remove(ok_dir + "/blobs/sha256/" + util::sha256_hex(good_tar));
    CHECK(contains(load_fails(ok_dir, opts).message, "missing layer blob"));
  }
  SECTION("a layer count that disagrees with diff_ids") {
    std::string dir = tmp.path + "/count";
    test::write_layout(dir, {{good_tar}, 1, {}});
    CHECK(contains(load_fails(dir, opts).message, "diff_ids"));
  }
  SECTION("malformed manifest JSON") {
    std::string dir = tmp.path + "/malformed";
    test::write_layout(dir, {{good_tar}, 0, "{\"schemaVersion\": 2, \"config\": "});
    auto e = load_fails(dir, opts);
    CHECK(contains(e.message, "malformed JSON"));
    CHECK(contains(e.message, dir));
  }
  SECTION("a layer with ../ paths") {
    std::string dir = tmp.path + "/escape";
    test::write_layout(dir, {{test::TarBuilder().file("../../etc/shadow", "x").finish()}, 0, {}});
    CHECK(contains(load_fails(dir, opts).message, "escapes"));
  }
  SECTION("truncated and empty archive files") {
    auto gz = util::read_file(k_images + "/docker-archive/alpine-upgrade.docker.tar.gz");
    REQUIRE(gz.ok());
    for (std::size_t cut : {std::size_t{0}, std::size_t{100}, gz->size() / 2, gz->size() - 10}) {
      std::string f = tmp.path + "/cut.tar.gz";
      REQUIRE(util::write_file_atomic(f, gz->substr(0, cut)).ok());
      auto e = load_fails(f, opts);
      CHECK(contains(e.message, "cut.tar.gz"));
    }
    std::string junk = tmp.path + "/junk";
    REQUIRE(util::write_file_atomic(junk, std::string(4096, 'j')).ok());
    CHECK(contains(load_fails(junk, opts).message, "not an image archive"));
  }
}
