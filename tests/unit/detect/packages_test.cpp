#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "detect/apk.hpp"
#include "detect/detect.hpp"
#include "detect/dpkg.hpp"
#include "detect/purl.hpp"
#include "fixtures.hpp"
#include "vfs/mem_fs.hpp"

using namespace strata;
using namespace strata::detect;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

model::OsInfo debian12() {
  return {"debian", "12", "Debian:12", "Debian GNU/Linux 12"};
}
model::OsInfo alpine318() {
  return {"alpine", "3.18.9", "Alpine:v3.18", "Alpine Linux v3.18"};
}

// (name, version) pairs, as a sorted multiset for order-independent exact comparison.
std::multiset<std::pair<std::string, std::string>> name_versions(
    const std::vector<model::Package>& pkgs) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const auto& p : pkgs) {
    out.emplace(p.name, p.version);
  }
  return out;
}

std::multiset<std::pair<std::string, std::string>> expected(const std::string& tsv) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const auto& row : expected_rows(tsv)) {
    REQUIRE(row.size() >= 2);
    out.emplace(row[0], row[1]);
  }
  return out;
}

const model::Package* find(const std::vector<model::Package>& pkgs, std::string_view name) {
  auto it = std::find_if(pkgs.begin(), pkgs.end(), [&](const auto& p) { return p.name == name; });
  return it == pkgs.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("dpkg status files match their expected package lists exactly") {
  struct Case {
    const char* dir;
    std::size_t count;
    std::size_t warnings;
  };
  for (auto c : {Case{"trivy-ubuntu1804-status", 90, 0}, Case{"scalibr-debian12-status", 7, 0},
                 Case{"scalibr-transitional", 1, 0}, Case{"local-debian12-cpp-image", 797, 0},
                 Case{"scalibr-opkg-status", 3, 0}}) {
    CAPTURE(c.dir);
    auto base = std::string("pkgdb/dpkg/") + c.dir;
    vfs::MemFs fs;
    fs.add_file("/var/lib/dpkg/status", testdata(base + "/status"), 0644, "sha256:layer1");
    std::vector<std::string> w;
    auto pkgs = detect_packages(fs, debian12(), w);
    CHECK(pkgs.size() == c.count);
    CHECK(w.size() == c.warnings);
    CHECK(name_versions(pkgs) == expected(base + "/expected.tsv"));
    for (const auto& p : pkgs) {
      CHECK(p.type == "dpkg");
      CHECK(p.ecosystem == "Debian:12");
      CHECK(p.layer == "sha256:layer1");
      CHECK(p.location == "/var/lib/dpkg/status");
      CHECK_FALSE(p.source_name.empty());
      CHECK_FALSE(p.source_version.empty());
    }
  }
}

TEST_CASE("dpkg Source: name and optional version, defaults to the binary's") {
  std::vector<std::string> w;
  auto pkgs = parse_dpkg_status(testdata("pkgdb/dpkg/scalibr-debian12-status/status"),
                                "/var/lib/dpkg/status", debian12(), w);
  auto* libacl = find(pkgs, "libacl1");
  REQUIRE(libacl);
  CHECK(libacl->source_name == "acl");
  CHECK(libacl->source_version == "2.3.1-3");
  auto* extra = find(pkgs, "util-linux-extra");
  REQUIRE(extra);
  CHECK(extra->version == "2.38.1-5+b1");
  CHECK(extra->source_name == "util-linux");
  CHECK(extra->source_version == "2.38.1-5");
  auto* attr = find(pkgs, "attr");
  REQUIRE(attr);
  CHECK(attr->source_name == "attr");
  CHECK(attr->source_version == "1:2.5.1-4");
  CHECK(attr->arch == "amd64");
  CHECK(attr->purl == "pkg:deb/debian/attr@1:2.5.1-4?arch=amd64&distro=debian-12");
  CHECK(extra->purl == "pkg:deb/debian/util-linux-extra@2.38.1-5+b1?arch=amd64&distro=debian-12");

  auto tr =
      parse_dpkg_status(testdata("pkgdb/dpkg/scalibr-transitional/status"), "s", debian12(), w);
  REQUIRE(tr.size() == 1);
  CHECK(tr[0].source_name == "firefox-esr");
  CHECK(tr[0].source_version == "78.13.0esr-1~deb10u1");
  CHECK(tr[0].arch == "all");
  CHECK(w.empty());
}

TEST_CASE("dpkg: the 797-package Debian 12 status has the source names dpkg-query reports") {
  std::vector<std::string> w;
  auto pkgs = parse_dpkg_status(testdata("pkgdb/dpkg/local-debian12-cpp-image/status"),
                                "/var/lib/dpkg/status", debian12(), w);
  REQUIRE(pkgs.size() == 797);
  auto* bash = find(pkgs, "bash");
  REQUIRE(bash);
  CHECK(bash->source_name == "bash");
  CHECK(bash->source_version == "5.2.15-2");
  CHECK(bash->version == "5.2.15-2+b8");  // binNMU: the source version differs
  auto* libc6 = find(pkgs, "libc6");
  REQUIRE(libc6);
  CHECK(libc6->source_name == "glibc");
  CHECK(libc6->source_version == libc6->version);
}

TEST_CASE("dpkg Ubuntu purls use the ubuntu namespace and distro") {
  std::vector<std::string> w;
  model::OsInfo ubuntu{"ubuntu", "18.04", "Ubuntu:18.04:LTS", ""};
  auto pkgs = parse_dpkg_status(testdata("pkgdb/dpkg/trivy-ubuntu1804-status/status"),
                                "/var/lib/dpkg/status", ubuntu, w);
  auto* adduser = find(pkgs, "adduser");
  REQUIRE(adduser);
  CHECK(adduser->purl == "pkg:deb/ubuntu/adduser@3.116ubuntu1?arch=all&distro=ubuntu-18.04");
  CHECK(adduser->ecosystem == "Ubuntu:18.04:LTS");
  // The deinstalled git (config-files only) is not reported.
  CHECK(find(pkgs, "git") == nullptr);
}

TEST_CASE("dpkg installed states") {
  CHECK(dpkg_status_installed("install ok installed"));
  CHECK(dpkg_status_installed("hold ok installed"));
  CHECK(dpkg_status_installed("deinstall ok installed"));
  CHECK(dpkg_status_installed("install ok triggers-pending"));
  CHECK(dpkg_status_installed("install ok triggers-awaited"));
  CHECK(dpkg_status_installed("install ok half-configured"));
  CHECK(dpkg_status_installed("install reinstreq installed"));
  CHECK(dpkg_status_installed("  install  ok  installed "));
  CHECK_FALSE(dpkg_status_installed("deinstall ok config-files"));
  CHECK_FALSE(dpkg_status_installed("purge ok not-installed"));
  CHECK_FALSE(dpkg_status_installed("install ok unpacked"));
  CHECK_FALSE(dpkg_status_installed("install ok half-installed"));
  CHECK_FALSE(dpkg_status_installed("install ok"));
  CHECK_FALSE(dpkg_status_installed(""));
}

TEST_CASE("dpkg corrupt entries are skipped with a warning, the rest is kept") {
  std::string status =
      "Package: good\r\nStatus: install ok installed\r\nVersion: 1.0-1\r\nDescription: x\r\n"
      " long text\r\n .\r\n\r\n"
      "Status: install ok installed\nVersion: 2.0\n\n"
      "Package: noversion\nStatus: install ok installed\n\n"
      "Package: removed\nStatus: purge ok not-installed\n\n"
      "garbage line\nPackage: good2\nversion: 3\nstatus: hold ok installed\n \t \n"
      "Package: last\nVersion: 4";
  std::vector<std::string> w;
  auto pkgs = parse_dpkg_status(status, "/var/lib/dpkg/status", debian12(), w);
  REQUIRE(pkgs.size() == 3);
  CHECK(pkgs[0].name == "good");
  CHECK(pkgs[0].version == "1.0-1");
  CHECK(pkgs[1].name == "good2");
  CHECK(pkgs[1].version == "3");
  CHECK(pkgs[2].name == "last");
  REQUIRE(w.size() == 3);
  CHECK(w[0] == "/var/lib/dpkg/status: skipped a dpkg entry at line 8 without Package");
  CHECK(
      w[1] ==
      "/var/lib/dpkg/status: skipped a dpkg entry at line 11 without Version (package noversion)");
  CHECK(w[2] == "/var/lib/dpkg/status: line 17: not a 'Field: value' line, ignored");
}

TEST_CASE("distroless status.d: one or more stanzas per file, .md5sums skipped") {
  vfs::MemFs fs;
  for (const char* dir : {"scalibr-distroless-status.d", "syft-distroless-status.d"}) {
    auto base = std::string("pkgdb/dpkg/") + dir + "/status.d/";
    for (const char* name : {"foo", "foo.md5sums", "libsqlite3-0", "libsqlite3-0.md5sums"}) {
      auto content = util::read_file(std::string(STRATA_TESTDATA_DIR) + "/" + base + name);
      if (content.ok()) {
        fs.add_file(std::string("/var/lib/dpkg/status.d/") + name, *content, 0644,
                    "L-" + std::string(name));
      }
    }
  }
  REQUIRE(fs.list_dir("/var/lib/dpkg/status.d")->size() == 4);
  std::vector<std::string> w;
  auto pkgs = detect_packages(fs, debian12(), w);
  auto want = expected("pkgdb/dpkg/scalibr-distroless-status.d/expected.tsv");
  auto more = expected("pkgdb/dpkg/syft-distroless-status.d/expected.tsv");
  want.insert(more.begin(), more.end());
  CHECK(name_versions(pkgs) == want);
  CHECK(w.empty());
  auto* sqlite = find(pkgs, "libsqlite3-0");
  REQUIRE(sqlite);
  CHECK(sqlite->source_name == "sqlite3");
  CHECK(sqlite->arch == "arm64");
  CHECK(sqlite->location == "/var/lib/dpkg/status.d/libsqlite3-0");
  CHECK(sqlite->layer == "L-libsqlite3-0");
}

TEST_CASE("apk installed files match their expected package lists exactly") {
  struct Case {
    const char* dir;
    std::size_t count;
    std::size_t warnings;
  };
  for (auto c : {Case{"scalibr-alpine318-installed", 15, 0}, Case{"scalibr-different-arch", 1, 0},
                 Case{"trivy-alpine34-installed", 15, 1}}) {
    CAPTURE(c.dir);
    auto base = std::string("pkgdb/apk/") + c.dir;
    vfs::MemFs fs;
    fs.add_file("/lib/apk/db/installed", testdata(base + "/installed"), 0644, "sha256:l");
    std::vector<std::string> w;
    auto pkgs = detect_packages(fs, alpine318(), w);
    CHECK(pkgs.size() == c.count);
    CHECK(w.size() == c.warnings);
    CHECK(name_versions(pkgs) == expected(base + "/expected.tsv"));
    for (const auto& p : pkgs) {
      CHECK(p.type == "apk");
      CHECK(p.ecosystem == "Alpine:v3.18");
      CHECK(p.layer == "sha256:l");
      CHECK(p.source_version == p.version);
    }
  }
}

TEST_CASE("apk fields: origin, arch, purl, license, and the missing-V: warning") {
  std::vector<std::string> w;
  auto pkgs = parse_apk_installed(testdata("pkgdb/apk/scalibr-alpine318-installed/installed"),
                                  "/lib/apk/db/installed", alpine318(), w);
  auto* libcrypto = find(pkgs, "libcrypto3");
  REQUIRE(libcrypto);
  CHECK(libcrypto->source_name == "openssl");
  CHECK(libcrypto->arch == "x86_64");
  CHECK(libcrypto->purl == "pkg:apk/alpine/libcrypto3@3.1.0-r4?arch=x86_64&distro=3.18.9");
  CHECK(libcrypto->license == "Apache-2.0");
  auto* binsh = find(pkgs, "busybox-binsh");
  REQUIRE(binsh);
  CHECK(binsh->source_name == "busybox");
  CHECK(binsh->license == "GPL-2.0-only");

  auto arch = parse_apk_installed(testdata("pkgdb/apk/scalibr-different-arch/installed"), "x",
                                  alpine318(), w);
  REQUIRE(arch.size() == 1);
  CHECK(arch[0].arch != "x86_64");
  CHECK_FALSE(arch[0].arch.empty());

  auto old = parse_apk_installed(testdata("pkgdb/apk/trivy-alpine34-installed/installed"),
                                 "/lib/apk/db/installed", alpine318(), w);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("invalidPackageWithoutAVersion") != std::string::npos);
  CHECK(w[0].find("without V:") != std::string::npos);
}

