#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "match/matcher.hpp"
#include "match_support.hpp"
#include "util/log.hpp"
#include "vulndb/database.hpp"

using namespace strata;
using match_test::database;
using match_test::summarize;

namespace {

model::OsInfo alpine310() {
  return {"alpine", "3.10.2", "Alpine:v3.10", "Alpine Linux v3.10"};
}
model::OsInfo debian10() {
  return {"debian", "10", "Debian:10", "Debian GNU/Linux 10 (buster)"};
}

model::Package apk(const char* name, const char* version, const char* origin) {
  model::Package p;
  p.name = name;
  p.version = version;
  p.type = "apk";
  p.ecosystem = "Alpine:v3.10";
  p.source_name = origin;
  p.source_version = version;
  return p;
}

model::Package deb(const char* name, const char* version, const char* source,
                   const char* source_version, const char* ecosystem = "Debian:10") {
  model::Package p;
  p.name = name;
  p.version = version;
  p.type = "dpkg";
  p.ecosystem = ecosystem;
  p.source_name = source;
  p.source_version = source_version;
  return p;
}

}  // namespace

// Expected sets were checked by hand against the records (testdata/demo/osv-alpine-v3.10):
// openssl  ALPINE-CVE-2018-0734/0735 fixed 1.1.1a-r0, 2019-1543 fixed 1.1.1b-r1,
//          2019-1547/1549/1563 fixed 1.1.1d-r0;
// musl     ALPINE-CVE-2019-14697 fixed 1.1.22-r3 (2016-8859 fixed 1.1.15-r4);
// busybox  ALPINE-CVE-2018-20679 fixed 1.29.3-r10, 2019-5747 with two entries fixed 1.29.3-r10
//          and 1.30.1-r2, 2017-15873/15874/16544 fixed 1.27.2-r4.
TEST_CASE("Alpine v3.10: origin names, affected and just-fixed versions") {
  const auto& db = database();
  SECTION("alpine:3.10.2-era packages") {
    auto out = match::match_packages(
        {apk("libcrypto1.1", "1.1.1c-r0", "openssl"), apk("musl", "1.1.22-r2", "musl"),
         apk("busybox", "1.30.1-r1", "busybox"), apk("zlib", "1.2.11-r1", "zlib")},
        alpine310(), db);
    CHECK(out.warnings.empty());
    CHECK(summarize(out) == std::vector<std::string>{
                                "busybox CVE-2019-5747 ALPINE-CVE-2019-5747 1.30.1-r2",
                                "libcrypto1.1 CVE-2019-1547 ALPINE-CVE-2019-1547 1.1.1d-r0",
                                "libcrypto1.1 CVE-2019-1549 ALPINE-CVE-2019-1549 1.1.1d-r0",
                                "libcrypto1.1 CVE-2019-1563 ALPINE-CVE-2019-1563 1.1.1d-r0",
                                "musl CVE-2019-14697 ALPINE-CVE-2019-14697 1.1.22-r3",
                            });
    const auto& f = out.findings[1];
    CHECK(f.source_name == "openssl");
    CHECK(f.installed_version == "1.1.1c-r0");
    CHECK(f.status == "fixed");
    CHECK(f.aliases == std::vector<std::string>{"ALPINE-CVE-2019-1547"});
    CHECK(f.links ==
          std::vector<std::string>{"https://security.alpinelinux.org/vuln/CVE-2019-1547"});
    CHECK(f.severity == model::Severity::unknown);  // the secdb-derived records carry none
  }
  SECTION("just-fixed versions are not affected") {
    auto out = match::match_packages(
        {apk("libssl1.1", "1.1.1d-r0", "openssl"), apk("musl", "1.1.22-r3", "musl"),
         apk("busybox", "1.30.1-r2", "busybox")},
        alpine310(), db);
    CHECK(out.findings.empty());
    CHECK(out.warnings.empty());
  }
  SECTION("a fixed event equal to the version is not affected; lower fixes are") {
    auto out = match::match_packages({apk("libssl1.1", "1.1.1a-r0", "openssl")}, alpine310(), db);
    CHECK(summarize(out) == std::vector<std::string>{
                                "libssl1.1 CVE-2019-1543 ALPINE-CVE-2019-1543 1.1.1b-r1",
                                "libssl1.1 CVE-2019-1547 ALPINE-CVE-2019-1547 1.1.1d-r0",
                                "libssl1.1 CVE-2019-1549 ALPINE-CVE-2019-1549 1.1.1d-r0",
                                "libssl1.1 CVE-2019-1563 ALPINE-CVE-2019-1563 1.1.1d-r0",
                            });
  }
  SECTION("two affected entries of one advisory: the lowest fix wins") {
    auto out = match::match_packages({apk("ssl_client", "1.29.3-r9", "busybox")}, alpine310(), db);
    CHECK(summarize(out) == std::vector<std::string>{
                                "ssl_client CVE-2018-20679 ALPINE-CVE-2018-20679 1.29.3-r10",
                                "ssl_client CVE-2019-5747 ALPINE-CVE-2019-5747 1.29.3-r10",
                            });
  }
}

