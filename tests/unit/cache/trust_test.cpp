// The cache's trust rules (cache/trust.hpp): a directory, file or record that someone else could
// have written is not used unless records are signed.
#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "cache/layer_cache.hpp"
#include "cache/trust.hpp"
#include "cache_check.hpp"
#include "synthetic_layer.hpp"

using namespace strata;
using namespace strata::cache;
using namespace strata::cache::testing;
namespace fs = std::filesystem;

namespace {

CacheOptions options(const std::string& dir, std::optional<std::string> key = std::nullopt) {
  CacheOptions o;
  o.dir = dir;
  o.max_bytes = 1 << 30;
  o.analyzer_version = "test-1";
  o.hmac_key = std::move(key);
  return o;
}

bool refused_with(const util::Status& st, const std::string& want) {
  return !st && st.error().message.find(want) != std::string::npos;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("trust: a new cache is private, an open one is refused unless signed") {
  TempDir tmp;
  const std::string dir = tmp.path + "/a/b/layers";
  {
    auto c = LayerCache::open(options(dir));
    REQUIRE(c);
  }
  CHECK(mode_of(tmp.path + "/a") == 0700);
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir + "/ref") == 0700);
  CHECK(mode_of(dir + "/leases") == 0700);
  CHECK(check_cache_trusted(dir));

  for (const char* part : {"", "/ref", "/lock", "/index.sqlite", "/version"}) {
    INFO(part);
    const std::string p = dir + part;
    const mode_t saved = mode_of(p);
    ::chmod(p.c_str(), saved | S_IWOTH);
    auto c = LayerCache::open(options(dir));
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("layer cache not trusted: " + p +
                                 ": writable by group or "
                                 "others") == 0);
    CHECK(c.error().message.find("STRATA_CACHE_KEY") != std::string::npos);
    CHECK(LayerCache::open(options(dir, "key")));  // signed records: no need to trust the dir
    ::chmod(p.c_str(), saved);
  }
  // A parent anyone may write to, without the sticky bit, could have the cache swapped.
  ::chmod((tmp.path + "/a").c_str(), 0777);
  CHECK(refused_with(check_cache_trusted(dir), tmp.path + "/a: writable by group or others "
                                                          "without the sticky bit (mode 0777)"));
  ::chmod((tmp.path + "/a").c_str(), 01777);  // like /tmp
  CHECK(check_cache_trusted(dir));
}

TEST_CASE("trust: a record someone else could have written is discarded, not used") {
  TempDir tmp;
  const std::string dir = tmp.path + "/layers";
  auto c = LayerCache::open(options(dir));
  REQUIRE(c);
  REQUIRE(c->store(synthetic_layer(1), synthetic_digest(1)));
  const std::string record = dir + "/ref/" + layer_id(synthetic_diff_id(1));
  REQUIRE(fs::exists(record));
  ::chmod(record.c_str(), 0664);
  auto r = c->lookup(synthetic_diff_id(1));
  REQUIRE(r);
  CHECK_FALSE(r->has_value());
  bool warned = false;
  for (const auto& w : c->take_warnings()) {
    warned = warned || w.find("writable by group or others (mode 0664)") != std::string::npos;
  }
  CHECK(warned);
  CHECK_FALSE(fs::exists(record));  // deleted like a damaged record
}

TEST_CASE("trust: files owned by another user (root only: chown)") {
  if (::geteuid() != 0) {
    WARN("not root: cannot chown; the foreign-owner case is not run");
    return;
  }
  const passwd* nobody = ::getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  TempDir tmp;
  const std::string dir = tmp.path + "/layers";
  {
    auto c = LayerCache::open(options(dir));
    REQUIRE(c);
    REQUIRE(c->store(synthetic_layer(1), synthetic_digest(1)));
  }
  const std::string record = dir + "/ref/" + layer_id(synthetic_diff_id(1));
  REQUIRE(::chown(record.c_str(), nobody->pw_uid, 0) == 0);
  {
    auto c = LayerCache::open(options(dir));
    REQUIRE(c);
    auto r = c->lookup(synthetic_diff_id(1));
    REQUIRE(r);
    CHECK_FALSE(r->has_value());  // a planted record is a miss
  }
  {
    auto signed_cache = LayerCache::open(options(dir, "key"));
    REQUIRE(signed_cache);
    REQUIRE(signed_cache->store(synthetic_layer(2), synthetic_digest(2)));
  }
  REQUIRE(::chown(dir.c_str(), nobody->pw_uid, 0) == 0);
  auto c = LayerCache::open(options(dir));
  REQUIRE_FALSE(c);
  CHECK(c.error().message.find(dir + ": owned by uid " + std::to_string(nobody->pw_uid) +
                               ", not by this user (uid 0)") != std::string::npos);
  auto signed_cache = LayerCache::open(options(dir, "key"));
  REQUIRE(signed_cache);  // signed: a shared, foreign directory is fine
  auto hit = signed_cache->lookup(synthetic_diff_id(2));
  REQUIRE(hit);
  CHECK(hit->has_value());
}
