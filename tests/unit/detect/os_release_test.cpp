#include <catch2/catch.hpp>

#include "detect/detect.hpp"
#include "detect/os_release.hpp"
#include "vfs/mem_fs.hpp"

using namespace strata;
using namespace strata::detect;

namespace {

// Real os-release files (as shipped by the distributions' base-files packages).
constexpr const char* k_alpine_318 =
    "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.9\nPRETTY_NAME=\"Alpine Linux v3.18\"\n"
    "HOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/"
    "alpine/aports/-/issues\"\n";
constexpr const char* k_debian_12 =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
    "HOME_URL=\"https://www.debian.org/\"\n";
constexpr const char* k_ubuntu_2204 =
    "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
    "VERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n"
    "ID_LIKE=debian\nUBUNTU_CODENAME=jammy\n";
constexpr const char* k_ubuntu_2310 =
    "PRETTY_NAME=\"Ubuntu 23.10\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"23.10\"\n"
    "VERSION=\"23.10 (Mantic Minotaur)\"\nID=ubuntu\n";
constexpr const char* k_debian_sid =
    "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n"
    "VERSION_CODENAME=trixie\nID=debian\n";

model::OsInfo os_of(const vfs::MemFs& fs, std::vector<std::string>& warnings) {
  return detect_os(fs, warnings);
}

}  // namespace

TEST_CASE("parse_os_release: quoting, escapes, comments") {
  auto f = parse_os_release(
      "# a comment\n\n  NAME=\"Foo \\\"Bar\\\" \\$x \\\\ \\`y\\`\"  \nID=foo\r\nSINGLE='a \"b\" "
      "\\n'\n"
      "BARE=a\\ b\nTRAIL=\"x\" # comment\nCONCAT=\"a\"'b'c\nnot a line\n9BAD KEY=1\nEMPTY=\n"
      "ID_LIKE=\"rhel centos\"\n");
  CHECK(f["NAME"] == "Foo \"Bar\" $x \\ `y`");
  CHECK(f["ID"] == "foo");
  CHECK(f["SINGLE"] == "a \"b\" \\n");
  CHECK(f["BARE"] == "a b");
  CHECK(f["TRAIL"] == "x");
  CHECK(f["CONCAT"] == "abc");
  CHECK(f["EMPTY"].empty());
  CHECK(f["ID_LIKE"] == "rhel centos");
  CHECK(f.count("9BAD KEY") == 0);
  CHECK(f.size() == 8);
}

TEST_CASE("osv_ecosystem names as OSV spells them") {
  CHECK(osv_ecosystem("alpine", "3.18.9", false) == "Alpine:v3.18");
  CHECK(osv_ecosystem("alpine", "3.19_alpha20230901", false) == "Alpine:v3.19");
  CHECK(osv_ecosystem("alpine", "edge", false).empty());
  CHECK(osv_ecosystem("debian", "12", false) == "Debian:12");
  CHECK(osv_ecosystem("debian", "12.5", false) == "Debian:12");
  CHECK(osv_ecosystem("debian", "6.0.10", false) == "Debian:6.0");
  CHECK(osv_ecosystem("debian", "3.1", false) == "Debian:3.1");
  CHECK(osv_ecosystem("ubuntu", "22.04", true) == "Ubuntu:22.04:LTS");
  CHECK(osv_ecosystem("ubuntu", "23.10", false) == "Ubuntu:23.10");
  CHECK(osv_ecosystem("almalinux", "9.3", false) == "AlmaLinux:9");
  CHECK(osv_ecosystem("rocky", "8.9", false) == "Rocky Linux:8");
  CHECK(osv_ecosystem("wolfi", "20230201", false) == "Wolfi");
  CHECK(osv_ecosystem("photon", "5.0", false) == "Photon OS:5.0");
  CHECK(osv_ecosystem("rhel", "9.3", false).empty());
  CHECK(osv_ecosystem("fedora", "39", false).empty());
}

TEST_CASE("detect_os: Alpine, Debian, Ubuntu LTS and non-LTS") {
  std::vector<std::string> w;
  vfs::MemFs alpine;
  alpine.add_file("/etc/os-release", k_alpine_318);
  alpine.add_file("/etc/alpine-release", "3.18.9\n");
  auto os = os_of(alpine, w);
  CHECK(os.family == "alpine");
  CHECK(os.version == "3.18.9");
  CHECK(os.ecosystem == "Alpine:v3.18");
  CHECK(os.pretty_name == "Alpine Linux v3.18");

  vfs::MemFs debian;
  debian.add_file("/etc/os-release", k_debian_12);
  debian.add_file("/etc/debian_version", "12.4\n");
  os = os_of(debian, w);
  CHECK(os.family == "debian");
  CHECK(os.version == "12");
  CHECK(os.ecosystem == "Debian:12");

  vfs::MemFs ubuntu;
  ubuntu.add_file("/usr/lib/os-release", k_ubuntu_2204);
  ubuntu.add_symlink("/etc/os-release", "../usr/lib/os-release");
  os = os_of(ubuntu, w);
  CHECK(os.family == "ubuntu");
  CHECK(os.version == "22.04");
  CHECK(os.ecosystem == "Ubuntu:22.04:LTS");

  vfs::MemFs mantic;
  mantic.add_file("/etc/os-release", k_ubuntu_2310);
  CHECK(os_of(mantic, w).ecosystem == "Ubuntu:23.10");
  CHECK(w.empty());
}

