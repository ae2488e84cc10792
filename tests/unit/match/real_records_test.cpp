// Matching on real OSV records, per ecosystem: for hand-checked (package, version) pairs, the
// exact findings (finding id, advisory id, fixed version). Every expectation was checked by
// reading the record JSON under testdata/ (file named after the advisory id; AlmaLinux files use
// "_" for ":"). Each case says why in one line. Versions are compared as the ecosystem does:
// dpkg, apk, rpm EVR (missing epoch = 0), PEP 440, Go semver.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "match/matcher.hpp"
#include "match_support.hpp"

using namespace strata;
using match_test::database;
using match_test::package;
using match_test::summarize;
using Rows = std::vector<std::string>;

namespace {

model::OsInfo os(const char* family, const char* version, const char* ecosystem) {
  return {family, version, ecosystem, ""};
}

const model::OsInfo k_alma9 = os("almalinux", "9.4", "AlmaLinux:9");
const model::OsInfo k_alpine310 = os("alpine", "3.10.2", "Alpine:v3.10");
const model::OsInfo k_debian11 = os("debian", "11", "Debian:11");
const model::OsInfo k_bionic = os("ubuntu", "18.04", "Ubuntu:18.04:LTS");
const model::OsInfo k_no_os{};  // a language-only image (no os-release)

Rows match_one(const model::Package& p, const model::OsInfo& info) {
  auto out = match::match_packages({p}, info, database());
  // Only the "unknown operating system" warning of an image without one.
  CHECK(out.warnings.size() == (info.empty() ? 1U : 0U));
  return summarize(out);
}

}  // namespace

TEST_CASE("AlmaLinux:9 (rpm): binary names, epochs, CVEs from `related`") {
  auto rpm = [](const char* name, const char* version, const char* source = "") {
    return package(name, version, "AlmaLinux:9", source);
  };
  // openssl-libs at exactly ALSA-2024:2447's fix 1:3.0.7-27.el9: that one and the 6 older ones
  // are fixed; the 8 later errata (fixes 1:3.0.7-28.el9_4 ... 1:3.5.5-4.el9_8) are not. The id is
  // the first CVE of each erratum's `related` list.
  CHECK(match_one(rpm("openssl-libs", "1:3.0.7-27.el9"), k_alma9) ==
        Rows{"openssl-libs CVE-2024-12797 ALSA-2025:1330 1:3.2.2-6.el9_5.1",
             "openssl-libs CVE-2024-2511 ALSA-2024:9333 1:3.2.2-6.el9_5",
             "openssl-libs CVE-2024-6119 ALSA-2024:6783 1:3.0.7-28.el9_4",
             "openssl-libs CVE-2025-11187 ALSA-2026:1473 1:3.5.1-7.el9_7",
             "openssl-libs CVE-2025-9230 ALSA-2025:21255 1:3.5.1-4.el9_7",
             "openssl-libs CVE-2026-28390 ALSA-2026:22312 1:3.5.5-3.el9_8",
             "openssl-libs CVE-2026-31790 ALSA-2026:19218 1:3.5.5-2.el9_8",
             "openssl-libs CVE-2026-7383 ALSA-2026:25239 1:3.5.5-4.el9_8"});
  // At the newest fix (ALSA-2026:25239, 1:3.5.5-4.el9_8) nothing is left.
  CHECK(match_one(rpm("openssl-libs", "1:3.5.5-4.el9_8"), k_alma9).empty());
  // Without its epoch the same EVR reads as epoch 0, below every "1:" fix: all 15 errata.
  CHECK(match_one(rpm("openssl-libs", "3.5.5-4.el9_8"), k_alma9).size() == 15);

  // microcode_ctl (epoch 4): at ALSA-2024:9401's fix only ALSA-2025:7043 (4:20250211-1.el9_6).
  auto microcode =
      match::match_packages({rpm("microcode_ctl", "4:20240910-1.el9_5")}, k_alma9, database());
  REQUIRE(summarize(microcode) ==
          Rows{"microcode_ctl CVE-2024-28047 ALSA-2025:7043 4:20250211-1.el9_6"});
  // Every CVE of `related` travels with the erratum id.
  CHECK(microcode.findings[0].aliases ==
        std::vector<std::string>{"ALSA-2025:7043", "CVE-2024-39279", "CVE-2024-31157"});

  // sqlite-libs 3.34.1-7.el9_3 = ALSA-2024:0465's fix; ALSA-2025:11992 (3.34.1-8.el9_6) and
  // ALSA-2025:20936 (3.34.1-9.el9_7) both fix CVE-2025-6965: one finding, the lower fix.
  auto sqlite =
      match::match_packages({rpm("sqlite-libs", "3.34.1-7.el9_3", "sqlite")}, k_alma9, database());
  REQUIRE(summarize(sqlite) == Rows{"sqlite-libs CVE-2025-6965 ALSA-2025:11992 3.34.1-8.el9_6"});
  CHECK(sqlite.findings[0].aliases ==
        std::vector<std::string>{"ALSA-2025:11992", "ALSA-2025:20936"});
  CHECK(sqlite.findings[0].source_name == "sqlite-libs");  // the binary name matched

  // "lemon" (built from the sqlite source rpm) is in no erratum: found through its source rpm
  // name, 3.34.1-6.el9_1 being ALSA-2023:0339's fix.
  auto lemon =
      match::match_packages({rpm("lemon", "3.34.1-6.el9_1", "sqlite")}, k_alma9, database());
  REQUIRE(summarize(lemon) == Rows{"lemon CVE-2023-7104 ALSA-2024:0465 3.34.1-7.el9_3",
                                   "lemon CVE-2025-6965 ALSA-2025:11992 3.34.1-8.el9_6"});
  CHECK(lemon.findings[0].source_name == "sqlite");
  // Without a source name the unknown binary finds nothing.
  CHECK(match_one(rpm("lemon", "3.34.1-6.el9_1"), k_alma9).empty());

  // xz-libs: ALSA-2022:4940 fixes CVE-2022-1271 in 5.2.5-8.el9_0; under both its binary name and
  // its source name "xz" the erratum is found once.
  CHECK(match_one(rpm("xz-libs", "5.2.5-7.el9", "xz"), k_alma9) ==
        Rows{"xz-libs CVE-2022-1271 ALSA-2022:4940 5.2.5-8.el9_0"});
  CHECK(match_one(rpm("xz-libs", "5.2.5-8.el9_0", "xz"), k_alma9).empty());  // just fixed
}

