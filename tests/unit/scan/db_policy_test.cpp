#include <catch2/catch.hpp>

#include "scan/scan.hpp"
#include "util/time.hpp"

using namespace strata;

TEST_CASE("check_db_age warns or fails on a database older than the maximum age") {
  const std::string built = "2024-01-01T00:00:00Z";
  const std::int64_t t = *util::parse_rfc3339(built);
  scan::DbPolicy policy;
  SECTION("no maximum: never stale") {
    auto r = scan::check_db_age(built, policy, t + 10 * 365 * 86400);
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
  policy.max_age_seconds = 3 * 86400;
  SECTION("exactly the maximum age is fresh") {
    auto r = scan::check_db_age(built, policy, t + 3 * 86400);
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
  SECTION("older: a warning naming the build time and the age") {
    auto r = scan::check_db_age(built, policy, t + 3 * 86400 + 3600);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK(**r ==
          "the vulnerability database is stale: built 2024-01-01T00:00:00Z (3d1h ago), older "
          "than the maximum age of 3d0h: run `strata db update`");
  }
  SECTION("older with fail_on_stale: an input error") {
    policy.fail_on_stale = true;
    auto r = scan::check_db_age(built, policy, t + 4 * 86400);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::input);
  }
  SECTION("a build time that does not parse counts as stale") {
    auto r = scan::check_db_age("yesterday", policy, t);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*r)->find("no valid build time") != std::string::npos);
  }
  SECTION("max age 0s: any database built before now is stale") {
    policy.max_age_seconds = 0;
    auto r = scan::check_db_age(built, policy, t + 1);
    REQUIRE(r.ok());
    CHECK(r->has_value());
  }
}
