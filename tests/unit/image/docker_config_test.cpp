#include <catch2/catch.hpp>

#include <string>

#include "image/docker_config.hpp"

using namespace strata;
using image::CredentialSource;
using image::DockerConfig;
using Kind = CredentialSource::Kind;

namespace {

DockerConfig parse_ok(const std::string& text) {
  auto r = DockerConfig::parse(text, "/home/u/.docker/config.json");
  if (!r.ok()) FAIL(r.error().message);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("docker config: registry key normalisation", "[image][docker_config]") {
  CHECK(image::normalize_registry_key("https://index.docker.io/v1/") == "docker.io");
  CHECK(image::normalize_registry_key("index.docker.io") == "docker.io");
  CHECK(image::normalize_registry_key("registry-1.docker.io") == "docker.io");
  CHECK(image::normalize_registry_key("docker.io") == "docker.io");
  CHECK(image::normalize_registry_key("https://registry-1.docker.io/v2/") == "docker.io");
  CHECK(image::normalize_registry_key("http://127.0.0.1:5000") == "127.0.0.1:5000");
  CHECK(image::normalize_registry_key("GHCR.io") == "ghcr.io");
  CHECK(image::normalize_registry_key("https://ghcr.io/v2/") == "ghcr.io");
  CHECK(image::normalize_registry_key("localhost:5000") == "localhost:5000");
}

TEST_CASE("docker config: inline auths", "[image][docker_config]") {
  // The shape `docker login` writes without a credential store.
  auto config = parse_ok(R"json({
    "auths": {
      "https://index.docker.io/v1/": {"auth": "aHVidXNlcjpodWJwYXNz"},
      "localhost:5000": {"auth": "dGVzdHVzZXI6dGVzdHBhc3M="},
      "http://127.0.0.1:5004": {"auth": "dTpwOmFzczp3aXRoOmNvbG9ucw=="},
      "ghcr.io": {"username": "octo", "password": "ghp_secret"},
      "sso.example.com": {"auth": "PHRva2VuPjo=", "identitytoken": "refresh-abc"},
      "tok.example.com": {"registrytoken": "bearer-xyz"},
      "empty.example.com": {}
    },
    "HttpHeaders": {"User-Agent": "Docker-Client/24.0.7 (linux)"},
    "detachKeys": "ctrl-e,e"
  })json");
  CHECK(config.auth_count() == 7);
  CHECK(config.creds_store().empty());

  for (const char* hub :
       {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"}) {
    INFO(hub);
    auto s = config.lookup(hub);
    REQUIRE(s.kind == Kind::inline_auth);
    CHECK(s.credential.username == "hubuser");
    CHECK(s.credential.password == "hubpass");
  }
  auto local = config.lookup("localhost:5000");
  REQUIRE(local.kind == Kind::inline_auth);
  CHECK(local.credential == image::Credential{"testuser", "testpass", "", ""});
  // Password containing ':' (split at the first colon only); URL key matched by host.
  auto colons = config.lookup("127.0.0.1:5004");
  REQUIRE(colons.kind == Kind::inline_auth);
  CHECK(colons.credential.username == "u");
  CHECK(colons.credential.password == "p:ass:with:colons");
  auto gh = config.lookup("ghcr.io");
  REQUIRE(gh.kind == Kind::inline_auth);
  CHECK(gh.credential.username == "octo");
  CHECK(gh.credential.password == "ghp_secret");
  auto sso = config.lookup("sso.example.com");
  REQUIRE(sso.kind == Kind::inline_auth);
  CHECK(sso.credential.identity_token == "refresh-abc");
  CHECK(sso.credential.username == "<token>");
  auto tok = config.lookup("tok.example.com");
  REQUIRE(tok.kind == Kind::inline_auth);
  CHECK(tok.credential.registry_token == "bearer-xyz");
  CHECK(config.lookup("empty.example.com").kind == Kind::anonymous);
  CHECK(config.lookup("quay.io").kind == Kind::anonymous);
  CHECK(config.lookup("localhost:5001").kind == Kind::anonymous);
}

TEST_CASE("docker config: credsStore and credHelpers", "[image][docker_config]") {
  // Docker Desktop's shape: credsStore for everything, `{}` placeholders in auths,
  // per-registry helpers for cloud registries.
  auto config = parse_ok(R"({
    "auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}},
    "credsStore": "desktop",
    "credHelpers": {
      "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
      "europe-docker.pkg.dev": "gcloud"
    },
    "currentContext": "desktop-linux"
  })");
  CHECK(config.creds_store() == "desktop");
  auto ecr = config.lookup("123456789012.dkr.ecr.us-east-1.amazonaws.com");
  REQUIRE(ecr.kind == Kind::helper);
  CHECK(ecr.helper == "ecr-login");
  CHECK(ecr.program() == "docker-credential-ecr-login");
  CHECK(ecr.server_url == "123456789012.dkr.ecr.us-east-1.amazonaws.com");
  CHECK(config.lookup("europe-docker.pkg.dev").helper == "gcloud");

  auto hub = config.lookup("registry-1.docker.io");
  REQUIRE(hub.kind == Kind::helper);
  CHECK(hub.helper == "desktop");
  CHECK(hub.server_url == "https://index.docker.io/v1/");  // the key Docker stored it under
  auto gh = config.lookup("ghcr.io");
  REQUIRE(gh.kind == Kind::helper);
  CHECK(gh.server_url == "ghcr.io");
  // credsStore applies to registries never logged in to as well.
  auto other = config.lookup("quay.io");
  REQUIRE(other.kind == Kind::helper);
  CHECK(other.helper == "desktop");
  CHECK(other.server_url == "quay.io");

  // Helpers beat inline auth; inline auth is used where no helper applies.
  auto mixed = parse_ok(R"({
    "auths": {"localhost:5000": {"auth": "dGVzdHVzZXI6dGVzdHBhc3M="},
              "gcr.io": {"auth": "dGVzdHVzZXI6dGVzdHBhc3M="}},
    "credHelpers": {"gcr.io": "gcr", "https://index.docker.io/v1/": "pass"}
  })");
  CHECK(mixed.lookup("gcr.io").kind == Kind::helper);
  CHECK(mixed.lookup("localhost:5000").kind == Kind::inline_auth);
  auto hub_pass = mixed.lookup("docker.io");
  REQUIRE(hub_pass.kind == Kind::helper);
  CHECK(hub_pass.helper == "pass");
  CHECK(hub_pass.server_url == "https://index.docker.io/v1/");
}

