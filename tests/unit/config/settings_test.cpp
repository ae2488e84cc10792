#include <catch2/catch.hpp>

#include "config/settings.hpp"

using namespace strata::config;

TEST_CASE("user_cache_home: absolute XDG_CACHE_HOME, then HOME/.cache") {
  CHECK(user_cache_home(Environment({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}})) == "/x");
  CHECK(user_cache_home(Environment({{"XDG_CACHE_HOME", "rel"}, {"HOME", "/h"}})) == "/h/.cache");
  CHECK(user_cache_home(Environment({{"HOME", "/home/u"}})) == "/home/u/.cache");
  CHECK_FALSE(user_cache_home(Environment()).empty());  // the passwd entry, or /tmp/.cache
}

TEST_CASE("db_dir: flag, then STRATA_DB_DIR, then <cache home>/strata/db") {
  Environment env({{"STRATA_DB_DIR", "/x/db"}, {"XDG_CACHE_HOME", "/cache"}, {"HOME", "/h"}});
  auto flag = db_dir("/flag", env);
  CHECK(flag.value == "/flag");
  CHECK(flag.origin == Origin::flag);
  CHECK(flag.source == "--db-dir");
  auto from_env = db_dir("", env);
  CHECK(from_env.value == "/x/db");
  CHECK(from_env.origin == Origin::environment);
  CHECK(from_env.source == "STRATA_DB_DIR");
  auto xdg = db_dir("", Environment({{"STRATA_DB_DIR", ""}, {"XDG_CACHE_HOME", "/cache"}}));
  CHECK(xdg.value == "/cache/strata/db");
  CHECK(xdg.origin == Origin::default_value);
  CHECK(db_dir("", Environment({{"HOME", "/home/u"}})).value == "/home/u/.cache/strata/db");
  CHECK(origin_name(xdg.origin) == "default");
}

TEST_CASE("cache_dir, metadata_cache_dir and layer_cache_dir") {
  Environment home({{"HOME", "/home/u"}});
  CHECK(cache_dir("", home).value == "/home/u/.cache/strata");
  CHECK(cache_dir("/c", home).value == "/c");
  Environment with_var({{"HOME", "/home/u"}, {"STRATA_CACHE_DIR", "/var/c"}});
  CHECK(cache_dir("", with_var).value == "/var/c");
  CHECK(cache_dir("", with_var).origin == Origin::environment);
  CHECK(metadata_cache_dir("/c", false) == "/c/manifests");
  CHECK(metadata_cache_dir("/c", true).empty());
  CHECK(layer_cache_dir("", false, home).value == "/home/u/.cache/strata/layers");
  // SCANNER_ON_DEMAND mode: NeuVector's shared directory unless one is named
  CHECK(layer_cache_dir("", true, home).value == "/tmp/images/caches");
  CHECK(layer_cache_dir("/c", true, home).value == "/c/layers");
  CHECK(layer_cache_dir("", true, with_var).value == "/var/c/layers");
}

TEST_CASE("cache_key, db_sources, source_date_epoch, registry_password") {
  CHECK_FALSE(cache_key(Environment({{"STRATA_CACHE_KEY", ""}})).has_value());
  CHECK(cache_key(Environment({{"STRATA_CACHE_KEY", "k"}})) == "k");

  Environment sources({{"STRATA_DB_SOURCE", " http://a , ,http://b"}});
  CHECK(db_sources({}, sources) == std::vector<std::string>{"http://a", "http://b"});
  CHECK(db_sources({"http://flag"}, sources) == std::vector<std::string>{"http://flag"});
  CHECK(db_sources({}, Environment()).empty());

  CHECK(source_date_epoch(Environment({{"SOURCE_DATE_EPOCH", "1700000000"}})) == 1700000000);
  CHECK(source_date_epoch(Environment({{"SOURCE_DATE_EPOCH", "0"}})) == 0);
  for (const char* bad : {"", "-1", "12x", "99999999999999999999999"}) {
    CHECK_FALSE(source_date_epoch(Environment({{"SOURCE_DATE_EPOCH", bad}})).has_value());
  }
  CHECK_FALSE(source_date_epoch(Environment()).has_value());

  CHECK_FALSE(registry_password(Environment()).has_value());
  CHECK(registry_password(Environment({{"SCANNER_REGISTRY_PASSWORD", ""}})) == "");
}

TEST_CASE("engine_settings: --docker-host over DOCKER_HOST; certificates under ~/.docker") {
  Environment env({{"DOCKER_HOST", "tcp://h:2376"},
                   {"DOCKER_TLS_VERIFY", "1"},
                   {"HOME", "/home/u"},
                   {"CONTAINER_HOST", "unix:///p.sock"},
                   {"XDG_RUNTIME_DIR", "/run/user/1000"}});
  auto s = engine_settings("", env);
  CHECK(s.docker_host == "tcp://h:2376");
  CHECK(s.docker_tls_verify);
  CHECK(s.docker_cert_path == "/home/u/.docker");
  CHECK(s.container_host == "unix:///p.sock");
  CHECK(s.xdg_runtime_dir == "/run/user/1000");
  CHECK(engine_settings("unix:///d.sock", env).docker_host == "unix:///d.sock");
  auto bare = engine_settings("", Environment({{"DOCKER_CERT_PATH", "/certs"}}));
  CHECK_FALSE(bare.docker_host.has_value());
  CHECK_FALSE(bare.docker_tls_verify);
  CHECK(bare.docker_cert_path == "/certs");
  CHECK_FALSE(bare.container_host.has_value());
}

TEST_CASE("credential_settings: DOCKER_CONFIG, HOME, PATH with a default") {
  auto s = credential_settings(
      Environment({{"DOCKER_CONFIG", "/dc"}, {"HOME", "/home/u"}, {"PATH", "/bin"}}));
  CHECK(s.docker_config == "/dc");
  CHECK(s.home == "/home/u");
  CHECK(s.path == "/bin");
  auto none = credential_settings(Environment());
  CHECK_FALSE(none.docker_config.has_value());
  CHECK_FALSE(none.home.has_value());
  CHECK(none.path == "/usr/local/bin:/usr/bin:/bin");
}

TEST_CASE("logged_value: the value, whatever its origin") {
  CHECK(logged_value("database directory", Setting<std::string>{"/a", Origin::flag, "--db-dir"}) ==
        "/a");
  CHECK(logged_value("cache directory", Setting<std::string>{}).empty());
  CHECK(origin_name(Origin::environment) == "environment");
  CHECK(origin_name(Origin::default_value) == "default");
}
