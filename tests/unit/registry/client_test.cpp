#include <catch2/catch.hpp>

#include <thread>

#include "http/pull_stream.hpp"
#include "registry/client.hpp"
#include "support/fake_registry.hpp"
#include "util/hash.hpp"

using namespace strata;

namespace {

const std::string k_layout = std::string(STRATA_TESTDATA_DIR) + "/images/oci-alpine";
const std::string k_upgrade =
    "sha256:d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b";

registry::RegistryOptions plain(std::string user = {}, std::string pass = {}) {
  registry::RegistryOptions o;
  o.plain_http = true;
  o.username = std::move(user);
  o.password = std::move(pass);
  o.http.retries = 0;
  return o;
}

image::Platform amd64() {
  return image::Platform{"linux", "amd64", ""};
}

// Reads a stream to its end; returns the sha256 digest or the error message.
std::string drain(util::InputStream& s, std::uint64_t* total = nullptr) {
  util::Sha256 h;
  std::vector<std::byte> buf(7000);
  std::uint64_t n = 0;
  for (;;) {
    auto r = s.read(buf);
    if (!r) {
      return "error: " + r.error().message;
    }
    if (*r == 0) {
      break;
    }
    h.update(buf.data(), *r);
    n += *r;
  }
  if (total) {
    *total = n;
  }
  return "sha256:" + h.hex_digest();
}

// Pulls one image fully: manifest, config, every layer through open_blob.
util::Status pull(registry::RegistryClient& c, const std::string& ref) {
  TRY_ASSIGN(auto m, c.resolve(ref, amd64()));
  TRY(c.fetch_blob(m.manifest.config));
  for (const auto& l : m.manifest.layers) {
    TRY_ASSIGN(auto s, c.open_blob(l));
    std::string d = drain(*s);
    if (d != l.digest) {
      return util::input_error("{}", d);
    }
  }
  return {};
}

}  // namespace

TEST_CASE("pull stream delivers bytes in order through a small buffer") {
  std::string data(1u << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>(i * 7 + i / 4096);
  }
  http::PullStream s(
      "mem",
      [&](const http::PushSink& sink, std::stop_token) -> util::Status {
        for (std::size_t off = 0; off < data.size(); off += 5000) {
          std::size_t n = std::min<std::size_t>(5000, data.size() - off);
          TRY(sink(std::as_bytes(std::span(data.data() + off, n))));
        }
        return {};
      },
      16384);
  CHECK(drain(s) == "sha256:" + util::sha256_hex(data));
}

TEST_CASE("pull stream propagates the producer's error after its bytes") {
  http::PullStream s("mem", [](const http::PushSink& sink, std::stop_token) -> util::Status {
    std::string x = "abc";
    TRY(sink(std::as_bytes(std::span(x.data(), x.size()))));
    return util::input_error("connection reset");
  });
  std::vector<std::byte> buf(10);
  auto r = s.read(buf);
  REQUIRE(r);
  CHECK(*r == 3);
  auto e = s.read(buf);
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "connection reset");
}

TEST_CASE("pull stream cancels the producer when the reader stops early") {
  std::atomic<bool> saw_cancel{false};
  {
    http::PullStream s(
        "mem",
        [&](const http::PushSink& sink, std::stop_token) -> util::Status {
          std::string chunk(4096, 'x');
          for (;;) {
            auto st = sink(std::as_bytes(std::span(chunk.data(), chunk.size())));
            if (!st) {
              saw_cancel = true;
              return st;
            }
          }
        },
        8192);
    std::vector<std::byte> buf(100);
    REQUIRE(s.read(buf));
  }
  CHECK(saw_cancel);
}

TEST_CASE("anonymous pull of a tag, of a digest and of an index by platform") {
  test::FakeRegistry reg({.layout_dir = k_layout});
  registry::RegistryClient c(reg.host(), "strata/alpine", plain());
  REQUIRE(c.ping());
  auto m = c.resolve("upgrade", amd64());
  REQUIRE(m);
  CHECK(m->digest == k_upgrade);
  CHECK(m->manifest.layers.size() == 3);
  CHECK(pull(c, "upgrade"));
  CHECK(pull(c, k_upgrade));
  auto arm = c.resolve("multi", image::Platform{"linux", "arm64", ""});
  REQUIRE(arm);
  CHECK(arm->index_digest ==
        "sha256:98e6c235244189ac11c7b2f7bbeae0598f6e91b17b593e3ef8a7bcfec098f4ea");
  auto none = c.resolve("multi", image::Platform{"linux", "s390x", ""});
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error().message, Catch::Contains("no image for platform linux/s390x"));
  auto reqs = reg.server().requests();
  for (const auto& r : reqs) {
    CHECK(r.method == "GET");  // anonymous access needs no HEAD probe before blobs
    if (r.target.find("/manifests/") != std::string::npos) {
      CHECK_THAT(r.header("Accept").value_or(""),
                 Catch::Contains("application/vnd.oci.image.index.v1+json") &&
                     Catch::Contains("application/vnd.docker.distribution.manifest.list.v2+json"));
    }
  }
}

TEST_CASE("a missing tag is 'image not found' naming registry and repository") {
  test::FakeRegistry reg({.layout_dir = k_layout});
  registry::RegistryClient c(reg.host(), "strata/alpine", plain());
  auto m = c.resolve("nope", amd64());
  REQUIRE_FALSE(m);
  CHECK(m.error().message == reg.host() + "/strata/alpine:nope: image not found (HTTP 404)");
  registry::RegistryClient other(reg.host(), "strata/other", plain());
  CHECK_THAT(other.resolve("upgrade", amd64()).error().message, Catch::Contains("image not found"));
}