// Debian 10 openssl advisories (testdata/osv/debian-10-11): DSA-4963-1 fixed 1.1.1d-0+deb10u7,
// DSA-5103-1 fixed 1.1.1d-0+deb10u8 (CVE-2021-4160, CVE-2022-0778), DSA-5139-1 1.1.1n-0+deb10u2,
// DSA-5169-1 1.1.1n-0+deb10u3, DLA-3325-1 1.1.1n-0+deb10u4 (CVE-2022-2097, ...); older ones
// fixed at deb10u1..u6. Checked with `dpkg --compare-versions`.
TEST_CASE("Debian 10: binary packages match through their source package and version") {
  const auto& db = database();
  const std::vector<std::string> expected_openssl{
      "libssl1.1 CVE-2021-4160 DSA-5103-1 1.1.1d-0+deb10u8",
      "libssl1.1 CVE-2022-1292 DSA-5139-1 1.1.1n-0+deb10u2",
      "libssl1.1 CVE-2022-2068 DSA-5169-1 1.1.1n-0+deb10u3",
      "libssl1.1 CVE-2022-2097 DLA-3325-1 1.1.1n-0+deb10u4",
  };
  SECTION("libssl1.1 from source openssl") {
    auto out = match::match_packages(
        {deb("libssl1.1", "1.1.1d-0+deb10u7", "openssl", "1.1.1d-0+deb10u7")}, debian10(), db);
    CHECK(out.warnings.empty());
    CHECK(summarize(out) == expected_openssl);
    const auto& f = out.findings[0];
    CHECK(f.source_name == "openssl");
    // The other CVEs of the DSA travel as aliases.
    CHECK(f.aliases == std::vector<std::string>{"DSA-5103-1", "DEBIAN-CVE-2021-4160",
                                                "DEBIAN-CVE-2022-0778", "CVE-2022-0778"});
  }
  SECTION("the source version decides, not the binary version") {
    // A binNMU-style binary version above every fix: only the source version counts.
    auto out = match::match_packages(
        {deb("libssl1.1", "1.1.1n-0+deb10u9", "openssl", "1.1.1d-0+deb10u7")}, debian10(), db);
    REQUIRE(out.findings.size() == 4);
    CHECK(out.findings[0].installed_version == "1.1.1n-0+deb10u9");
  }
  SECTION("the binary name alone finds nothing") {
    auto out = match::match_packages({deb("libssl1.1", "1.1.1d-0+deb10u7", "", "1.1.1d-0+deb10u7")},
                                     debian10(), db);
    CHECK(out.findings.empty());
  }
  SECTION("just fixed") {
    auto out = match::match_packages(
        {deb("openssl", "1.1.1n-0+deb10u4", "openssl", "1.1.1n-0+deb10u4")}, debian10(), db);
    CHECK(out.findings.empty());
  }
  SECTION("packages of another release are not matched") {
    auto out = match::match_packages(
        {deb("libssl1.1", "1.1.1d-0+deb10u7", "openssl", "1.1.1d-0+deb10u7", "Debian:11")},
        debian10(), db);
    CHECK(out.findings.empty());
  }
}