TEST_CASE("Alpine:v3.10: origin names, affected and just-fixed") {
  auto apk = [](const char* name, const char* version, const char* origin) {
    return package(name, version, "Alpine:v3.10", origin);
  };
  // ALPINE-CVE-2019-5481/5482 fix curl in 7.66.0-r0; every other curl record fixed earlier.
  CHECK(match_one(apk("libcurl", "7.65.3-r0", "curl"), k_alpine310) ==
        Rows{"libcurl CVE-2019-5481 ALPINE-CVE-2019-5481 7.66.0-r0",
             "libcurl CVE-2019-5482 ALPINE-CVE-2019-5482 7.66.0-r0"});
  CHECK(match_one(apk("libcurl", "7.66.0-r0", "curl"), k_alpine310).empty());  // just fixed
  // The binary name alone: the records name the origin "curl", not "libcurl".
  CHECK(match_one(apk("libcurl", "7.65.3-r0", ""), k_alpine310).empty());
  // sqlite: ALPINE-CVE-2019-5018 and -8457 fixed in 3.28.0-r0, ALPINE-CVE-2019-16168 in -r1.
  CHECK(match_one(apk("sqlite-libs", "3.28.0-r0", "sqlite"), k_alpine310) ==
        Rows{"sqlite-libs CVE-2019-16168 ALPINE-CVE-2019-16168 3.28.0-r1"});
  CHECK(match_one(apk("sqlite-libs", "3.28.0-r1", "sqlite"), k_alpine310).empty());
  // libxml2: three CVEs fixed in 2.9.8-r1 (14404, 14567, 9251); older ones fixed in 2.9.4-r*.
  CHECK(match_one(apk("libxml2", "2.9.8-r0", "libxml2"), k_alpine310) ==
        Rows{"libxml2 CVE-2018-14404 ALPINE-CVE-2018-14404 2.9.8-r1",
             "libxml2 CVE-2018-14567 ALPINE-CVE-2018-14567 2.9.8-r1",
             "libxml2 CVE-2018-9251 ALPINE-CVE-2018-9251 2.9.8-r1"});
  CHECK(match_one(apk("libxml2", "2.9.8-r1", "libxml2"), k_alpine310).empty());
}

