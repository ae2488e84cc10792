#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "docker/engine.hpp"
#include "source/engine_source.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_server.hpp"
#include "util/file.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

// The alpine docker-save fixture, decompressed (as an engine sends it).
std::string alpine_docker_tar() {
  std::string gz =
      std::string(STRATA_TESTDATA_DIR) + "/images/docker-archive/alpine-upgrade.docker.tar.gz";
  test_support::TempDir dir("strata-engine");
  std::string tar = dir.sub("alpine.tar");
  REQUIRE(std::system(("gzip -dc '" + gz + "' > '" + tar + "'").c_str()) == 0);
  auto content = util::read_file(tar, 64u << 20);
  REQUIRE(content.ok());
  return *content;
}

// The diff_ids of the alpine fixture, as an engine's inspect lists them.
const char* k_alpine_inspect =
    R"({"Id":"sha256:accfb2c478dd28c7a8a2a70ebace11f7c836ec3c02c4da26b77dbee67f4237c2",
  "RepoTags":["strata/alpine:upgrade"],"RepoDigests":[],"Os":"linux","Architecture":"amd64",
  "RootFS":{"Type":"layers","Layers":["sha256:24d58df9dfe44a87e8fd5adf846fb625afe0d9be2b2cdd3ebcd2d46654da07e3",
  "sha256:8482b70d68fdf0bef0d9f138ba47f7a3ba82ed6cc9ff38352a245af9319740fd",
  "sha256:5eb6bd1a4cdbd70609a644322d0a4fc03a6a9e7320e4709914059e8443ddd3d0"]}})";

// A fake engine on a unix socket: /_ping, /version, inspect, and a slow export.
struct FakeEngine {
  test_support::TempDir dir{"strata-engine"};
  std::string socket = dir.sub("engine.sock");
  std::string api = "1.43";
  std::string archive;
  std::size_t chunk = 0;
  std::chrono::milliseconds delay{0};
  std::unique_ptr<test::TestHttpServer> server;

  void start() {
    server = test::TestHttpServer::start_unix(socket, [this](const test::RecordedRequest& r) {
      if (r.target == "/_ping") {
        auto resp = test::text_response(200, "OK");
        resp.headers.emplace_back("Api-Version", api);
        return resp;
      }
      if (r.target == "/version") {
        return test::text_response(
            200, R"({"Version":"24.0.0","ApiVersion":")" + api + R"(","MinAPIVersion":"1.12"})");
      }
      if (r.target.ends_with("/images/strata/alpine:upgrade/json")) {
        return test::text_response(200, k_alpine_inspect);
      }
      if (r.target.find("/images/sha256:accfb2c4") != std::string::npos &&
          r.target.ends_with("/get")) {
        test::ScriptedResponse resp = test::text_response(200, archive);
        resp.chunk_size = chunk;
        resp.chunk_delay = delay;
        return resp;
      }
      return test::text_response(404, R"({"message":"No such image"})");
    });
  }
  ~FakeEngine() {
    if (server) {
      server->stop();
    }
  }
};

}  // namespace

TEST_CASE("engine endpoints: DOCKER_HOST forms") {
  auto unix_ep = docker::parse_endpoint("unix:///var/run/docker.sock");
  REQUIRE(unix_ep.ok());
  CHECK(unix_ep->unix_socket == "/var/run/docker.sock");
  CHECK(unix_ep->base_url == "http://localhost");
  CHECK(docker::parse_endpoint("/run/podman/podman.sock")->display ==
        "unix:///run/podman/podman.sock");
  auto tcp = docker::parse_endpoint("tcp://10.0.0.5:2375");
  REQUIRE(tcp.ok());
  CHECK(tcp->base_url == "http://10.0.0.5:2375");
  CHECK(tcp->unix_socket.empty());
  CHECK(docker::parse_endpoint("tcp://10.0.0.5:2376", true, "/nonexistent")->base_url ==
        "https://10.0.0.5:2376");
  for (const char* bad : {"", "npipe:////./pipe/docker_engine", "ssh://me@host", "tcp://host",
                          "unix://relative.sock", "tcp://host:2375/path"}) {
    CAPTURE(bad);
    auto e = docker::parse_endpoint(bad);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().category == util::ErrorCategory::usage);
  }
  auto d = docker::docker_endpoints(std::nullopt, false, "");
  REQUIRE(d.ok());
  CHECK(d->size() == 1);
  CHECK(d->front().unix_socket == "/var/run/docker.sock");
  auto p = docker::podman_endpoints(std::nullopt, std::string("/run/user/1000"));
  REQUIRE(p.ok());
  REQUIRE(p->size() == 2);
  CHECK(p->at(0).unix_socket == "/run/user/1000/podman/podman.sock");
  CHECK(p->at(1).unix_socket == "/run/podman/podman.sock");
  CHECK_FALSE(docker::docker_endpoints(std::string("bogus://x"), false, "").ok());
}

TEST_CASE("engine inspect answers and API versions") {
  auto i = docker::parse_inspect(k_alpine_inspect);
  REQUIRE(i.ok());
  CHECK(i->diff_ids.size() == 3);
  CHECK(i->repo_tags == std::vector<std::string>{"strata/alpine:upgrade"});
  CHECK(docker::parse_inspect(R"({"Id":"abc","RootFS":{"Layers":[]}})")->id == "sha256:abc");
  CHECK_FALSE(docker::parse_inspect("[]").ok());
  CHECK_FALSE(docker::parse_inspect(R"({"Id":"x"})").ok());
  CHECK_FALSE(docker::parse_inspect("{not json").ok());
  CHECK(docker::compare_api_versions("1.41", "1.45") < 0);
  CHECK(docker::compare_api_versions("1.9", "1.24") < 0);
  CHECK(docker::compare_api_versions("1.45", "1.45") == 0);
  CHECK(docker::compare_api_versions("2.0", "1.45") > 0);
}

