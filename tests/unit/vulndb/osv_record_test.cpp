#include <catch2/catch.hpp>

#include <string>

#include "util/file.hpp"
#include "vulndb/osv_record.hpp"

using namespace strata;
using strata::vulndb::parse_osv_record;

namespace {
std::string testdata(const std::string& rel) {
  auto text = util::read_file(std::string(STRATA_TESTDATA_DIR) + "/" + rel);
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("A real Ubuntu record: CVSS v3 vector scored, affected entries and versions read") {
  auto rec = parse_osv_record(testdata("osv/ubuntu-real/UBUNTU-CVE-2022-24823.json"));
  REQUIRE(rec.ok());
  CHECK(rec->id == "UBUNTU-CVE-2022-24823");
  CHECK(rec->upstream == std::vector<std::string>{"CVE-2022-24823"});
  CHECK(rec->related == std::vector<std::string>{"USN-7284-1"});
  REQUIRE(rec->cvss_score);
  CHECK(*rec->cvss_score == Approx(5.5));
  CHECK(rec->cvss_vector == "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N");
  CHECK(rec->severity == model::Severity::medium);  // from the score, not the "low" Ubuntu field
  REQUIRE_FALSE(rec->affected.empty());
  const auto& a = rec->affected[0];
  CHECK(a.ecosystem == "Ubuntu:Pro:14.04:LTS");
  CHECK(a.name == "netty");
  REQUIRE(a.ranges.size() == 1);
  CHECK(a.ranges[0].type == "ECOSYSTEM");
  REQUIRE(a.ranges[0].events.size() == 1);
  CHECK(a.ranges[0].events[0].kind == vercmp::OsvEvent::Kind::introduced);
  CHECK(a.ranges[0].events[0].version == "0");
  CHECK(a.versions.size() == 3);
}

TEST_CASE("A real Debian record: aliases, references, no severity") {
  auto rec = parse_osv_record(testdata("osv/debian-real/DSA-3029-1.json"));
  REQUIRE(rec.ok());
  CHECK(rec->aliases == std::vector<std::string>{"CVE-2014-3616"});
  CHECK(rec->links == std::vector<std::string>{"https://www.debian.org/security/2014/dsa-3029"});
  CHECK(rec->severity == model::Severity::unknown);
  CHECK_FALSE(rec->cvss_score);
  REQUIRE(rec->affected.size() == 1);
  REQUIRE(rec->affected[0].ranges[0].events.size() == 2);
  CHECK(rec->affected[0].ranges[0].events[1].kind == vercmp::OsvEvent::Kind::fixed);
  CHECK(rec->affected[0].ranges[0].events[1].version == "1.2.1-2.2+wheezy3");
}

TEST_CASE("Withdrawn records are recognised") {
  auto rec = parse_osv_record(testdata("osv/pypi/PYSEC-2019-144.json"));
  REQUIRE(rec.ok());
  CHECK_FALSE(rec->withdrawn.empty());
}

TEST_CASE("Severity falls back to the ecosystem's own field") {
  auto ubuntu = parse_osv_record(
      R"({"id":"X-1","severity":[{"type":"Ubuntu","score":"high"}],"affected":[]})");
  REQUIRE(ubuntu.ok());
  CHECK(ubuntu->severity == model::Severity::high);
  CHECK_FALSE(ubuntu->cvss_score);

  // A v4 vector that does not parse (SA missing) is kept for display, unscored.
  auto v4 = parse_osv_record(
      R"({"id":"X-2","severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"}],
          "database_specific":{"severity":"MODERATE"}})");
  REQUIRE(v4.ok());
  CHECK(v4->severity == model::Severity::medium);
  CHECK_FALSE(v4->cvss_score);
  CHECK(v4->cvss_vector == "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N");

  auto eco = parse_osv_record(
      R"({"id":"X-3","affected":[{"package":{"ecosystem":"npm","name":"a"},
          "ecosystem_specific":{"severity":"LOW"}}]})");
  REQUIRE(eco.ok());
  CHECK(eco->severity == model::Severity::low);

  auto highest = parse_osv_record(
      R"({"id":"X-4","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"},
          {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]})");
  REQUIRE(highest.ok());
  CHECK(*highest->cvss_score == Approx(9.8));
  CHECK(highest->severity == model::Severity::critical);
}