TEST_CASE("docker config: several spellings of one registry", "[image][docker_config]") {
  auto config = parse_ok(R"({"auths": {
      "docker.io": {},
      "https://index.docker.io/v1/": {"auth": "aHVidXNlcjpodWJwYXNz"},
      "registry.example.com": {"auth": "ZXhhY3Q6ZXhhY3Q="},
      "https://registry.example.com": {"auth": "dXJsOnVybA=="}
  }})");
  // The placeholder loses to the entry with a credential.
  CHECK(config.lookup("docker.io").credential.username == "hubuser");
  // The exact spelling wins over another that normalises the same.
  CHECK(config.lookup("registry.example.com").credential.username == "exact");
  CHECK(config.lookup("https://registry.example.com").credential.username == "url");
}

TEST_CASE("docker config: empty and minimal files", "[image][docker_config]") {
  CHECK(parse_ok("{}").lookup("docker.io").kind == Kind::anonymous);
  CHECK(parse_ok(R"({"auths": {}})").auth_count() == 0);
  CHECK(parse_ok(R"({"auths": null, "credHelpers": null})").auth_count() == 0);
}

TEST_CASE("docker config: errors name the file and never a secret", "[image][docker_config]") {
  const std::string origin = "/home/u/.docker/config.json";
  struct Case {
    std::string text, message_part;
  };
  const std::vector<Case> cases = {
      {R"({"auths": {"ghcr.io": {"auth": "hunter2-not-base64!"}}})",
       "auths[\"ghcr.io\"].auth is not valid base64"},
      // "hunter2" without a colon: base64 of the bare secret.
      {R"({"auths": {"ghcr.io": {"auth": "aHVudGVyMg=="}}})",
       "auths[\"ghcr.io\"].auth does not decode to user:password"},
      {R"({"auths": {"ghcr.io": {"auth": "aHVudGVyMg==", "password": 5}}})", "must be a string"},
      {R"({"auths": {"ghcr.io": "hunter2"}})", "auths[\"ghcr.io\"] must be an object"},
      {R"({"auths": ["hunter2"]})", "auths must be an object"},
      {R"({"credHelpers": {"ghcr.io": 1}})", "credHelpers[\"ghcr.io\"] must be a string"},
      {R"({"credsStore": 1})", "credsStore must be a string"},
      {R"(["hunter2"])", "not a JSON object"},
      {"{\"auths\": {\"ghcr.io\": {\"auth\": \"hunter2\n", "not valid JSON (line 1, column 40)"},
      {R"({"auths": {"ghcr.io": {"auth": hunter2}}})", "not valid JSON (line 1, column 32)"},
      {"", "not valid JSON"},
      {"{\n  \"auths\": {\n    \"x\": {\"auth\": \"hunter2\",}\n",
       "not valid JSON (line 3, column 29)"},
  };
  for (const auto& tc : cases) {
    INFO(tc.text);
    auto r = DockerConfig::parse(tc.text, origin);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::input);
    CHECK_THAT(r.error().message, Catch::StartsWith(origin + ": "));
    CHECK_THAT(r.error().message, Catch::Contains(tc.message_part));
    CHECK_THAT(r.error().message, !Catch::Contains("hunter2"));
    CHECK_THAT(r.error().message, !Catch::Contains("aHVudGVyMg"));
  }
}

