#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "registry/credentials.hpp"
#include "support/temp_dir.hpp"

using namespace strata;

namespace {

// A temp dir holding config.json and bin/docker-credential-<name> scripts.
class DockerHome {
 public:
  DockerHome() : m_tmp("strata-cred"), m_dir(m_tmp.path) {
    std::filesystem::create_directories(m_dir + "/bin");
  }
  void config(const std::string& json) const { std::ofstream(m_dir + "/config.json") << json; }
  void helper(const std::string& name, const std::string& script) const {
    std::string path = m_dir + "/bin/docker-credential-" + name;
    std::ofstream(path) << "#!/bin/sh\n" << script << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  registry::CredentialEnvironment env() const {
    registry::CredentialEnvironment e;
    e.docker_config = m_dir;
    e.path = m_dir + "/bin:/usr/bin:/bin";
    e.helper_timeout = std::chrono::milliseconds(500);
    return e;
  }

 private:
  test_support::TempDir m_tmp;
  const std::string& m_dir;
};

}  // namespace

TEST_CASE("credentials: inline auths, helpers, identity tokens") {
  DockerHome home;
  registry::RegistryOptions o;
  // user:pass
  home.config(R"({"auths":{"reg.example:5000":{"auth":"dXNlcjpwYXNz"}}})");
  REQUIRE(registry::apply_docker_credentials("reg.example:5000", o, home.env()));
  CHECK(o.username == "user");
  CHECK(o.password == "pass");

  home.helper("t", R"(read url; printf '{"Username":"<token>","Secret":"idt-%s"}' "$url")");
  home.config(R"({"credHelpers":{"reg.example:5000":"t"}})");
  registry::RegistryOptions o2;
  REQUIRE(registry::apply_docker_credentials("reg.example:5000", o2, home.env()));
  CHECK(o2.identity_token == "idt-reg.example:5000");
  CHECK(o2.username.empty());

  // not configured for another registry
  registry::RegistryOptions o3;
  REQUIRE(registry::apply_docker_credentials("other.example", o3, home.env()));
  CHECK(o3.username.empty());
  CHECK(o3.identity_token.empty());
}

TEST_CASE("credentials: a helper that hangs or prints garbage is an error") {
  DockerHome home;
  home.config(R"({"credsStore":"slow"})");
  home.helper("slow", "exec sleep 20");
  registry::RegistryOptions o;
  auto st = registry::apply_docker_credentials("reg.example", o, home.env());
  REQUIRE_FALSE(st);
  CHECK_THAT(st.error().message,
             Catch::Contains("docker-credential-slow did not finish within 500 ms"));

  home.config(R"({"credsStore":"garbage"})");
  home.helper("garbage", "echo '{\"Username\": \"u\", \"Secret\": \"topsecret\"'");
  st = registry::apply_docker_credentials("reg.example", o, home.env());
  REQUIRE_FALSE(st);
  CHECK_THAT(st.error().message, Catch::Contains("docker-credential-garbage output"));
  CHECK(st.error().message.find("topsecret") == std::string::npos);
}
