// OSV `affected` evaluation (vercmp/osv_range.hpp) over dpkg, apk and rpm records built from real
// advisory version strings.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vercmp/osv_range.hpp"

namespace {

using strata::vercmp::AffectedVerdict;
using strata::vercmp::evaluate;
using strata::vercmp::OsvAffected;
using strata::vercmp::OsvEvent;
using strata::vercmp::OsvRange;
using strata::vercmp::RangeStats;
using strata::vercmp::SchemeId;
using Kind = OsvEvent::Kind;

OsvEvent intro(std::string v) {
  return {Kind::introduced, std::move(v)};
}
OsvEvent fixed(std::string v) {
  return {Kind::fixed, std::move(v)};
}
OsvEvent last(std::string v) {
  return {Kind::last_affected, std::move(v)};
}
OsvEvent limit(std::string v) {
  return {Kind::limit, std::move(v)};
}

OsvAffected one_range(std::string ecosystem, std::vector<OsvEvent> events,
                      std::string type = "ECOSYSTEM") {
  OsvAffected a;
  a.ecosystem = std::move(ecosystem);
  a.name = "pkg";
  a.ranges.push_back({std::move(type), std::move(events)});
  return a;
}

AffectedVerdict eval(const OsvAffected& a, SchemeId scheme, std::string_view v,
                     RangeStats* stats = nullptr) {
  auto r = evaluate(a, scheme, v, stats);
  INFO(v);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("osv: introduced 0 / fixed, dpkg (DSA-style record)") {
  // DSA-5311-1 style: openssl fixed in 1.1.1n-0+deb11u4 for Debian:11.
  auto a = one_range("Debian:11", {intro("0"), fixed("1.1.1n-0+deb11u4")});
  auto v = eval(a, SchemeId::dpkg, "1.1.1n-0+deb11u3");
  CHECK(v.affected);
  CHECK(v.fixed_version == "1.1.1n-0+deb11u4");
  CHECK_FALSE(eval(a, SchemeId::dpkg, "1.1.1n-0+deb11u4").affected);
  CHECK_FALSE(eval(a, SchemeId::dpkg, "1.1.1n-0+deb11u5").affected);
  CHECK(eval(a, SchemeId::dpkg, "1.1.1n-0+deb11u4~bpo1").affected);  // ~ sorts before
  CHECK_FALSE(eval(a, SchemeId::dpkg, "1:1.0-1").affected);          // epoch wins
  CHECK(eval(a, SchemeId::dpkg, "0.9.8").affected);
}

TEST_CASE("osv: events in any order, several intervals, last_affected inclusive") {
  auto a = one_range("Debian:12", {fixed("2.5-1"), intro("2.0-1"), fixed("1.5-1"), intro("1.0-1")});
  CHECK_FALSE(eval(a, SchemeId::dpkg, "0.9-1").affected);
  CHECK(eval(a, SchemeId::dpkg, "1.0-1").affected);  // introduced is inclusive
  CHECK(eval(a, SchemeId::dpkg, "1.2-3").fixed_version == "1.5-1");
  CHECK_FALSE(eval(a, SchemeId::dpkg, "1.5-1").affected);  // fixed is exclusive
  CHECK_FALSE(eval(a, SchemeId::dpkg, "1.7-1").affected);
  auto v = eval(a, SchemeId::dpkg, "2.1-1");
  CHECK(v.affected);
  CHECK(v.fixed_version == "2.5-1");
  CHECK_FALSE(eval(a, SchemeId::dpkg, "3.0-1").affected);

  auto l = one_range("Debian:12", {last("1.5-1"), intro("1.0-1")});
  auto at = eval(l, SchemeId::dpkg, "1.5-1");
  CHECK(at.affected);
  CHECK(at.fixed_version.empty());
  CHECK_FALSE(eval(l, SchemeId::dpkg, "1.5-1+b1").affected);
  CHECK_FALSE(eval(l, SchemeId::dpkg, "0.1-1").affected);

  // An empty interval (introduced and fixed at the same version) affects nothing.
  auto e = one_range("Debian:12", {intro("1.0-1"), fixed("1.0-1")});
  CHECK_FALSE(eval(e, SchemeId::dpkg, "1.0-1").affected);
}

TEST_CASE("osv: limit bounds the walk") {
  auto a = one_range("Alpine:v3.18", {intro("0"), limit("3.0.9-r0")});
  CHECK(eval(a, SchemeId::apk, "3.0.8-r3").affected);
  CHECK_FALSE(eval(a, SchemeId::apk, "3.0.9-r0").affected);
  CHECK_FALSE(eval(a, SchemeId::apk, "3.1.0-r0").affected);
  auto star = one_range("Alpine:v3.18", {intro("1.0-r0"), limit("*")});
  CHECK(eval(star, SchemeId::apk, "99.0-r0").affected);
  CHECK_FALSE(eval(star, SchemeId::apk, "0.9-r0").affected);
}

TEST_CASE("osv: apk records (Alpine secdb style) and rpm records (AlmaLinux errata style)") {
  auto apk = one_range("Alpine:v3.10", {intro("0"), fixed("1.1.1d-r0")});
  CHECK(eval(apk, SchemeId::apk, "1.1.1c-r0").affected);
  CHECK(eval(apk, SchemeId::apk, "1.1.1d_rc1-r0").affected);
  CHECK_FALSE(eval(apk, SchemeId::apk, "1.1.1d-r0").affected);
  CHECK_FALSE(eval(apk, SchemeId::apk, "1.1.1d-r1").affected);
  // Outside apk's grammar (a digit after the letter), ordered as apk_version_compare does.
  CHECK(eval(apk, SchemeId::apk, "1.1.1c7-r0").affected);
  CHECK_FALSE(eval(apk, SchemeId::apk, "1.1.1e7-r0").affected);

  auto rpm = one_range("AlmaLinux:9", {intro("0"), fixed("1:2.06-114.el9_7.1.alma.1")});
  auto v = eval(rpm, SchemeId::rpm, "1:2.06-114.el9_7.1");
  CHECK(v.affected);
  CHECK(v.fixed_version == "1:2.06-114.el9_7.1.alma.1");
  CHECK_FALSE(eval(rpm, SchemeId::rpm, "1:2.06-115.el9").affected);
  CHECK(eval(rpm, SchemeId::rpm, "2.99-1.el9").affected);  // no epoch = epoch 0
}

TEST_CASE("osv: several ranges; the lowest closing fix is reported") {
  OsvAffected a;
  a.ecosystem = "Debian:12";
  a.ranges.push_back({"ECOSYSTEM", {intro("0"), fixed("2.0-1")}});
  a.ranges.push_back({"ECOSYSTEM", {intro("1.0-1"), fixed("1.5-1")}});
  a.ranges.push_back({"ECOSYSTEM", {intro("1.0-1")}});
  auto v = eval(a, SchemeId::dpkg, "1.2-1");
  CHECK(v.affected);
  CHECK(v.fixed_version == "1.5-1");
  auto w = eval(a, SchemeId::dpkg, "1.7-1");
  CHECK(w.affected);
  CHECK(w.fixed_version == "2.0-1");
  auto x = eval(a, SchemeId::dpkg, "2.5-1");
  CHECK(x.affected);  // the open third range
  CHECK(x.fixed_version.empty());
}

TEST_CASE("osv: the versions list matches by exact string or by scheme equality") {
  OsvAffected a;
  a.ecosystem = "Ubuntu:Pro:14.04:LTS";
  a.versions = {"1:3.2.6.Final-2", "3.4.8+dfsg-1"};
  CHECK(eval(a, SchemeId::dpkg, "1:3.2.6.Final-2").affected);
  CHECK(eval(a, SchemeId::dpkg, "01:3.2.6.Final-2").affected);  // equal under dpkg
  CHECK(eval(a, SchemeId::dpkg, "0:3.4.8+dfsg-1").affected);
  auto v = eval(a, SchemeId::dpkg, "3.4.8+dfsg-2");
  CHECK_FALSE(v.affected);
  CHECK(v.fixed_version.empty());

  OsvAffected e;
  e.ecosystem = "SomethingNew";
  e.versions = {"1.0", "v2"};
  CHECK(eval(e, SchemeId::exact, "v2").affected);
  CHECK_FALSE(eval(e, SchemeId::exact, "1.0.0").affected);
}

TEST_CASE("osv: GIT ranges are skipped and counted; bad event versions skipped and counted") {
  OsvAffected a;
  a.ecosystem = "Debian:12";
  a.ranges.push_back({"GIT", {intro("0"), fixed("9f8e7d6c5b4a")}});
  a.ranges.push_back({"ECOSYSTEM", {intro("0"), fixed("not a version"), fixed("2.0-1")}});
  RangeStats stats;
  auto v = eval(a, SchemeId::dpkg, "1.0-1", &stats);
  CHECK(v.affected);
  CHECK(v.fixed_version == "2.0-1");
  CHECK(stats.git_ranges_skipped == 1);
  CHECK(stats.invalid_versions == 1);

  auto only_git = one_range("Debian:12", {intro("0")}, "GIT");
  CHECK_FALSE(eval(only_git, SchemeId::dpkg, "1.0-1", &stats).affected);
  CHECK(stats.git_ranges_skipped == 2);
}

TEST_CASE("osv: an invalid installed version is an error") {
  auto a = one_range("Debian:12", {intro("0"), fixed("2.0-1")});
  RangeStats stats;
  auto r = evaluate(a, SchemeId::dpkg, "not valid", &stats);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == strata::util::ErrorCategory::input);
  CHECK(stats.invalid_versions == 1);
  // rpm orders every non-empty string and apk every string with an initial number, as rpm and
  // apk-tools do; the rest stays an error.
  CHECK_FALSE(evaluate(a, SchemeId::rpm, "").ok());
  CHECK_FALSE(evaluate(a, SchemeId::apk, "").ok());
  CHECK_FALSE(evaluate(a, SchemeId::apk, "not valid").ok());
  CHECK(evaluate(a, SchemeId::apk, "1.0-1").ok());

  // ... unless the advisory lists it verbatim.
  OsvAffected listed = one_range("Debian:12", {intro("0"), fixed("2.0-1")});
  listed.versions = {"not valid"};
  auto verbatim = evaluate(listed, SchemeId::dpkg, "not valid");
  REQUIRE(verbatim.ok());
  CHECK(verbatim->affected);

  // PyPI's pre-PEP 440 versions (joblib 0.3.2d) are no error: packaging 21.3's LegacyVersion
  // order puts them below every valid version, so below a fix at 0.4.
  OsvAffected pypi = one_range("PyPI", {intro("0"), fixed("0.4")});
  auto legacy = evaluate(pypi, SchemeId::pep440, "0.3.2e");
  REQUIRE(legacy.ok());
  CHECK(legacy->affected);
  CHECK(legacy->fixed_version == "0.4");
  auto above =
      evaluate(one_range("PyPI", {intro("0.1"), fixed("0.4")}), SchemeId::pep440, "0.3.2e");
  REQUIRE(above.ok());
  CHECK_FALSE(above->affected);
}

TEST_CASE("osv: exact scheme only honours introduced 0 alone") {
  auto all = one_range("SomethingNew", {intro("0")});
  CHECK(eval(all, SchemeId::exact, "anything").affected);
  auto bounded = one_range("SomethingNew", {intro("0"), fixed("b")});
  CHECK_FALSE(eval(bounded, SchemeId::exact, "a").affected);
}
