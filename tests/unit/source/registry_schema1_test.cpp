// Docker schema 1 manifests (unsigned, application/vnd.docker.distribution.manifest.v1+json)
// from a small registry over TestHttpServer that serves the layers of the oci-alpine "upgrade"
// image. The signed form from the real registry is covered by tests/golden/registry_schema1.sh.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "source/registry_source.hpp"
#include "support/test_http_server.hpp"
#include "util/hash.hpp"

using namespace strata;
using nlohmann::json;

namespace {

const std::string k_layout = test::k_images + "/oci-alpine";
const std::string k_empty =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

std::string read_blob(const std::string& digest) {
  std::ifstream in(k_layout + "/blobs/sha256/" + digest.substr(7), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The oci-alpine "upgrade" image turned into a schema 1 payload: fsLayers top-first, one history
// entry each (container_config.Cmd = the config's created_by), and a throwaway empty layer on
// top holding the platform, as registries write it.
json upgrade_as_schema1() {
  std::string manifest_digest;
  const json index = json::parse(std::ifstream(k_layout + "/index.json"));
  for (const auto& m : index["manifests"]) {
    if (m["annotations"]["org.opencontainers.image.ref.name"] == "upgrade") {
      manifest_digest = m["digest"];
    }
  }
  auto manifest = json::parse(read_blob(manifest_digest));
  auto config = json::parse(read_blob(manifest["config"]["digest"]));
  std::vector<std::string> created_by;
  for (const auto& h : config["history"]) {
    if (!h.value("empty_layer", false)) {
      created_by.push_back(h.value("created_by", ""));
    }
  }
  json doc = {{"schemaVersion", 1},      {"name", "strata/old"},      {"tag", "v1"},
              {"architecture", "amd64"}, {"fsLayers", json::array()}, {"history", json::array()}};
  doc["fsLayers"].push_back({{"blobSum", k_empty}});
  doc["history"].push_back(
      {{"v1Compatibility",
        json({{"id", "top"}, {"architecture", "amd64"}, {"os", "linux"}, {"throwaway", true}})
            .dump()}});
  const auto& layers = manifest["layers"];
  for (std::size_t i = layers.size(); i-- > 0;) {
    doc["fsLayers"].push_back({{"blobSum", layers[i]["digest"]}});
    doc["history"].push_back(
        {{"v1Compatibility",
          json({{"id", std::to_string(i)}, {"container_config", {{"Cmd", {created_by.at(i)}}}}})
              .dump()}});
  }
  return doc;
}

// Serves `manifest` as strata/old:v1 and the oci-alpine blobs; the empty layer is not there, so
// a request for it fails the scan.
class Schema1Registry {
 public:
  explicit Schema1Registry(std::string manifest) : m_manifest(std::move(manifest)) {
    m_server = test::TestHttpServer::start_tcp([this](const test::RecordedRequest& r) {
      const std::string prefix = "/v2/strata/old/";
      if (r.target == prefix + "manifests/v1") {
        test::ScriptedResponse resp = test::text_response(200, m_manifest);
        resp.headers = {{"Content-Type", "application/vnd.docker.distribution.manifest.v1+json"},
                        {"Docker-Content-Digest", "sha256:" + util::sha256_hex(m_manifest)}};
        return resp;
      }
      if (r.target.rfind(prefix + "blobs/sha256:", 0) == 0) {
        std::string digest = r.target.substr(prefix.size() + 6);
        if (digest != k_empty) {
          return test::text_response(200, read_blob(digest));
        }
      }
      return test::text_response(404, R"({"errors":[{"code":"NOT_FOUND"}]})");
    });
  }

  util::Result<source::LoadedImage> load() const {
    auto ref = image::parse_reference(host() + "/strata/old:v1");
    REQUIRE(ref);
    registry::RegistryOptions o;
    o.plain_http = true;
    o.http.retries = 0;
    return source::load_registry_image(*ref, o, test::load_options());
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_server->port()); }

 private:
  std::string m_manifest;
  std::unique_ptr<test::TestHttpServer> m_server;
};

}  // namespace

TEST_CASE("a schema 1 image loads like the same image from its OCI layout") {
  std::string manifest = upgrade_as_schema1().dump(3);
  Schema1Registry reg(manifest);
  auto pulled = reg.load();
  REQUIRE(pulled);
  auto from_disk = source::load_image(k_layout, test::load_options("upgrade"));
  REQUIRE(from_disk);
  CHECK(pulled->target.digest == "sha256:" + util::sha256_hex(manifest));
  CHECK(pulled->target.config_digest.empty());
  CHECK(pulled->target.platform == "linux/amd64");
  REQUIRE(pulled->layers.size() == from_disk->layers.size());
  for (std::size_t i = 0; i < pulled->layers.size(); ++i) {
    CHECK(pulled->layers[i].digest == from_disk->layers[i].digest);
    CHECK(pulled->layers[i].diff_id == from_disk->layers[i].diff_id);
    CHECK(pulled->layers[i].created_by == from_disk->layers[i].created_by);
    CHECK(pulled->analyses[i].files.size() == from_disk->analyses[i].files.size());
  }
}

TEST_CASE("malformed schema 1 manifests are one-line errors naming the image") {
  json doc = upgrade_as_schema1();
  json mismatch = doc;
  mismatch["history"].erase(1);
  json bad_compat = doc;
  bad_compat["history"][2]["v1Compatibility"] = "[1,2";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"schemaVersion": 1, "fsLayers": [)", "malformed JSON"},
      {mismatch.dump(), "4 fsLayers but 3 history entries"},
      {bad_compat.dump(), "history[2].v1Compatibility is not a JSON object"},
  };
  for (const auto& [manifest, want] : cases) {
    Schema1Registry reg(manifest);
    auto pulled = reg.load();
    REQUIRE_FALSE(pulled);
    CHECK_THAT(pulled.error().message, Catch::StartsWith(reg.host() + "/strata/old"));
    CHECK_THAT(pulled.error().message, Catch::Contains(want));
    CHECK(pulled.error().message.find('\n') == std::string::npos);
  }
}