TEST_CASE("Debian:11: source packages, DSA ids become their first CVE") {
  auto deb = [](const char* name, const char* version) {
    return package(name, version, "Debian:11", "curl", version);
  };
  // curl in Debian:11 (debian-10-11/dsa): DSA-5197-1 fixed +deb11u2, DSA-5330-1 +deb11u5,
  // DSA-5365-1 +deb11u7.
  CHECK(match_one(deb("libcurl4", "7.74.0-1.3+deb11u1"), k_debian11) ==
        Rows{"libcurl4 CVE-2021-22898 DSA-5197-1 7.74.0-1.3+deb11u2",
             "libcurl4 CVE-2022-32221 DSA-5330-1 7.74.0-1.3+deb11u5",
             "libcurl4 CVE-2023-23916 DSA-5365-1 7.74.0-1.3+deb11u7"});
  // Just fixed for DSA-5197-1.
  CHECK(match_one(deb("libcurl4", "7.74.0-1.3+deb11u2"), k_debian11) ==
        Rows{"libcurl4 CVE-2022-32221 DSA-5330-1 7.74.0-1.3+deb11u5",
             "libcurl4 CVE-2023-23916 DSA-5365-1 7.74.0-1.3+deb11u7"});
  // Just fixed for DSA-5330-1.
  auto u5 = match::match_packages({deb("curl", "7.74.0-1.3+deb11u5")}, k_debian11, database());
  REQUIRE(summarize(u5) == Rows{"curl CVE-2023-23916 DSA-5365-1 7.74.0-1.3+deb11u7"});
  CHECK(u5.findings[0].aliases == std::vector<std::string>{"DSA-5365-1", "DEBIAN-CVE-2023-23916"});
  // Just fixed for the newest.
  CHECK(match_one(deb("curl", "7.74.0-1.3+deb11u7"), k_debian11).empty());
}

TEST_CASE("Ubuntu:18.04:LTS: fixed and unfixed UBUNTU-CVE records of the source package") {
  auto deb = [](const char* version) {
    return package("libssl1.1", version, "Ubuntu:18.04:LTS", "openssl", version);
  };
  const Rows unfixed{"libssl1.1 CVE-2019-1547 UBUNTU-CVE-2019-1547 -",
                     "libssl1.1 CVE-2019-1549 UBUNTU-CVE-2019-1549 -",
                     "libssl1.1 CVE-2019-1551 UBUNTU-CVE-2019-1551 -",
                     "libssl1.1 CVE-2019-1563 UBUNTU-CVE-2019-1563 -"};
  // bionic's release version: the three records fixed in 1.1.0g-2ubuntu4.3 plus the four with
  // no fixed event (status "needed" in the tracker).
  Rows all{"libssl1.1 CVE-2018-0734 UBUNTU-CVE-2018-0734 1.1.0g-2ubuntu4.3",
           "libssl1.1 CVE-2018-0735 UBUNTU-CVE-2018-0735 1.1.0g-2ubuntu4.3",
           "libssl1.1 CVE-2018-5407 UBUNTU-CVE-2018-5407 1.1.0g-2ubuntu4.3"};
  all.insert(all.begin() + 3, unfixed.begin(), unfixed.end());
  CHECK(match_one(deb("1.1.0g-2ubuntu4"), k_bionic) == all);
  CHECK(match_one(deb("1.1.0g-2ubuntu4.1"), k_bionic) == all);      // still below 4.3
  CHECK(match_one(deb("1.1.0g-2ubuntu4.3"), k_bionic) == unfixed);  // just fixed: unfixed remain
  match::MatchOptions opts;
  opts.ignore_unfixed = true;
  CHECK(match::match_packages({deb("1.1.0g-2ubuntu4.3")}, k_bionic, database(), opts)
            .findings.empty());
}

