// rpm packages as detection reports them (report fields, purl, source rpm), the rpm database
// directories and their symlinks, and the files the layer reader keeps for the detectors
// (detect/catalog.hpp): canonical paths and relocatable candidates checked by content.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "detect/apk.hpp"
#include "detect/catalog.hpp"
#include "detect/detect.hpp"
#include "detect/lang/extract.hpp"
#include "detect/rpm.hpp"
#include "detect/rpmdb_ndb.hpp"
#include "fixtures.hpp"
#include "vfs/mem_fs.hpp"

using namespace strata;
using namespace strata::detect;
using strata::detect::test::testdata;

namespace {

model::OsInfo alma94() {
  return {"almalinux", "9.4", "AlmaLinux:9", "AlmaLinux 9.4 (Seafoam Ocelot)"};
}

const std::string k_mariner_sqlite = "pkgdb/rpm/go-rpmdb-cbl-mariner2-sqlite/rpmdb.sqlite";
const std::string k_libuuid_bdb = "pkgdb/rpm/go-rpmdb-libuuid-bdb/Packages";
const std::string k_sle_ndb = "pkgdb/rpm/go-rpmdb-sle15-bci-ndb/Packages.db";

const model::Package* find(const std::vector<model::Package>& pkgs, std::string_view name) {
  auto it = std::find_if(pkgs.begin(), pkgs.end(), [&](const auto& p) { return p.name == name; });
  return it == pkgs.end() ? nullptr : &*it;
}

bool mentions(const std::vector<std::string>& warnings, std::string_view text) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const auto& w) { return w.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("source rpm names split into name and version-release") {
  CHECK(split_source_rpm("openssl-3.0.7-24.el9.src.rpm") ==
        std::pair<std::string, std::string>{"openssl", "3.0.7-24.el9"});
  CHECK(split_source_rpm("perl-Data-Dumper-2.174-462.el9.src.rpm") ==
        std::pair<std::string, std::string>{"perl-Data-Dumper", "2.174-462.el9"});
  CHECK(split_source_rpm("kernel-5.14.0-427.13.1.el9_4.nosrc.rpm") ==
        std::pair<std::string, std::string>{"kernel", "5.14.0-427.13.1.el9_4"});
  for (const char* bad : {"", "openssl.src.rpm", "openssl-3.0.7.src.rpm", "-1-2.src.rpm",
                          "openssl-3.0.7-24.el9.rpm", "a--1.src.rpm", "a-1-.src.rpm"}) {
    INFO(bad);
    CHECK(split_source_rpm(bad) == std::pair<std::string, std::string>{});
  }
}

TEST_CASE("an rpm header becomes a package with the report's fields") {
  RpmHeader h;
  h.name = "openssl-libs";
  h.version = "3.0.7";
  h.release = "24.el9";
  h.epoch = 1;
  h.arch = "x86_64";
  h.source_rpm = "openssl-3.0.7-24.el9.src.rpm";
  h.license = "Apache-2.0";
  auto p = rpm_package(h, alma94());
  CHECK(p.type == "rpm");
  CHECK(p.version == "1:3.0.7-24.el9");
  CHECK(p.arch == "x86_64");
  CHECK(p.source_name == "openssl");
  CHECK(p.source_version == "3.0.7-24.el9");
  CHECK(p.ecosystem == "AlmaLinux:9");
  CHECK(p.purl ==
        "pkg:rpm/almalinux/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=almalinux-9.4");
  CHECK(p.modularity_label.empty());
  CHECK(p.license == "Apache-2.0");

  SECTION("epoch 0 or absent is not written; no source rpm falls back to the package") {
    h.epoch = 0;
    h.source_rpm.clear();
    h.modularity_label = "nodejs:18:9040020240807:rhel9";
    auto q = rpm_package(h, alma94());
    CHECK(q.version == "3.0.7-24.el9");
    CHECK(q.source_name == "openssl-libs");
    CHECK(q.source_version == "3.0.7-24.el9");
    CHECK(q.purl == "pkg:rpm/almalinux/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=almalinux-9.4");
    CHECK(q.modularity_label == "nodejs:18:9040020240807:rhel9");
    h.epoch.reset();
    CHECK(rpm_package(h, alma94()).version == "3.0.7-24.el9");
  }
  SECTION("an unknown OS leaves namespace and distro out") {
    CHECK(rpm_package(h, {}).purl == "pkg:rpm/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1");
  }
}

TEST_CASE("every rpm database format is found in both database directories") {
  struct Case {
    std::string file, dir, name;
    std::size_t count;
  };
  for (const auto& c : {Case{k_mariner_sqlite, "/var/lib/rpm", "rpmdb.sqlite", 0},
                        Case{k_libuuid_bdb, "/var/lib/rpm", "Packages", 1},
                        Case{k_sle_ndb, "/usr/lib/sysimage/rpm", "Packages.db", 35}}) {
    INFO(c.file);
    vfs::MemFs fs;
    const std::string path = c.dir + "/" + c.name;
    fs.add_file(path, testdata(c.file), 0644, "sha256:l1");
    std::vector<std::string> warnings;
    auto pkgs = detect_packages(fs, alma94(), warnings);
    CHECK(warnings.empty());
    REQUIRE_FALSE(pkgs.empty());
    if (c.count != 0) {
      CHECK(pkgs.size() == c.count);
    }
    for (const auto& p : pkgs) {
      CHECK(p.type == "rpm");
      CHECK(p.location == path);
      CHECK(p.layer == "sha256:l1");
      CHECK(p.name != "gpg-pubkey");
    }
  }
}

TEST_CASE("a symlinked /var/lib/rpm is read once, at its real path") {
  vfs::MemFs fs;
  fs.add_file("/usr/lib/sysimage/rpm/rpmdb.sqlite", testdata(k_mariner_sqlite), 0644, "sha256:l2");
  fs.add_symlink("/var/lib/rpm", "../../usr/lib/sysimage/rpm", "sha256:l1");
  std::vector<std::string> warnings;
  auto pkgs = detect_packages(fs, alma94(), warnings);
  CHECK(warnings.empty());
  REQUIRE(find(pkgs, "glibc") != nullptr);
  CHECK(std::count_if(pkgs.begin(), pkgs.end(), [](auto& p) { return p.name == "glibc"; }) == 1);
  CHECK(find(pkgs, "glibc")->location == "/usr/lib/sysimage/rpm/rpmdb.sqlite");
  CHECK(find(pkgs, "glibc")->layer == "sha256:l2");

  SECTION("the symlink the other way round (openSUSE) and an absolute target") {
    vfs::MemFs suse;
    suse.add_file("/var/lib/rpm/Packages.db", testdata(k_sle_ndb));
    suse.add_symlink("/usr/lib/sysimage/rpm", "/var/lib/rpm");
    warnings.clear();
    auto sle = detect_packages(suse, alma94(), warnings);
    CHECK(warnings.empty());
    CHECK(sle.size() == 35);
    CHECK(sle.front().location == "/var/lib/rpm/Packages.db");
  }
  SECTION("a symlink out of the root stays inside it") {
    vfs::MemFs evil;
    evil.add_symlink("/var/lib/rpm", "../../../../../../usr/lib/sysimage/rpm");
    evil.add_file("/usr/lib/sysimage/rpm/Packages", testdata(k_libuuid_bdb));
    warnings.clear();
    auto got = detect_packages(evil, alma94(), warnings);
    CHECK(got.size() == 1);
  }
}

TEST_CASE("one rpm database is read: the newest format in the newest directory") {
  vfs::MemFs fs;
  fs.add_file("/var/lib/rpm/rpmdb.sqlite", testdata(k_mariner_sqlite));
  fs.add_file("/var/lib/rpm/Packages", testdata(k_libuuid_bdb));
  std::vector<std::string> warnings;
  auto pkgs = detect_packages(fs, alma94(), warnings);
  CHECK(find(pkgs, "glibc") != nullptr);
  CHECK(find(pkgs, "libuuid") == nullptr);
  CHECK(mentions(warnings, "/var/lib/rpm/Packages is not read"));

  fs.add_file("/usr/lib/sysimage/rpm/Packages.db", testdata(k_sle_ndb));
  warnings.clear();
  pkgs = detect_packages(fs, alma94(), warnings);
  CHECK(pkgs.size() == 35);
  CHECK(mentions(warnings, "/var/lib/rpm/rpmdb.sqlite is not read"));
}

TEST_CASE("a damaged rpm database is a warning, a damaged header one more") {
  vfs::MemFs fs;
  fs.add_file("/var/lib/rpm/rpmdb.sqlite", "SQLite format 3" + std::string(1, '\0') + "junk");
  std::vector<std::string> warnings;
  CHECK(detect_packages(fs, alma94(), warnings).empty());
  REQUIRE(warnings.size() == 1);
  CHECK(mentions(warnings, "/var/lib/rpm/rpmdb.sqlite: cannot read the rpm SQLite database"));

  // The NDB fixture with one blob's header index count blown up: that package is named in a
  // warning, the other 34 are read.
  std::string ndb = testdata(k_sle_ndb);
  auto blob = ndb.find("BlbS", 4096);
  REQUIRE(blob != std::string::npos);
  ndb[blob + 16] = '\x7f';  // il, big-endian: 2 billion index entries
  vfs::MemFs damaged;
  damaged.add_file("/usr/lib/sysimage/rpm/Packages.db", ndb);
  warnings.clear();
  CHECK(detect_packages(damaged, alma94(), warnings).size() == 34);
  REQUIRE(warnings.size() == 1);
  CHECK(mentions(warnings, "skipped rpm package #"));
  CHECK(mentions(warnings, "malformed header"));
}

TEST_CASE("dpkg and apk databases behind symlinked directories are found") {
  vfs::MemFs fs;
  fs.add_symlink("/var/lib/dpkg", "/srv/dpkg-state");
  fs.add_file("/srv/dpkg-state/status",
              "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\n"
              "Architecture: amd64\n\n",
              0644, "sha256:l3");
  fs.add_symlink("/lib", "usr/lib");
  fs.add_file("/usr/lib/apk/db/installed", "C:Q1x=\nP:musl\nV:1.2.4-r2\nA:x86_64\n\n");
  std::vector<std::string> warnings;
  auto pkgs = detect_packages(fs, alma94(), warnings);
  REQUIRE(find(pkgs, "zlib1g") != nullptr);
  CHECK(find(pkgs, "zlib1g")->location == "/srv/dpkg-state/status");
  CHECK(find(pkgs, "zlib1g")->layer == "sha256:l3");
  // /lib/apk/db and /usr/lib/apk/db are one file: musl once.
  CHECK(std::count_if(pkgs.begin(), pkgs.end(), [](auto& p) { return p.name == "musl"; }) == 1);
}

TEST_CASE("the layer reader keeps canonical paths, and candidates whose content fits") {
  CHECK(wants_path("/var/lib/rpm/rpmdb.sqlite"));
  CHECK(wants_path("/usr/lib/sysimage/rpm/Packages.db"));
  CHECK(wants_path("/etc/redhat-release"));
  CHECK(wants_path("/etc/SuSE-release"));
  CHECK(wants_path("var/lib/dpkg/status"));
  CHECK(wants_path("/opt/state/dpkg/status.d/base"));
  CHECK_FALSE(wants_path("/usr/bin/rpm"));
  CHECK_FALSE(wants_path("/var/lib/dpkg/status-old"));
  CHECK_FALSE(wants_path("/var/lib/dpkg/status.d/base.md5sums"));

  const std::string sqlite = testdata(k_mariner_sqlite);
  const std::string bdb = testdata(k_libuuid_bdb);
  const std::string ndb = testdata(k_sle_ndb);
  // Canonical paths are kept whatever they hold (the detector then says what is wrong).
  CHECK(accepts_content("/var/lib/rpm/rpmdb.sqlite", "not a database"));
  CHECK(accepts_content("/var/lib/dpkg/status", ""));
  // Elsewhere the content decides.
  CHECK(accepts_content("/data/rpm/rpmdb.sqlite", sqlite));
  CHECK_FALSE(accepts_content("/data/rpm/rpmdb.sqlite", bdb));
  CHECK(accepts_content("/data/rpm/Packages", bdb));
  CHECK_FALSE(accepts_content("/srv/repo/Packages", "Package: hello\nVersion: 1\n"));
  CHECK(accepts_content("/data/rpm/Packages.db", ndb));
  CHECK(accepts_content("/srv/dpkg/status", "\nPackage: a\nVersion: 1\n"));
  CHECK_FALSE(accepts_content("/proc-like/status", "State: running\n"));
  CHECK(accepts_content("/opt/apk/db/installed", "C:Q1abc=\nP:musl\n"));
  CHECK_FALSE(accepts_content("/opt/app/installed", "yes\n"));
  CHECK(accepts_content("/opt/os/os-release", "NAME=x\nID=almalinux\n"));
  CHECK_FALSE(accepts_content("/opt/os/os-release", "hello\n"));

  CHECK(kept_size_limit("/var/lib/rpm/Packages") == 256u << 20);
  CHECK(kept_size_limit("/var/lib/dpkg/status") == 0);
}

TEST_CASE("parse_database_file dispatches by the file's name, wherever it is") {
  std::vector<std::string> warnings;
  auto pkgs =
      parse_database_file("/usr/lib/sysimage/rpm/Packages", testdata(k_libuuid_bdb), {}, warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].name == "libuuid");
  CHECK(pkgs[0].location == "/usr/lib/sysimage/rpm/Packages");
  CHECK(parse_database_file("/etc/hostname", "x", {}, warnings).empty());
}

