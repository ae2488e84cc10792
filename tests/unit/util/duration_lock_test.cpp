#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.hpp"
#include "util/file_lock.hpp"
#include "util/time.hpp"

using namespace strata;

TEST_CASE("parse_duration reads NUMBER UNIT pairs") {
  CHECK(util::parse_duration("0s") == 0);
  CHECK(util::parse_duration("90s") == 90);
  CHECK(util::parse_duration("15m") == 900);
  CHECK(util::parse_duration("72h") == 72 * 3600);
  CHECK(util::parse_duration("7d") == 7 * 86400);
  CHECK(util::parse_duration("2w") == 14 * 86400);
  CHECK(util::parse_duration("1d12h") == 36 * 3600);
  for (const char* bad :
       {"", "7", "d", "-1d", "1.5h", "7 d", "7D", "1y", "h1", "99999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(util::parse_duration(bad).has_value());
  }
}

TEST_CASE("FileLock is exclusive across open file descriptions and released on destruction") {
  const test_support::TempDir tmp("strata-lock");
  const std::string& dir = tmp.path;
  const std::string path = dir + "/lock";
  {
    auto first = util::FileLock::acquire(path, false);
    REQUIRE(first.ok());
    auto second = util::FileLock::acquire(path, false);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().message == path + ": " + std::string(util::k_lock_busy));
    util::FileLock moved = std::move(first).value();
    CHECK_FALSE(util::FileLock::acquire(path, false).ok());
  }
  CHECK(util::FileLock::acquire(path, false).ok());
  CHECK_FALSE(util::FileLock::acquire(dir + "/missing/lock", true).ok());
}