TEST_CASE("Basic auth: right, wrong and missing credentials") {
  // "user:secret" in base64.
  test::FakeRegistry reg(
      {.layout_dir = k_layout, .auth = "basic", .basic_header = "Basic dXNlcjpzZWNyZXQ="});
  registry::RegistryClient good(reg.host(), "strata/alpine", plain("user", "secret"));
  CHECK(pull(good, "upgrade"));
  registry::RegistryClient wrong(reg.host(), "strata/alpine", plain("user", "nope"));
  auto e = wrong.resolve("upgrade", amd64());
  REQUIRE_FALSE(e);
  CHECK_THAT(e.error().message, Catch::EndsWith("authentication required (HTTP 401)"));
  CHECK(e.error().message.find("nope") == std::string::npos);
  registry::RegistryClient anon(reg.host(), "strata/alpine", plain());
  CHECK_THAT(anon.resolve("upgrade", amd64()).error().message,
             Catch::Contains("authentication required"));
}

TEST_CASE("Bearer token flow with a token server on another host") {
  auto tokens = test::TestHttpServer::start_tcp([](const test::RecordedRequest& r) {
    if (r.header("Authorization").value_or("") != "Basic dXNlcjpzZWNyZXQ=") {
      return test::text_response(401, "{}");
    }
    return test::text_response(200, "{\"access_token\":\"tok-123\"}");
  });
  test::FakeRegistry reg({.layout_dir = k_layout,
                          .auth = "bearer",
                          .token_realm = tokens->url("/token"),
                          .token = "tok-123"});
  registry::RegistryClient c(reg.host(), "strata/alpine", plain("user", "secret"));
  REQUIRE(pull(c, "upgrade"));
  auto treqs = tokens->requests();
  REQUIRE(!treqs.empty());
  CHECK(treqs[0].target ==
        "/token?service=fake-registry&scope=repository%3Astrata%2Falpine%3Apull");
  // A blob opened first (no manifest request before it) learns the challenge with a HEAD.
  registry::RegistryClient fresh(reg.host(), "strata/alpine", plain("user", "secret"));
  auto m = c.resolve("upgrade", amd64());
  REQUIRE(m);
  auto s = fresh.open_blob(m->manifest.layers[0]);
  REQUIRE(s);
  CHECK(drain(**s) == m->manifest.layers[0].digest);
  registry::RegistryClient anon(reg.host(), "strata/alpine", plain());
  auto e = anon.resolve("upgrade", amd64());
  REQUIRE_FALSE(e);
  CHECK_THAT(e.error().message, Catch::Contains("authentication required (HTTP 401)"));
}

TEST_CASE("manifest and blob digest mismatches are errors") {
  SECTION("manifest") {
    test::FakeRegistry reg(
        {.layout_dir = k_layout, .tamper = [](const std::string& path, std::string& body) {
           if (path.find("/manifests/") != std::string::npos) {
             body.insert(body.size() - 1, " ");
           }
         }});
    registry::RegistryClient c(reg.host(), "strata/alpine", plain());
    auto e = c.resolve("upgrade", amd64());
    REQUIRE_FALSE(e);
    CHECK_THAT(e.error().message, Catch::Contains("but the registry says " + k_upgrade));
    auto pinned = c.resolve(k_upgrade, amd64());
    REQUIRE_FALSE(pinned);
    CHECK_THAT(pinned.error().message, Catch::Contains("not the one asked for"));
  }
  SECTION("blob") {
    test::FakeRegistry reg(
        {.layout_dir = k_layout, .tamper = [](const std::string& path, std::string& body) {
           if (path.find("/blobs/") != std::string::npos && body.size() > 1000) {
             body[body.size() / 2] ^= 1;
           }
         }});
    registry::RegistryClient c(reg.host(), "strata/alpine", plain());
    auto m = c.resolve("upgrade", amd64());
    REQUIRE(m);
    auto s = c.open_blob(m->manifest.layers[0]);
    REQUIRE(s);
    CHECK_THAT(drain(**s), Catch::Contains("does not match its digest"));
  }
}

TEST_CASE("a missing blob is reported from the stream") {
  test::FakeRegistry reg({.layout_dir = k_layout});
  registry::RegistryClient c(reg.host(), "strata/alpine", plain());
  image::Descriptor d;
  d.digest = "sha256:" + std::string(64, 'a');
  auto s = c.open_blob(d);
  REQUIRE(s);
  CHECK_THAT(drain(**s), Catch::Contains("image not found (HTTP 404)"));
}

TEST_CASE("an expired token is renewed once while streaming a blob") {
  std::atomic<int> issued{0};
  auto tokens = test::TestHttpServer::start_tcp([&](const test::RecordedRequest&) {
    return test::text_response(200, "{\"token\":\"tok-" + std::to_string(++issued) + "\"}");
  });
  test::FakeRegistry reg({.layout_dir = k_layout,
                          .auth = "bearer",
                          .token_realm = tokens->url("/token"),
                          .token = "tok-1"});
  registry::RegistryClient c(reg.host(), "strata/alpine", plain());
  auto m = c.resolve("upgrade", amd64());
  REQUIRE(m);
  CHECK(issued == 1);
  reg.set_token("tok-2");
  auto s = c.open_blob(m->manifest.layers[0]);
  REQUIRE(s);
  CHECK(drain(**s) == m->manifest.layers[0].digest);
  CHECK(issued == 2);
  reg.set_token("never");
  auto refused = c.open_blob(m->manifest.layers[1]);
  REQUIRE(refused);
  CHECK_THAT(drain(**refused), Catch::Contains("authentication required (HTTP 401)"));
}
