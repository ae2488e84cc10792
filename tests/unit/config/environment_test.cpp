#include <catch2/catch.hpp>

#include <cstdlib>

#include "config/environment.hpp"

using strata::config::Environment;

TEST_CASE("Environment: get, non_empty, get_or") {
  Environment env({{"SET", "value"}, {"EMPTY", ""}});
  CHECK(env.get("SET") == "value");
  CHECK(env.get("EMPTY") == "");
  CHECK_FALSE(env.get("UNSET").has_value());
  CHECK(env.non_empty("SET") == "value");
  CHECK_FALSE(env.non_empty("EMPTY").has_value());
  CHECK(env.get_or("EMPTY", "fallback") == "fallback");
  CHECK(env.get_or("UNSET") == "");
  CHECK(env.get_or("SET", "fallback") == "value");
}

TEST_CASE("Environment::get_bool is strict and names the variable") {
  for (const char* yes : {"true", "TRUE", "1", "yes", "On", " true "}) {
    Environment env({{"B", yes}});
    auto b = env.get_bool("B");
    REQUIRE(b);
    CHECK(*b);
  }
  for (const char* no : {"false", "0", "no", "OFF", ""}) {
    Environment env({{"B", no}});
    auto b = env.get_bool("B");
    REQUIRE(b);
    CHECK_FALSE(*b);
  }
  CHECK_FALSE(*Environment().get_bool("B"));
  auto bad = Environment({{"SCANNER_SCAN_LAYERS", "maybe"}}).get_bool("SCANNER_SCAN_LAYERS");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().category == strata::util::ErrorCategory::usage);
  CHECK(bad.error().message == "SCANNER_SCAN_LAYERS=maybe: not a boolean (use true or false)");
}

TEST_CASE("Environment::docker_flag follows Docker's convention") {
  CHECK_FALSE(Environment().docker_flag("DOCKER_TLS_VERIFY"));
  CHECK_FALSE(Environment({{"V", ""}}).docker_flag("V"));
  CHECK_FALSE(Environment({{"V", "0"}}).docker_flag("V"));
  CHECK_FALSE(Environment({{"V", "False"}}).docker_flag("V"));
  CHECK(Environment({{"V", "1"}}).docker_flag("V"));
  CHECK(Environment({{"V", "anything"}}).docker_flag("V"));
}

TEST_CASE("Environment::from_process copies the process environment") {
  ::setenv("STRATA_CONFIG_TEST_VAR", "a=b", 1);
  Environment env = Environment::from_process();
  ::unsetenv("STRATA_CONFIG_TEST_VAR");
  CHECK(env.get("STRATA_CONFIG_TEST_VAR") == "a=b");  // a snapshot: later changes are not seen
  CHECK_FALSE(Environment::from_process().get("STRATA_CONFIG_TEST_VAR").has_value());
}