TEST_CASE("engine client: negotiation, not found, too old, unreachable") {
  FakeEngine engine;
  engine.api = "1.47";  // newer than strata knows: capped
  engine.start();
  docker::EngineClient client(*docker::parse_endpoint("unix://" + engine.socket));
  REQUIRE(client.connect().ok());
  CHECK(client.api_version() == "1.45");
  auto missing = client.inspect("strata/none:1");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  auto found = client.inspect("strata/alpine:upgrade");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->diff_ids.size() == 3);
  auto requests = engine.server->requests();
  CHECK(requests.back().target == "/v1.45/images/strata/alpine:upgrade/json");

  FakeEngine old;
  old.api = "1.12";
  old.start();
  docker::EngineClient old_client(*docker::parse_endpoint("unix://" + old.socket));
  auto st = old_client.connect();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("engine too old") != std::string::npos);

  http::ClientOptions no_retries;
  no_retries.retries = 0;
  docker::EngineClient nobody(*docker::parse_endpoint("unix:///nonexistent/strata.sock"),
                              no_retries);
  auto none = nobody.connect();
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().category == util::ErrorCategory::network);
  CHECK(none.error().message.find("-v /nonexistent/strata.sock:/nonexistent/strata.sock") !=
        std::string::npos);
}

TEST_CASE("engine export is analysed as it streams, with nothing written to disk") {
  FakeEngine engine;
  engine.archive = alpine_docker_tar();
  engine.chunk = 64u << 10;
  engine.delay = std::chrono::milliseconds(4);  // ~240 chunks: about a second on the wire
  engine.start();
  docker::EngineClient client(*docker::parse_endpoint("unix://" + engine.socket));
  REQUIRE(client.connect().ok());
  auto inspect = client.inspect("strata/alpine:upgrade");
  REQUIRE(inspect.ok());
  REQUIRE(inspect->has_value());

  test_support::TempDir tmp_dir("strata-engine-tmp");
  const std::string& tmp = tmp_dir.path;
  const char* old_tmpdir = std::getenv("TMPDIR");
  ::setenv("TMPDIR", tmp.c_str(), 1);
  auto start = std::chrono::steady_clock::now();
  std::atomic<long long> first_wants_ms{-1};
  source::LoadOptions load;
  load.read.wants = [&](std::string_view path) {
    if (first_wants_ms < 0) {
      first_wants_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
    }
    return path == "/lib/apk/db/installed" || path == "/etc/os-release";
  };
  auto image = source::load_engine_image(client, "strata/alpine:upgrade", **inspect, load);
  auto total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  if (old_tmpdir != nullptr) {
    ::setenv("TMPDIR", old_tmpdir, 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  REQUIRE(image.ok());
  CHECK(image->layers.size() == 3);
  CHECK(image->target.kind == "docker");
  CHECK(image->target.config_digest == (*inspect)->id);
  // The first layer entry was analysed long before the export finished arriving.
  CHECK(total_ms >= 700);
  CHECK(first_wants_ms >= 0);
  CHECK(first_wants_ms < total_ms / 2);
  CHECK(fs::is_empty(tmp));
}

TEST_CASE("engine export errors: a cut export, an export that differs from inspect") {
  FakeEngine engine;
  std::string archive = alpine_docker_tar();
  engine.archive = archive.substr(0, archive.size() / 2);  // the engine died half-way
  engine.start();
  docker::EngineClient client(*docker::parse_endpoint("unix://" + engine.socket));
  REQUIRE(client.connect().ok());
  auto inspect = client.inspect("strata/alpine:upgrade");
  REQUIRE(inspect.ok());
  source::LoadOptions load;
  auto cut = source::load_engine_image(client, "strata/alpine:upgrade", **inspect, load);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().message.find("\n") == std::string::npos);

  engine.archive = archive;
  docker::ImageInspect wrong = **inspect;
  wrong.diff_ids.pop_back();
  auto differs = source::load_engine_image(client, "strata/alpine:upgrade", wrong, load);
  REQUIRE_FALSE(differs.ok());
  CHECK(differs.error().message.find("differ from the engine's inspect") != std::string::npos);
}

TEST_CASE("an export read as a stream equals the same archive read from disk, both layouts") {
  for (const char* rel :
       {"/images/docker-save/ggcr-tarballs/hello-world-v25.tar",  // Docker 25: OCI
        "/images/docker-save/ggcr-tarballs/test_image_1.tar"}) {  // legacy
    CAPTURE(rel);
    std::string path = std::string(STRATA_TESTDATA_DIR) + rel;
    auto bytes = util::read_file(path, 64u << 20);
    REQUIRE(bytes.ok());
    source::LoadOptions load;
    load.read.wants = [](std::string_view) { return true; };
    auto from_disk = source::load_image(path, load);
    REQUIRE(from_disk.ok());
    util::MemoryInputStream in(std::as_bytes(std::span(bytes->data(), bytes->size())), "export");
    auto streamed = source::load_image_stream(in, load);
    REQUIRE(streamed.ok());
    REQUIRE(streamed->layers.size() == from_disk->layers.size());
    for (std::size_t i = 0; i < streamed->layers.size(); ++i) {
      CHECK(streamed->layers[i].diff_id == from_disk->layers[i].diff_id);
      CHECK(streamed->analyses[i].files.size() == from_disk->analyses[i].files.size());
    }
    CHECK(streamed->target.config_digest == from_disk->target.config_digest);
  }
}