TEST_CASE("Two advisories for the same CVE and package become one finding") {
  // DLA-3190-1 (fixed 2.06-3~deb10u2) and DLA-3190-2 (fixed 2.06-3~deb10u3) both name
  // CVE-2022-2601 and CVE-2022-3775 for grub2 in Debian:10.
  const auto& db = database();
  auto out = match::match_packages(
      {deb("grub-common", "2.06-3~deb10u1", "grub2", "2.06-3~deb10u1")}, debian10(), db);
  REQUIRE(summarize(out) ==
          std::vector<std::string>{"grub-common CVE-2022-2601 DLA-3190-1 2.06-3~deb10u2"});
  CHECK(out.findings[0].aliases == std::vector<std::string>{"DLA-3190-1", "DEBIAN-CVE-2022-2601",
                                                            "DEBIAN-CVE-2022-3775", "CVE-2022-3775",
                                                            "DLA-3190-2"});

  auto later = match::match_packages(
      {deb("grub-common", "2.06-3~deb10u2", "grub2", "2.06-3~deb10u2")}, debian10(), db);
  CHECK(summarize(later) ==
        std::vector<std::string>{"grub-common CVE-2022-2601 DLA-3190-2 2.06-3~deb10u3"});
}

TEST_CASE("No data for the image's ecosystem is a warning, never a silent clean result") {
  const auto& db = database();
  model::OsInfo alpine318{"alpine", "3.18.9", "Alpine:v3.18", "Alpine Linux v3.18"};
  model::Package musl = apk("musl", "1.2.4-r2", "musl");
  musl.ecosystem = "Alpine:v3.18";
  auto out = match::match_packages({musl}, alpine318, db);
  CHECK(out.findings.empty());
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].rfind("no vulnerability data for Alpine:v3.18 in the database (it has: ",
                              0) == 0);
  CHECK(out.warnings[0].find("Alpine:v3.10") != std::string::npos);
  CHECK(out.warnings[0].find("Debian:11") != std::string::npos);
  CHECK(out.warnings[0].find("findings for OS packages are not reported") != std::string::npos);

  auto unknown = match::match_packages({musl}, model::OsInfo{}, db);
  CHECK(unknown.findings.empty());
  REQUIRE(unknown.warnings.size() == 1);
  CHECK(unknown.warnings[0].find("not reported") != std::string::npos);
}

TEST_CASE("Without OS packages (--pkg-types library), nothing is said about the OS's data") {
  const auto& db = database();
  model::OsInfo alpine318{"alpine", "3.18.9", "Alpine:v3.18", "Alpine Linux v3.18"};
  match::MatchOptions options;
  options.os_packages = false;
  for (const auto& os : {alpine318, alpine310(), model::OsInfo{}}) {
    auto out = match::match_packages({}, os, db, options);
    CHECK(out.findings.empty());
    CHECK(out.warnings.empty());
    CHECK_FALSE(out.os_data);
  }
}

TEST_CASE("An unparseable installed version is a warning naming the package") {
  const auto& db = database();
  auto out = match::match_packages(
      {apk("musl", "not a version!", "musl"), apk("libssl1.1", "1.1.1c-r0", "openssl")},
      alpine310(), db);
  CHECK(out.findings.size() == 3);  // the other package is still matched
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("musl") != std::string::npos);
}

