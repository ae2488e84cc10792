#include <catch2/catch.hpp>

#include "config/on_demand.hpp"

using namespace strata::config;
using strata::util::Status;

namespace {

Status accept_endpoint(std::string_view) {
  return {};
}

Status reject_endpoint(std::string_view) {
  return strata::util::make_error(strata::util::ErrorCategory::usage, "unsupported");
}

std::string error_of(const Environment& env) {
  auto job = on_demand_job(env, accept_endpoint);
  REQUIRE_FALSE(job);
  return job.error().message;
}

}  // namespace

TEST_CASE("on_demand_job: off unless SCANNER_ON_DEMAND or SCANNER_LICENSE") {
  auto off =
      on_demand_job(Environment({{"SCANNER_REPOSITORY", "library/ubuntu"}}), accept_endpoint);
  REQUIRE(off);
  CHECK_FALSE(off->has_value());
  auto licensed = on_demand_job(
      Environment({{"SCANNER_LICENSE", "x"}, {"SCANNER_REPOSITORY", "library/ubuntu"}}),
      accept_endpoint);
  REQUIRE(licensed);
  CHECK(licensed->has_value());
  CHECK(error_of(Environment({{"SCANNER_ON_DEMAND", "maybe"}})).starts_with("SCANNER_ON_DEMAND="));
}

TEST_CASE("on_demand_job: a registry image becomes a reference with its scheme") {
  auto job = on_demand_job(Environment({{"SCANNER_ON_DEMAND", "true"},
                                        {"SCANNER_REGISTRY", "http://127.0.0.1:5000/"},
                                        {"SCANNER_REPOSITORY", "strata/ubuntu"},
                                        {"SCANNER_TAG", "18.04"},
                                        {"SCANNER_DEBUG_MODE", "yes"},
                                        {"SCANNER_SCAN_LAYERS", "1"},
                                        {"MAX_CACHE_RECORD_MB", "200"},
                                        {"PROXY_URL", "http://proxy:3128"}}),
                           accept_endpoint);
  REQUIRE(job);
  REQUIRE(job->has_value());
  const OnDemandJob& j = **job;
  CHECK(j.debug);
  CHECK(j.image.reference == "http://127.0.0.1:5000/strata/ubuntu:18.04");
  CHECK(j.image.image_src.empty());
  CHECK(j.options.scan_layers);
  CHECK_FALSE(j.options.cap_critical);
  CHECK(j.options.cache_max_mb == 200);
  CHECK(j.options.proxy_url == "http://proxy:3128");
}

TEST_CASE("on_demand_job: SCANNER_BASE_IMAGE is a repository of SCANNER_REGISTRY") {
  auto job = on_demand_job(Environment({{"SCANNER_ON_DEMAND", "true"},
                                        {"SCANNER_REGISTRY", "https://reg.example:5000"},
                                        {"SCANNER_REPOSITORY", "app"},
                                        {"SCANNER_BASE_IMAGE", "library/debian:12"}}),
                           accept_endpoint);
  REQUIRE(job);
  CHECK((*job)->options.base_image == "https://reg.example:5000/library/debian:12");
  // a value with its own scheme is kept; without a registry the base is local, as the image
  auto own = on_demand_job(Environment({{"SCANNER_ON_DEMAND", "true"},
                                        {"SCANNER_REGISTRY", "https://reg.example"},
                                        {"SCANNER_REPOSITORY", "app"},
                                        {"SCANNER_BASE_IMAGE", "http://other:5000/base:1"}}),
                           accept_endpoint);
  REQUIRE(own);
  CHECK((*own)->options.base_image == "http://other:5000/base:1");
  auto local = on_demand_job(Environment({{"SCANNER_ON_DEMAND", "true"},
                                          {"SCANNER_REPOSITORY", "app"},
                                          {"SCANNER_BASE_IMAGE", "debian:12"}}),
                             accept_endpoint);
  REQUIRE(local);
  CHECK((*local)->options.base_image == "debian:12");
  CHECK((*local)->image.registry_prefix.empty());
}