TEST_CASE("docker config: path from DOCKER_CONFIG and HOME", "[image][docker_config]") {
  CHECK(image::docker_config_path("/etc/docker-cfg", "/home/u") == "/etc/docker-cfg/config.json");
  CHECK(image::docker_config_path("/etc/docker-cfg/", "/home/u") == "/etc/docker-cfg/config.json");
  CHECK(image::docker_config_path("", "/home/u") == "/home/u/.docker/config.json");
  CHECK(image::docker_config_path(std::nullopt, "/root") == "/root/.docker/config.json");
  CHECK_FALSE(image::docker_config_path(std::nullopt, std::nullopt).has_value());
  CHECK_FALSE(image::docker_config_path("", "").has_value());
}

TEST_CASE("docker config: credential helper output", "[image][docker_config]") {
  auto basic = image::parse_helper_output(
      R"({"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"s3cr:et"})",
      "desktop");
  REQUIRE(basic.ok());
  CHECK(basic->username == "hubuser");
  CHECK(basic->password == "s3cr:et");
  CHECK(basic->identity_token.empty());

  auto token = image::parse_helper_output(
      "{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"refresh-123\"}\n", "gcloud");
  REQUIRE(token.ok());
  CHECK(token->username.empty());
  CHECK(token->identity_token == "refresh-123");

  for (const char* bad :
       {"", "credentials not found in native keychain", "[]", R"({"Username":"u"})",
        R"({"Username":"u","Secret":7})", R"({"Username":"u","Secret":"hunter2")"}) {
    INFO(bad);
    auto r = image::parse_helper_output(bad, "pass");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("docker-credential-pass output"));
    CHECK_THAT(r.error().message, !Catch::Contains("hunter2"));
  }
  CHECK(image::is_helper_not_found("credentials not found in native keychain\n"));
  CHECK_FALSE(image::is_helper_not_found("exit status 1: gpg: decryption failed"));
}

TEST_CASE("docker config: a number out of range is bad JSON, not an exception",
          "[image][docker_config]") {
  // Found by fuzz/auth.cpp: nlohmann throws out_of_range (not parse_error) for 1e400.
  auto helper = image::parse_helper_output(R"({"ServerURL": 1e400})", "pass");
  REQUIRE_FALSE(helper.ok());
  CHECK(helper.error().message.find("not valid JSON") != std::string::npos);
  auto config = image::DockerConfig::parse(R"({"auths": {"x": {"auth": 1e400}}})", "cfg.json");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message == "cfg.json: not valid JSON (a number out of range)");
}