TEST_CASE("PyPI: PEP 503 names, introduced bounds, several ranges") {
  auto py = [](const char* name, const char* version) { return package(name, version, "PyPI"); };
  // urllib3 1.26.4 is PYSEC-2021-59's fix (introduced 1.26.0); still below 1.26.5 (2021-108),
  // 1.26.17 (2023-192) and 1.26.18 (2023-212).
  CHECK(match_one(py("urllib3", "1.26.4"), k_no_os) ==
        Rows{"urllib3 CVE-2021-33503 PYSEC-2021-108 1.26.5",
             "urllib3 CVE-2023-43804 PYSEC-2023-192 1.26.17",
             "urllib3 CVE-2023-45803 PYSEC-2023-212 1.26.18"});
  // 1.26.3 is inside PYSEC-2021-59's [1.26.0, 1.26.4) too.
  CHECK(match_one(py("urllib3", "1.26.3"), k_no_os) ==
        Rows{"urllib3 CVE-2021-28363 PYSEC-2021-59 1.26.4",
             "urllib3 CVE-2021-33503 PYSEC-2021-108 1.26.5",
             "urllib3 CVE-2023-43804 PYSEC-2023-192 1.26.17",
             "urllib3 CVE-2023-45803 PYSEC-2023-212 1.26.18"});
  // 1.16 is below the introduced events of PYSEC-2017-98 (1.17), 2020-149 (1.25.2) and 2021-59
  // (1.26.0), and below every "introduced 0" fix.
  CHECK(match_one(py("urllib3", "1.16"), k_no_os) ==
        Rows{"urllib3 CVE-2018-20060 PYSEC-2018-32 1.23",
             "urllib3 CVE-2018-25091 PYSEC-2023-207 1.24.2",
             "urllib3 CVE-2019-11236 PYSEC-2019-132 1.24.3",
             "urllib3 CVE-2019-11324 PYSEC-2019-133 1.24.2",
             "urllib3 CVE-2020-26137 PYSEC-2020-148 1.25.9",
             "urllib3 CVE-2021-33503 PYSEC-2021-108 1.26.5",
             "urllib3 CVE-2023-43804 PYSEC-2023-192 1.26.17",
             "urllib3 CVE-2023-45803 PYSEC-2023-212 1.26.18"});
  // 1.26.17: just fixed for 2023-192; 2023-212's 1.x branch fix 1.26.18 is the lowest above it
  // (its 2.x branch fix 2.0.7 is not).
  CHECK(match_one(py("urllib3", "1.26.17"), k_no_os) ==
        Rows{"urllib3 CVE-2023-45803 PYSEC-2023-212 1.26.18"});
  // 2.0.6: just fixed for 2023-192's [2.0.0, 2.0.6); 2023-212's [2.0.0, 2.0.7) remains.
  CHECK(match_one(py("urllib3", "2.0.6"), k_no_os) ==
        Rows{"urllib3 CVE-2023-45803 PYSEC-2023-212 2.0.7"});
  // "PyYAML" is looked up as "pyyaml"; 5.1 is 2018-49's fix and 2020-176 / 2020-96's introduced.
  auto yaml = match::match_packages({py("PyYAML", "5.1")}, k_no_os, database());
  REQUIRE(summarize(yaml) == Rows{"PyYAML CVE-2019-20477 PYSEC-2020-176 5.2b1",
                                  "PyYAML CVE-2020-14343 PYSEC-2021-142 5.4",
                                  "PyYAML CVE-2020-1747 PYSEC-2020-96 5.3.1"});
  CHECK(yaml.findings[0].aliases ==
        std::vector<std::string>{"PYSEC-2020-176", "GHSA-3pqx-4fqf-j49f"});
  // 5.0 is below 5.1: only the two "introduced 0" records.
  CHECK(
      match_one(py("PyYAML", "5.0"), k_no_os) ==
      Rows{"PyYAML CVE-2017-18342 PYSEC-2018-49 5.1", "PyYAML CVE-2020-14343 PYSEC-2021-142 5.4"});
  // "Jinja2" -> "jinja2"; 2.10.1 is 2019-217's fix, below 2021-66's 2.11.3.
  CHECK(match_one(py("Jinja2", "2.10.1"), k_no_os) ==
        Rows{"Jinja2 CVE-2020-28493 PYSEC-2021-66 2.11.3"});
  CHECK(match_one(py("Jinja2", "2.11.3"), k_no_os).empty());
}