TEST_CASE("Malformed records are errors that say why") {
  auto bad_json = parse_osv_record("{\"id\": \"X\", ");
  REQUIRE_FALSE(bad_json.ok());
  CHECK(bad_json.error().message.find("malformed JSON") != std::string::npos);
  CHECK_FALSE(parse_osv_record("[1,2]").ok());
  CHECK_FALSE(parse_osv_record(R"({"summary":"no id"})").ok());
  auto bad_event = parse_osv_record(
      R"({"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]})");
  REQUIRE_FALSE(bad_event.ok());
  CHECK(bad_event.error().message.find("PyPI/a") != std::string::npos);
}

TEST_CASE("CVSS v4 vectors are scored; the highest of all v3 and v4 scores wins") {
  const std::string v4_93 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
  const std::string v3_98 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  const std::string v3_55 = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N";
  auto record = [](const std::string& severity) {
    return R"({"id":"X-5","database_specific":{"severity":"LOW"},"severity":[)" + severity + "]}";
  };
  auto entry = [](const char* type, const std::string& vector) {
    return fmt::format(R"({{"type":"{}","score":"{}"}})", type, vector);
  };

  // v4 only: scored, and the score beats the database's own "LOW".
  auto only = parse_osv_record(record(entry("CVSS_V4", v4_93)));
  REQUIRE(only.ok());
  REQUIRE(only->cvss_score);
  CHECK(*only->cvss_score == Approx(9.3));
  CHECK(only->cvss_vector == v4_93);
  CHECK(only->severity == model::Severity::critical);

  // v4 higher than v3, in either order.
  for (const auto& sev : {entry("CVSS_V3", v3_55) + "," + entry("CVSS_V4", v4_93),
                          entry("CVSS_V4", v4_93) + "," + entry("CVSS_V3", v3_55)}) {
    INFO(sev);
    auto rec = parse_osv_record(record(sev));
    REQUIRE(rec.ok());
    REQUIRE(rec->cvss_score);
    CHECK(*rec->cvss_score == Approx(9.3));
    CHECK(rec->cvss_vector == v4_93);
  }
  // v3 higher than v4, in either order.
  for (const auto& sev : {entry("CVSS_V3", v3_98) + "," + entry("CVSS_V4", v4_93),
                          entry("CVSS_V4", v4_93) + "," + entry("CVSS_V3", v3_98)}) {
    INFO(sev);
    auto rec = parse_osv_record(record(sev));
    REQUIRE(rec.ok());
    REQUIRE(rec->cvss_score);
    CHECK(*rec->cvss_score == Approx(9.8));
    CHECK(rec->cvss_vector == v3_98);
    CHECK(rec->severity == model::Severity::critical);
  }
  // A threat metric lowers the v4 score (E:U: 9.3 -> 8.1), so the v3 vector (8.8) wins here.
  const std::string v3_88 = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H";
  auto threat =
      parse_osv_record(record(entry("CVSS_V4", v4_93 + "/E:U") + "," + entry("CVSS_V3", v3_88)));
  REQUIRE(threat.ok());
  REQUIRE(threat->cvss_score);
  CHECK(*threat->cvss_score == Approx(8.8));
  CHECK(threat->cvss_vector == v3_88);
  CHECK(threat->severity == model::Severity::high);
  // Equal scores (8.8): the first in record order is kept.
  const std::string v4_88 = "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:H/VI:H/VA:H/SC:H/SI:L/SA:H";
  auto tie_v4 = parse_osv_record(record(entry("CVSS_V4", v4_88) + "," + entry("CVSS_V3", v3_88)));
  REQUIRE(tie_v4.ok());
  CHECK(tie_v4->cvss_vector == v4_88);
  auto tie_v3 = parse_osv_record(record(entry("CVSS_V3", v3_88) + "," + entry("CVSS_V4", v4_88)));
  REQUIRE(tie_v3.ok());
  CHECK(tie_v3->cvss_vector == v3_88);
  // An unscorable v4 vector next to a good v3 one: the v3 one is the record's.
  auto broken =
      parse_osv_record(record(entry("CVSS_V4", "CVSS:4.0/AV:N") + "," + entry("CVSS_V3", v3_55)));
  REQUIRE(broken.ok());
  REQUIRE(broken->cvss_score);
  CHECK(*broken->cvss_score == Approx(5.5));
  CHECK(broken->cvss_vector == v3_55);
  CHECK(broken->severity == model::Severity::medium);
  // A CVSS v2 entry is never scored.
  auto v2 = parse_osv_record(record(entry("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C")));
  REQUIRE(v2.ok());
  CHECK_FALSE(v2->cvss_score);
  CHECK(v2->cvss_vector.empty());
  CHECK(v2->severity == model::Severity::low);
}