TEST_CASE("detect_os: fallbacks and missing files") {
  std::vector<std::string> w;
  SECTION("only /usr/lib/os-release") {
    vfs::MemFs fs;
    fs.add_file("/usr/lib/os-release", k_debian_12);
    CHECK(os_of(fs, w).ecosystem == "Debian:12");
  }
  SECTION("dangling /etc/os-release symlink falls back quietly") {
    vfs::MemFs fs;
    fs.add_symlink("/etc/os-release", "../usr/lib/os-release");
    fs.add_file("/etc/alpine-release", "3.12.12\n");
    auto os = os_of(fs, w);
    CHECK(os.family == "alpine");
    CHECK(os.version == "3.12.12");
    CHECK(os.ecosystem == "Alpine:v3.12");
    CHECK(w.empty());
  }
  SECTION("only /etc/debian_version") {
    vfs::MemFs fs;
    fs.add_file("/etc/debian_version", "11.8\n");
    auto os = os_of(fs, w);
    CHECK(os.family == "debian");
    CHECK(os.version == "11.8");
    CHECK(os.ecosystem == "Debian:11");
  }
  SECTION("Debian testing/unstable names the future release and warns") {
    vfs::MemFs fs;
    fs.add_file("/etc/os-release", k_debian_sid);
    fs.add_file("/etc/debian_version", "trixie/sid\n");
    auto os = os_of(fs, w);
    CHECK(os.family == "debian");
    CHECK(os.version == "trixie/sid");
    CHECK(os.ecosystem == "Debian:13");
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("testing/unstable") != std::string::npos);
  }
  SECTION("bookworm/sid without os-release") {
    vfs::MemFs fs;
    fs.add_file("/etc/debian_version", "bookworm/sid\n");
    auto os = os_of(fs, w);
    CHECK(os.ecosystem == "Debian:12");
    CHECK(w.size() == 1);
  }
  SECTION("nothing at all") {
    vfs::MemFs fs;
    fs.add_file("/bin/sh", "");
    CHECK(os_of(fs, w).empty());
    CHECK(w.empty());
  }
  SECTION("unknown OS keeps its family, no ecosystem") {
    vfs::MemFs fs;
    fs.add_file("/etc/os-release", "ID=\"fedora\"\nVERSION_ID=39\n");
    auto os = os_of(fs, w);
    CHECK(os.family == "fedora");
    CHECK(os.version == "39");
    CHECK(os.ecosystem.empty());
  }
  SECTION("os-release without ID falls back to alpine-release, with a warning") {
    vfs::MemFs fs;
    fs.add_file("/etc/os-release", "NAME=x\n");
    fs.add_file("/etc/alpine-release", "3.20.3\n");
    CHECK(os_of(fs, w).ecosystem == "Alpine:v3.20");
    CHECK(w.size() == 1);
  }
  SECTION("a looping os-release symlink is a warning, not a hang") {
    vfs::MemFs fs;
    fs.add_symlink("/etc/os-release", "/etc/os-release");
    fs.add_file("/usr/lib/os-release", k_alpine_318);
    CHECK(os_of(fs, w).ecosystem == "Alpine:v3.18");
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("too many levels of symbolic links") != std::string::npos);
  }
}

TEST_CASE("wants_path covers every file a detector reads") {
  for (const char* p : {"/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release",
                        "/etc/debian_version", "/var/lib/dpkg/status", "/var/lib/dpkg/status.d/foo",
                        "/var/lib/dpkg/status.d/libc6", "/lib/apk/db/installed",
                        "/usr/lib/apk/db/installed", "var/lib/dpkg/status", "//etc/./os-release"}) {
    CAPTURE(p);
    CHECK(wants_path(p));
  }
  for (const char* p : {"/var/lib/dpkg/status.d/foo.md5sums", "/var/lib/dpkg/status.d",
                        "/var/lib/dpkg/status-old", "/var/lib/dpkg/status.d/a/b", "/etc/passwd",
                        "/lib/apk/db/scripts.tar", "/etc/os-release.bak"}) {
    CAPTURE(p);
    CHECK_FALSE(wants_path(p));
  }
}