TEST_CASE("Go: module paths, pseudo-versions, stdlib toolchain versions") {
  auto mod = [](const char* name, const char* version) { return package(name, version, "Go"); };
  // x/text v0.3.7 is GO-2021-0113's fix; below GO-2022-1059 (0.3.8) and GO-2026-5970 (0.39.0).
  CHECK(match_one(mod("golang.org/x/text", "v0.3.7"), k_no_os) ==
        Rows{"golang.org/x/text CVE-2022-32149 GO-2022-1059 0.3.8",
             "golang.org/x/text CVE-2026-56852 GO-2026-5970 0.39.0"});
  CHECK(match_one(mod("golang.org/x/text", "v0.39.0"), k_no_os).empty());
  // gin v1.3.0 is below GO-2023-1737's introduced 1.3.1-0.20190301021747-ccb9e902956d.
  CHECK(match_one(mod("github.com/gin-gonic/gin", "v1.3.0"), k_no_os) ==
        Rows{"github.com/gin-gonic/gin CVE-2020-28483 GO-2021-0052 1.7.7",
             "github.com/gin-gonic/gin CVE-2020-36567 GO-2020-0001 1.6.0"});
  // v1.9.0 is inside GO-2023-1737 only; v1.9.1 is its fix.
  auto gin =
      match::match_packages({mod("github.com/gin-gonic/gin", "v1.9.0")}, k_no_os, database());
  REQUIRE(summarize(gin) == Rows{"github.com/gin-gonic/gin CVE-2023-29401 GO-2023-1737 1.9.1"});
  CHECK(gin.findings[0].aliases == std::vector<std::string>{"GO-2023-1737", "GHSA-2c4m-59x9-fr2g"});
  CHECK(match_one(mod("github.com/gin-gonic/gin", "v1.9.1"), k_no_os).empty());
  // x/net v0.50.0: GO-2026-4559 [0.50.0, 0.51.0), GO-2026-4918 (<0.53.0), GO-2026-5025..5030
  // (<0.55.0), GO-2026-5942 (<0.56.0).
  CHECK(match_one(mod("golang.org/x/net", "v0.50.0"), k_no_os) ==
        Rows{"golang.org/x/net CVE-2026-25680 GO-2026-5028 0.55.0",
             "golang.org/x/net CVE-2026-25681 GO-2026-5029 0.55.0",
             "golang.org/x/net CVE-2026-27136 GO-2026-5030 0.55.0",
             "golang.org/x/net CVE-2026-27141 GO-2026-4559 0.51.0",
             "golang.org/x/net CVE-2026-33814 GO-2026-4918 0.53.0",
             "golang.org/x/net CVE-2026-39821 GO-2026-5026 0.55.0",
             "golang.org/x/net CVE-2026-42502 GO-2026-5027 0.55.0",
             "golang.org/x/net CVE-2026-42506 GO-2026-5025 0.55.0",
             "golang.org/x/net CVE-2026-46600 GO-2026-5942 0.56.0"});
  // A pseudo-version equal to GO-2022-0969's fix: the 9 older records (fixed at earlier
  // pseudo-versions) and 0969 itself are out, 4559 too (below its introduced 0.50.0).
  auto pseudo = summarize(match::match_packages(
      {mod("golang.org/x/net", "v0.0.0-20220906165146-f3363e06e74c")}, k_no_os, database()));
  CHECK(pseudo.size() == 19);  // 1144, 1495, 1571, 1988, 2102, 2687, 3333, 3503, 3595, 4440,
                               // 4441, 4918, 5025, 5026, 5027, 5028, 5029, 5030, 5942
  for (const auto& row : pseudo) {
    CHECK(row.find("GO-2022-0969") == std::string::npos);
    CHECK(row.find("GO-2026-4559") == std::string::npos);
  }
  // stdlib as Go writes its version ("go1.20.3" -> "1.20.3"): GO-2023-1702 fixed 1.20.3; inside
  // 1751 [1.20.0-0, 1.20.4), 2041 / 2102 / 2185 (<1.20.8 / 1.20.10 / 1.20.11), 2687, 3503, 4918,
  // 5026 (introduced 0, fixes in 1.21-1.25); 5942 starts at 1.26.0-0; 2375 fixed 1.20.0.
  CHECK(
      match_one(mod("stdlib", "go1.20.3"), k_no_os) ==
      Rows{"stdlib CVE-2023-24539 GO-2023-1751 1.20.4", "stdlib CVE-2023-39318 GO-2023-2041 1.20.8",
           "stdlib CVE-2023-39325 GO-2023-2102 1.20.10",
           "stdlib CVE-2023-45283 GO-2023-2185 1.20.11",
           "stdlib CVE-2023-45288 GO-2024-2687 1.21.9", "stdlib CVE-2025-22870 GO-2025-3503 1.23.7",
           "stdlib CVE-2026-33814 GO-2026-4918 1.25.10",
           "stdlib CVE-2026-39821 GO-2026-5026 1.25.13"});
  // go1.20.11 is GO-2023-2185's first entry's fix but inside its second entry [1.20.11, 1.20.12).
  CHECK(match_one(mod("stdlib", "go1.20.11"), k_no_os) ==
        Rows{"stdlib CVE-2023-45283 GO-2023-2185 1.20.12",
             "stdlib CVE-2023-45288 GO-2024-2687 1.21.9",
             "stdlib CVE-2025-22870 GO-2025-3503 1.23.7",
             "stdlib CVE-2026-33814 GO-2026-4918 1.25.10",
             "stdlib CVE-2026-39821 GO-2026-5026 1.25.13"});
}

