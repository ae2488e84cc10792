#include <catch2/catch.hpp>

#include <set>

#include <fmt/format.h>

#include "fleet/shard.hpp"
#include "util/hash.hpp"

using namespace strata;

TEST_CASE("xxh64 is the reference XXH64 with seed 0") {
  // xxHash's published test value for the empty input.
  CHECK(util::xxh64("", 0) == 0xEF46DB3751D8E999ull);
}

TEST_CASE("every repository is in exactly one shard") {
  for (std::uint32_t n : {1u, 2u, 3u, 4u, 7u}) {
    std::vector<int> per_shard(n, 0);
    for (int r = 0; r < 500; ++r) {
      const std::string repo = fmt::format("team-{}/app{}", r % 13, r);
      int owners = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        if (fleet::in_shard(repo, fleet::Shard{i, n})) {
          ++owners;
          ++per_shard[i];
        }
      }
      CHECK(owners == 1);
    }
    for (int c : per_shard) {
      CHECK(c > 500 / static_cast<int>(n) / 2);  // spread, not all in one shard
    }
  }
}

TEST_CASE("--shard I/N and --shards N with JOB_COMPLETION_INDEX choose the same shard") {
  auto a = fleet::choose_shard("2/5", std::nullopt, std::nullopt);
  auto b = fleet::choose_shard("", 5, std::string("2"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK(a->name() == "2-of-5");
  auto whole = fleet::choose_shard("", std::nullopt, std::string("3"));
  REQUIRE(whole);
  CHECK(*whole == fleet::Shard{0, 1});
}

TEST_CASE("bad shard arguments are usage errors") {
  for (const char* bad : {"5/5", "-1/4", "1/0", "1", "a/4", "1/4x", "/4", "1/"}) {
    auto s = fleet::choose_shard(bad, std::nullopt, std::nullopt);
    REQUIRE_FALSE(s);
    CHECK(s.error().category == util::ErrorCategory::usage);
  }
  CHECK_FALSE(fleet::choose_shard("1/4", 4, std::string("1")));
  auto unset = fleet::choose_shard("", 4, std::nullopt);
  REQUIRE_FALSE(unset);
  CHECK_THAT(unset.error().message, Catch::Contains("JOB_COMPLETION_INDEX"));
  CHECK_FALSE(fleet::choose_shard("", 4, std::string("4")));
  CHECK_FALSE(fleet::choose_shard("", 4, std::string("x")));
  CHECK_FALSE(fleet::choose_shard("", 0, std::string("0")));
}