TEST_CASE("Ubuntu: a UBUNTU-CVE and a USN record merge; unfixed entries are status affected") {
  // UBUNTU-CVE-2021-3782 and USN-5614-1 (real records) both fix CVE-2021-3782 in wayland
  // 1.20.0-1ubuntu0.1 for Ubuntu:22.04:LTS; UBUNTU-CVE-2016-20013 names glibc with no fix.
  const auto& db = database();
  model::OsInfo jammy{"ubuntu", "22.04", "Ubuntu:22.04:LTS", "Ubuntu 22.04 LTS"};
  auto wayland = deb("libwayland-client0", "1.20.0-1", "wayland", "1.20.0-1", "Ubuntu:22.04:LTS");
  auto libc = deb("libc6", "2.35-0ubuntu3", "glibc", "2.35-0ubuntu3", "Ubuntu:22.04:LTS");
  auto out = match::match_packages({wayland, libc}, jammy, db);
  CHECK(out.warnings.empty());
  REQUIRE(summarize(out) ==
          std::vector<std::string>{
              "libc6 CVE-2016-20013 UBUNTU-CVE-2016-20013 -",
              "libwayland-client0 CVE-2021-3782 UBUNTU-CVE-2021-3782 1.20.0-1ubuntu0.1",
          });
  CHECK(out.findings[0].status == "affected");
  CHECK(out.findings[1].status == "fixed");
  const auto& aliases = out.findings[1].aliases;
  CHECK(std::find(aliases.begin(), aliases.end(), "USN-5614-1") != aliases.end());
  CHECK(out.findings[1].severity != model::Severity::unknown);

  // Just fixed.
  wayland.source_version = "1.20.0-1ubuntu0.1";
  CHECK(match::match_packages({wayland}, jammy, db).findings.empty());

  match::MatchOptions opts;
  opts.ignore_unfixed = true;
  auto fixed_only = match::match_packages({libc}, jammy, db, opts);
  CHECK(fixed_only.findings.empty());
}

// Many packages are matched on several threads; the result must be exactly what matching each
// package on its own gives, in the same order.
TEST_CASE("Matching on several threads gives the same findings as one package at a time") {
  const auto& db = database();
  std::vector<model::Package> packages;
  for (const char* source : {"openssl", "curl", "nginx", "tiff", "imagemagick", "linux", "xen",
                             "qemu", "php7.3", "firefox-esr", "thunderbird", "chromium"}) {
    for (const char* version : {"0.1", "1.0-1", "2.0-1", "99:1"}) {
      for (int copy = 0; copy < 3; ++copy) {
        std::string name = fmt::format("{}-bin{}", source, copy);
        packages.push_back(deb(name.c_str(), version, source, version));
      }
    }
  }
  REQUIRE(packages.size() >= 64);  // the threaded path
  model::OsInfo os = debian10();
  auto all = match::match_packages(packages, os, db);
  std::vector<model::Finding> one_by_one;
  for (const auto& p : packages) {
    auto single = match::match_packages({p}, os, db);
    one_by_one.insert(one_by_one.end(), single.findings.begin(), single.findings.end());
  }
  std::stable_sort(one_by_one.begin(), one_by_one.end(),
                   [](const model::Finding& a, const model::Finding& b) {
                     return std::tie(a.package, a.installed_version, a.id) <
                            std::tie(b.package, b.installed_version, b.id);
                   });
  REQUIRE(all.findings.size() == one_by_one.size());
  CHECK(all.findings.size() > 100);
  for (std::size_t i = 0; i < all.findings.size(); ++i) {
    INFO(i);
    CHECK(all.findings[i].package == one_by_one[i].package);
    CHECK(all.findings[i].id == one_by_one[i].id);
    CHECK(all.findings[i].aliases == one_by_one[i].aliases);
    CHECK(all.findings[i].fixed_version == one_by_one[i].fixed_version);
    CHECK(all.findings[i].description == one_by_one[i].description);
  }
  // And the same again (the threads' order differs from run to run).
  auto again = match::match_packages(packages, os, db);
  REQUIRE(again.findings.size() == all.findings.size());
  for (std::size_t i = 0; i < all.findings.size(); ++i) {
    CHECK(again.findings[i].id == all.findings[i].id);
  }
}