TEST_CASE("Language packages: their own ecosystem, whatever the OS; no data is unsupported") {
  const auto& db = database();
  // An Alpine image with a PyPI and an npm package: PyPI is matched, npm is not in the database.
  auto out = match::match_packages(
      {package("musl", "1.1.22-r3", "Alpine:v3.10", "musl"), package("urllib3", "1.26.17", "PyPI"),
       package("left-pad", "1.0.0", "npm")},
      k_alpine310, db);
  CHECK(out.os_data);
  CHECK(summarize(out) == Rows{"urllib3 CVE-2023-45803 PYSEC-2023-212 1.26.18"});
  CHECK(out.unsupported_ecosystems == std::vector<std::string>{"npm"});
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].rfind("no vulnerability data for npm in the database (it has: ", 0) == 0);
  CHECK(out.warnings[0].find("findings for 1 npm package are not reported") != std::string::npos);

  // No OS: still the OS warning, and the language packages are matched.
  auto bare = match::match_packages({package("golang.org/x/text", "v0.3.7", "Go")}, k_no_os, db);
  CHECK(!bare.os_data);
  CHECK(bare.findings.size() == 2);
  REQUIRE(bare.warnings.size() == 1);
  CHECK(bare.warnings[0].find("unknown operating system") != std::string::npos);
  CHECK(bare.unsupported_ecosystems.empty());

  // An OS package of another distribution is not matched, and is not "unsupported" either.
  auto other =
      match::match_packages({package("xz-libs", "5.2.5-7.el9", "AlmaLinux:9")}, k_alpine310, db);
  CHECK(other.findings.empty());
  CHECK(other.unsupported_ecosystems.empty());
}

TEST_CASE("Two advisories without a CVE that name each other become one finding") {
  // PYSEC-2022-199 (real: the malicious "ctx" releases, introduced 0.1.2-1, no fix) aliases
  // GSD-2022-1002521; osv-match/linked/GSD-2022-1002521.json is derived from it (see SOURCE.md) and
  // aliases it back. Neither names a CVE: one finding under the smaller id.
  auto out = match::match_packages({package("ctx", "0.2.6", "PyPI")}, k_no_os, database());
  REQUIRE(summarize(out) == Rows{"ctx GSD-2022-1002521 GSD-2022-1002521 -"});
  CHECK(out.findings[0].aliases == std::vector<std::string>{"PYSEC-2022-199"});
  CHECK(out.findings[0].status == "affected");
  // 0.1.1 is below the introduced 0.1.2-1 and not in the `versions` list.
  CHECK(match_one(package("ctx", "0.1.1", "PyPI"), k_no_os).empty());
}