TEST_CASE("on_demand_job: without a registry, the local engines only") {
  Environment local({{"SCANNER_ON_DEMAND", "true"},
                     {"SCANNER_REPOSITORY", "library/ubuntu"},
                     {"SCANNER_TAG", "sha256:" + std::string(64, 'a')}});
  auto job = on_demand_job(local, accept_endpoint);
  REQUIRE(job);
  CHECK((*job)->image.reference == "library/ubuntu@sha256:" + std::string(64, 'a'));
  CHECK((*job)->image.image_src == "docker,podman");
  CHECK((*job)->options.cache_max_mb == 0);

  auto remote = on_demand_job(
      Environment({{"SCANNER_ON_DEMAND", "true"}, {"SCANNER_REPOSITORY", "tcp://h:2375/app"}}),
      accept_endpoint);
  REQUIRE(remote);
  CHECK((*remote)->image.reference == "app:latest");
  CHECK((*remote)->image.image_src == "docker");
  CHECK((*remote)->image.docker_host == "tcp://h:2375");

  auto rejected = on_demand_job(Environment({{"SCANNER_ON_DEMAND", "true"},
                                             {"SCANNER_REPOSITORY", "app"},
                                             {"SCANNER_DOCKER_URL", "ssh://h"}}),
                                reject_endpoint);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().message == "SCANNER_DOCKER_URL=ssh://h: unsupported");
}

TEST_CASE("on_demand_job: errors name the variable") {
  Environment::Vars base{{"SCANNER_ON_DEMAND", "true"}, {"SCANNER_REPOSITORY", "strata/ubuntu"}};
  auto with = [&](std::string name, std::string value) {
    Environment::Vars v = base;
    v[name] = value;
    return Environment(v);
  };
  CHECK(error_of(Environment({{"SCANNER_ON_DEMAND", "1"}})).starts_with("SCANNER_REPOSITORY"));
  CHECK(error_of(with("SCANNER_REGISTRY", "ftp://r")).starts_with("SCANNER_REGISTRY=ftp://r"));
  CHECK(error_of(with("SCANNER_TAG", "bad tag")).find("SCANNER_TAG=bad tag") != std::string::npos);
  CHECK(error_of(with("SCANNER_REPOSITORY", "a@sha256:x")).starts_with("SCANNER_REPOSITORY="));
  CHECK(error_of(with("SCANNER_REPOSITORY", "tcp://h:2375")).starts_with("SCANNER_REPOSITORY="));
  CHECK(error_of(with("MAX_CACHE_RECORD_MB", "lots")) ==
        "MAX_CACHE_RECORD_MB=lots: not a size in MB");
  CHECK(error_of(with("MAX_CACHE_RECORD_MB", "-1")).starts_with("MAX_CACHE_RECORD_MB"));
  CHECK(error_of(with("CAP_CRITICAL", "sure")).starts_with("CAP_CRITICAL=sure"));
  CHECK(error_of(with("SCANNER_DEBUG_MODE", "x")).starts_with("SCANNER_DEBUG_MODE=x"));
}

TEST_CASE("neuvector_docker_url and result_dir") {
  auto none = neuvector_docker_url(Environment(), reject_endpoint);
  REQUIRE(none);
  CHECK(none->empty());
  auto url =
      neuvector_docker_url(Environment({{"SCANNER_DOCKER_URL", "tcp://h:1"}}), accept_endpoint);
  REQUIRE(url);
  CHECK(*url == "tcp://h:1");
  CHECK_FALSE(neuvector_docker_url(Environment({{"SCANNER_DOCKER_URL", "x"}}), reject_endpoint));
  CHECK(result_dir(Environment()) == "/var/neuvector");
  CHECK(result_dir(Environment({{"SCANNER_RESULT_DIR", "/out"}})) == "/out");
}
