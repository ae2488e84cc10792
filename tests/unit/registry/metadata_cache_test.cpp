#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "registry/client.hpp"
#include "registry/metadata_cache.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_server.hpp"
#include "util/hash.hpp"

using namespace strata;

namespace {

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-meta") {}
};

std::string digest_of(std::string_view s) {
  return "sha256:" + util::sha256_hex(s);
}

}  // namespace

TEST_CASE("metadata cache: content-addressed files, verified on every read") {
  TempDir dir;
  registry::MetadataCache cache(dir.path);
  const std::string doc = R"({"schemaVersion":2})";
  const std::string digest = digest_of(doc);
  CHECK_FALSE(cache.get(digest, 1u << 20));
  cache.put(digest, doc);
  const std::string file = dir.path + "/sha256/" + digest.substr(7);
  REQUIRE(std::filesystem::is_regular_file(file));
  CHECK(cache.get(digest, 1u << 20) == std::optional<std::string>(doc));
  CHECK_FALSE(cache.get(digest, 3));  // larger than allowed: a miss

  std::ofstream(file) << R"({"schemaVersion":3})";
  CHECK_FALSE(cache.get(digest, 1u << 20));
  CHECK_FALSE(std::filesystem::exists(file));  // the corrupt entry is gone

  CHECK_FALSE(cache.get("md5:abc", 1u << 20));
  registry::MetadataCache off("");
  off.put(digest, doc);
  CHECK_FALSE(off.get(digest, 1u << 20));
}

TEST_CASE("metadata cache: a registry without Docker-Content-Digest on HEAD is asked with GET") {
  const std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      digest_of(config) + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
  auto server = test::TestHttpServer::start_tcp([&](const test::RecordedRequest& r) {
    if (r.target == "/v2/app/manifests/1") {
      auto resp = test::text_response(200, r.method == "HEAD" ? std::string() : manifest);
      resp.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
      return resp;
    }
    if (r.target == "/v2/app/blobs/" + digest_of(config)) {
      return test::text_response(200, config);
    }
    return test::text_response(404, "{}");
  });
  TempDir dir;
  registry::RegistryOptions o;
  o.plain_http = true;
  o.http.retries = 0;
  o.metadata_cache_dir = dir.path;
  const std::string host = "127.0.0.1:" + std::to_string(server->port());
  auto count = [&](const std::string& method, const std::string& target) {
    std::size_t n = 0;
    for (const auto& r : server->requests()) {
      n += r.method == method && r.target == target ? 1 : 0;
    }
    return n;
  };
  for (int round = 0; round < 2; ++round) {
    registry::RegistryClient client(host, "app", o);
    auto resolved = client.resolve("1", image::Platform{"linux", "amd64", ""});
    REQUIRE(resolved);
    CHECK(resolved->digest == digest_of(manifest));
    auto cfg = client.fetch_blob(resolved->manifest.config);
    REQUIRE(cfg);
    CHECK(*cfg == config);
  }
  CHECK(count("HEAD", "/v2/app/manifests/1") == 2);
  CHECK(count("GET", "/v2/app/manifests/1") == 2);  // no digest on HEAD: GET each time
  CHECK(count("GET", "/v2/app/blobs/" + digest_of(config)) == 1);  // the config is cached

  // pinned by digest: served from the cache without any request
  std::size_t before = server->request_count();
  registry::RegistryClient client(host, "app", o);
  auto pinned = client.resolve(digest_of(manifest), image::Platform{"linux", "amd64", ""});
  REQUIRE(pinned);
  CHECK(server->request_count() == before);
}