TEST_CASE("apk: /lib and /usr/lib databases, deduplicated when they are the same") {
  auto content = testdata("pkgdb/apk/scalibr-alpine318-installed/installed");
  std::vector<std::string> w;
  SECTION("only /usr/lib/apk/db/installed (apk-tools 3)") {
    vfs::MemFs fs;
    fs.add_file("/usr/lib/apk/db/installed", content);
    auto pkgs = detect_packages(fs, alpine318(), w);
    CHECK(pkgs.size() == 15);
    CHECK(pkgs[0].location == "/usr/lib/apk/db/installed");
  }
  SECTION("/lib -> usr/lib symlink: read once") {
    vfs::MemFs fs;
    fs.add_file("/usr/lib/apk/db/installed", content);
    fs.add_symlink("/lib", "usr/lib");
    CHECK(detect_packages(fs, alpine318(), w).size() == 15);
  }
  SECTION("two different files: union, duplicates once") {
    vfs::MemFs fs;
    fs.add_file("/lib/apk/db/installed", content);
    fs.add_file("/usr/lib/apk/db/installed", "P:extra\nV:1.0-r0\nA:x86_64\n\n" + content);
    auto pkgs = detect_packages(fs, alpine318(), w);
    CHECK(pkgs.size() == 16);
  }
  CHECK(w.empty());
}