TEST_CASE("the files OS packages installed: language files only") {
  std::set<std::string> owned;
  apk_owned_files(
      "P:py3-six\nV:1.16.0-r4\nF:usr/lib/python3.11/site-packages/six-1.16.0.dist-info\n"
      "R:METADATA\nR:RECORD\nF:usr/bin\nR:six-tool\n\nP:musl\nF:lib\nR:ld-musl-x86_64.so.1\n",
      lang::is_language_file, owned);
  CHECK(owned ==
        std::set<std::string>{"/usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA"});

  // rpm headers carry their file lists: the NDB fixture's glibc owns /lib64/libc.so.6.
  std::vector<std::string> warnings;
  auto entries = read_rpmdb_ndb(testdata(k_sle_ndb));
  REQUIRE(entries);
  bool found = false;
  for (const auto& e : *entries) {
    if (e.header && e.header->name == "glibc") {
      found = std::find(e.header->files.begin(), e.header->files.end(), "/lib64/libc.so.6") !=
              e.header->files.end();
    }
  }
  CHECK(found);

  // dpkg file lists are kept shrunk to their language files.
  std::string list =
      "/.\n/usr\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n/usr/bin/x\n";
  CHECK(wants_path("/var/lib/dpkg/info/python3-six.list"));
  CHECK(keep_content("/var/lib/dpkg/info/python3-six.list", list));
  CHECK(list == "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n");
  std::string none = "/.\n/usr/bin/x\n";
  CHECK_FALSE(keep_content("/var/lib/dpkg/info/coreutils.list", none));
}
