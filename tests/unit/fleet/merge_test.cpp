#include <catch2/catch.hpp>

#include <sstream>

#include <fmt/format.h>

#include "fleet/merge.hpp"
#include "fleet/summary.hpp"
#include "support/temp_dir.hpp"
#include "util/file.hpp"

using namespace strata;

namespace {

fleet::ImageEntry entry(std::string repo, std::string digest, fleet::ImageStatus status,
                        std::uint64_t high) {
  fleet::ImageEntry e;
  e.repository = std::move(repo);
  e.digest = std::move(digest);
  e.tags = {"1.0", "latest"};
  e.status = status;
  if (status == fleet::ImageStatus::failed) {
    e.error = "corrupt layer";
  } else {
    e.report = fleet::report_name(e.repository, e.digest);
  }
  e.findings.high = high;
  e.findings.total = high;
  return e;
}

// A report with `high` HIGH findings and one suppressed finding.
std::string report(int high) {
  std::string v;
  for (int i = 0; i < high; ++i) {
    v += fmt::format(
        R"({{"id":"CVE-{}","package":"p,q","installed_version":"1","severity":"HIGH","fixed_version":"2"}},)",
        i);
  }
  v += R"({"id":"CVE-S","package":"s","severity":"LOW","suppressed":{"kind":"vex","reason":"x"}})";
  return fmt::format(
      R"({{"vulnerabilities":[{}],"summary":{{"critical":0,"high":{},"medium":0,"low":0,"unknown":0,"total":{}}}}})",
      v, high, high);
}

void write_shard(const std::string& dir, fleet::ShardSummary s) {
  REQUIRE(util::make_dirs(dir + "/images"));
  for (const auto& i : s.images) {
    if (!i.report.empty()) {
      REQUIRE(
          util::write_file_atomic(dir + "/" + i.report, report(static_cast<int>(i.findings.high))));
    }
  }
  REQUIRE(util::write_file_atomic(dir + "/shard-" + s.shard.name() + ".json", fleet::to_json(s)));
}

}  // namespace

TEST_CASE("report names put / as _ and the digest's colon as _") {
  CHECK(fleet::report_name("team/app", "sha256:abc") == "images/team_app@sha256_abc.json");
}

TEST_CASE("a shard summary reads back with its totals") {
  test_support::TempDir tmp("strata-fleet");
  fleet::ShardSummary s;
  s.shard = {1, 3};
  s.images = {entry("a", "sha256:1", fleet::ImageStatus::scanned, 2),
              entry("b/c", "sha256:2", fleet::ImageStatus::skipped, 3),
              entry("d", "", fleet::ImageStatus::failed, 0)};
  write_shard(tmp.path, s);
  auto r = fleet::read_summary(tmp.sub("shard-1-of-3.json"));
  REQUIRE(r);
  CHECK(r->shard == fleet::Shard{1, 3});
  CHECK(r->totals.images == 3);
  CHECK(r->totals.failed == 1);
  CHECK(r->totals.findings.high == 5);
  CHECK(r->entries[1].report == "images/b_c@sha256_2.json");
  CHECK(r->entries[2].report.empty());
}

TEST_CASE("merge adds the summaries up and writes one CSV row per finding") {
  test_support::TempDir tmp("strata-fleet");
  fleet::ShardSummary s0, s1;
  s0.shard = {0, 2};
  s0.images = {entry("a", "sha256:1", fleet::ImageStatus::scanned, 2)};
  s1.shard = {1, 2};
  s1.images = {entry("b", "sha256:2", fleet::ImageStatus::skipped, 1),
               entry("c", "", fleet::ImageStatus::failed, 0)};
  write_shard(tmp.sub("out"), s0);
  write_shard(tmp.sub("out"), s1);
  std::ostringstream csv;
  auto m = fleet::merge({tmp.sub("out")}, &csv);
  CHECK(m.errors.empty());
  CHECK(m.totals.images == 3);
  CHECK(m.totals.failed == 1);
  CHECK(m.totals.findings.high == 3);
  CHECK(m.totals.findings.total == 3);
  CHECK(csv.str() ==
        "repository,digest,tags,package,installed_version,id,severity,fixed_version\n"
        "a,sha256:1,1.0 latest,\"p,q\",1,CVE-0,HIGH,2\n"
        "a,sha256:1,1.0 latest,\"p,q\",1,CVE-1,HIGH,2\n"
        "b,sha256:2,1.0 latest,\"p,q\",1,CVE-0,HIGH,2\n");
  CHECK(fleet::to_json(m.totals).find("\"images\": 3") != std::string::npos);
}

TEST_CASE("merge reports a missing shard, an unreadable summary and an empty directory") {
  test_support::TempDir tmp("strata-fleet");
  fleet::ShardSummary s0;
  s0.shard = {0, 2};
  s0.images = {entry("a", "sha256:1", fleet::ImageStatus::scanned, 1)};
  write_shard(tmp.sub("out"), s0);
  REQUIRE(util::make_dirs(tmp.sub("empty")));
  REQUIRE(util::make_dirs(tmp.sub("bad")));
  REQUIRE(util::write_file_atomic(tmp.sub("bad/shard-0-of-1.json"), "{\"shard\": 0"));
  auto m = fleet::merge({tmp.sub("out"), tmp.sub("empty"), tmp.sub("bad")}, nullptr);
  REQUIRE(m.errors.size() == 3);
  CHECK_THAT(m.errors[0], Catch::Contains("shard-1-of-2.json is missing"));
  CHECK_THAT(m.errors[1], Catch::Contains("no shard summary"));
  CHECK_THAT(m.errors[2], Catch::Contains("not a shard summary"));
  CHECK(m.totals.images == 1);  // what could be read is still added up
}

TEST_CASE("a summary whose report path leaves the directory is refused") {
  test_support::TempDir tmp("strata-fleet");
  REQUIRE(util::write_file_atomic(
      tmp.sub("shard-0-of-1.json"),
      R"({"shard":0,"shards":1,"images":[{"repository":"a","digest":"d","tags":[],"status":"scanned","report":"images/../../etc/passwd"}],"totals":{"failed":0,"findings":{"critical":0,"high":0,"medium":0,"low":0,"unknown":0,"total":0}}})"));
  auto r = fleet::read_summary(tmp.sub("shard-0-of-1.json"));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("report path"));
}

TEST_CASE("merge refuses to add up sweeps of different shard counts in one directory") {
  test_support::TempDir tmp("strata-fleet");
  fleet::ShardSummary a, b;
  a.shard = {0, 1};
  a.images = {entry("a", "sha256:1", fleet::ImageStatus::scanned, 1)};
  b.shard = {0, 2};
  b.images = {entry("a", "sha256:1", fleet::ImageStatus::skipped, 1)};
  write_shard(tmp.sub("out"), a);
  write_shard(tmp.sub("out"), b);
  auto m = fleet::merge({tmp.sub("out")}, nullptr);
  REQUIRE(m.errors.size() == 2);  // the mixed counts, and shard 1 of 2 missing
  CHECK_THAT(m.errors[0], Catch::Contains("counted twice"));
}