TEST_CASE("detect_packages: empty, unreadable and unknown-OS cases") {
  std::vector<std::string> w;
  SECTION("no databases") {
    vfs::MemFs fs;
    fs.add_file("/etc/os-release", "ID=alpine\n");
    CHECK(detect_packages(fs, alpine318(), w).empty());
    CHECK(w.empty());
  }
  SECTION("a database that is a directory is a warning") {
    vfs::MemFs fs;
    fs.add_dir("/var/lib/dpkg/status");
    CHECK(detect_packages(fs, debian12(), w).empty());
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("/var/lib/dpkg/status") != std::string::npos);
  }
  SECTION("packages without an OS ecosystem are reported, with a warning") {
    vfs::MemFs fs;
    fs.add_file("/var/lib/dpkg/status", "Package: a\nVersion: 1\n");
    auto pkgs = detect_packages(fs, model::OsInfo{}, w);
    REQUIRE(pkgs.size() == 1);
    CHECK(pkgs[0].purl == "pkg:deb/debian/a@1");
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("cannot be matched") != std::string::npos);
  }
}

TEST_CASE("parse_database_file dispatches by path") {
  std::vector<std::string> w;
  CHECK(parse_database_file("/var/lib/dpkg/status", "Package: a\nVersion: 1\n", debian12(), w)
            .size() == 1);
  CHECK(parse_database_file("var/lib/dpkg/status.d/a", "Package: a\nVersion: 1\n", debian12(), w)
            .size() == 1);
  CHECK(parse_database_file("/usr/lib/apk/db/installed", "P:a\nV:1-r0\n", alpine318(), w).size() ==
        1);
  CHECK(parse_database_file("/lib/apk/db/installed", "P:a\nV:1-r0\n", alpine318(), w)[0].type ==
        "apk");
  CHECK(parse_database_file("/var/lib/dpkg/status.d/a.md5sums", "Package: a\nVersion: 1\n",
                            debian12(), w)
            .empty());
  CHECK(parse_database_file("/etc/passwd", "Package: a\nVersion: 1\n", debian12(), w).empty());
  CHECK(w.empty());
}

TEST_CASE("purl encoding") {
  CHECK(purl_encode("a b/c@d?e") == "a%20b%2Fc%40d%3Fe");
  CHECK(purl_encode("1:2.5.1-4+b1~rc") == "1:2.5.1-4+b1~rc");
  CHECK(make_purl("apk", "alpine", "x", "1-r0", "", "") == "pkg:apk/alpine/x@1-r0");
  CHECK(make_purl("apk", "alpine", "x", "1-r0", "", "3.18.9") ==
        "pkg:apk/alpine/x@1-r0?distro=3.18.9");
}

TEST_CASE("an rpm database directory without a database is a warning, never an empty image") {
  strata::vfs::MemFs fs;
  fs.add_dir("/var/lib/rpm");
  fs.add_file("/etc/os-release", "ID=almalinux\nVERSION_ID=\"9.3\"\n");
  std::vector<std::string> warnings;
  auto os = strata::detect::detect_os(fs, warnings);
  auto pkgs = strata::detect::detect_packages(fs, os, warnings);
  CHECK(pkgs.empty());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("/var/lib/rpm holds no rpm database") != std::string::npos);
}
