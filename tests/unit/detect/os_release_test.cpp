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
  CHECK(osv_ecosystem("photon", "5", false).empty());
  CHECK(osv_ecosystem("mageia", "9", false) == "Mageia:9");
  CHECK(osv_ecosystem("chainguard", "20230214", false) == "Chainguard");
  CHECK(osv_ecosystem("azurelinux", "3.0", false) == "Azure Linux:3");
  CHECK(osv_ecosystem("mariner", "2.0", false) == "Azure Linux:2");
  CHECK(osv_ecosystem("mariner", "1.0", false) == "Azure Linux:1");
  CHECK(osv_ecosystem("openeuler", "22.03-LTS-SP3", false) == "openEuler:22.03-LTS-SP3");
  CHECK(osv_ecosystem("openeuler", "24.03", true) == "openEuler:24.03-LTS");
  CHECK(osv_ecosystem("openeuler", "23.09", false) == "openEuler:23.09");
  CHECK(osv_ecosystem("sles", "15.5", false) == "SUSE:Linux Enterprise Server 15 SP5");
  CHECK(osv_ecosystem("sles", "15", false) == "SUSE:Linux Enterprise Server 15");
  CHECK(osv_ecosystem("sles", "15.0", false) == "SUSE:Linux Enterprise Server 15");
  CHECK(osv_ecosystem("sles", "12.5", false) == "SUSE:Linux Enterprise Server 12 SP5");
  CHECK(osv_ecosystem("sles", "16.0", false) == "SUSE:Linux Enterprise Server 16.0");
  CHECK(osv_ecosystem("sled", "15.6", false) == "SUSE:Linux Enterprise Desktop 15 SP6");
  CHECK(osv_ecosystem("sles_sap", "15.4", false) ==
        "SUSE:Linux Enterprise Server for SAP Applications 15 SP4");
  CHECK(osv_ecosystem("sle-micro", "5.5", false) == "SUSE:Linux Enterprise Micro 5.5");
  CHECK(osv_ecosystem("sl-micro", "6.0", false) == "SUSE:Linux Micro 6.0");
  CHECK(osv_ecosystem("opensuse-leap", "15.5", false) == "openSUSE:Leap 15.5");
  CHECK(osv_ecosystem("opensuse-leap", "15.2.1", false) == "openSUSE:Leap 15.2");
  CHECK(osv_ecosystem("opensuse-leap-micro", "6.0", false) == "openSUSE:Leap Micro 6.0");
  CHECK(osv_ecosystem("opensuse-tumbleweed", "20240101", false) == "openSUSE:Tumbleweed");
  CHECK(osv_ecosystem("opensuse-tumbleweed", "", false) == "openSUSE:Tumbleweed");
  CHECK(osv_ecosystem("opensuse", "42.3", false) == "openSUSE:Leap 42.3");
  CHECK(osv_ecosystem("opensuse", "13.2", false).empty());
  // No OSV data for these (see os_release.hpp).
  CHECK(osv_ecosystem("rhel", "9.3", false).empty());
  CHECK(osv_ecosystem("fedora", "39", false).empty());
  CHECK(osv_ecosystem("centos", "9", false).empty());
  CHECK(osv_ecosystem("amzn", "2023", false).empty());
  CHECK(osv_ecosystem("ol", "9.3", false).empty());
  CHECK(osv_ecosystem("rhcos", "4.16", false).empty());
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

namespace {

// os-release files as the distributions ship them (base images of each release).
struct ReleaseCase {
  const char* name;
  const char* content;
  const char* family;
  const char* version;
  const char* ecosystem;  // "" when OSV has no data for the OS
  const char* pretty_name;
  const char* distro;  // purl_distro
};

constexpr ReleaseCase k_release_cases[] = {
    {"AlmaLinux 9.4",
     "NAME=\"AlmaLinux\"\nVERSION=\"9.4 (Seafoam Ocelot)\"\nID=\"almalinux\"\n"
     "ID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\n"
     "PRETTY_NAME=\"AlmaLinux 9.4 (Seafoam Ocelot)\"\nANSI_COLOR=\"0;34\"\n"
     "LOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:almalinux:almalinux:9::baseos\"\n"
     "HOME_URL=\"https://almalinux.org/\"\nDOCUMENTATION_URL=\"https://wiki.almalinux.org/\"\n"
     "BUG_REPORT_URL=\"https://bugs.almalinux.org/\"\n\n"
     "ALMALINUX_MANTISBT_PROJECT=\"AlmaLinux-9\"\nALMALINUX_MANTISBT_PROJECT_VERSION=\"9.4\"\n"
     "REDHAT_SUPPORT_PRODUCT=\"AlmaLinux\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"9.4\"\n"
     "SUPPORT_END=2032-06-01\n",
     "almalinux", "9.4", "AlmaLinux:9", "AlmaLinux 9.4 (Seafoam Ocelot)", "almalinux-9.4"},
    {"Rocky Linux 9.3",
     "NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\n"
     "ID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\n"
     "PRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\nANSI_COLOR=\"0;32\"\n"
     "LOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:rocky:rocky:9::baseos\"\n"
     "HOME_URL=\"https://rockylinux.org/\"\nBUG_REPORT_URL=\"https://bugs.rockylinux.org/\"\n"
     "SUPPORT_END=\"2032-05-31\"\nROCKY_SUPPORT_PRODUCT=\"Rocky-Linux-9\"\n"
     "ROCKY_SUPPORT_PRODUCT_VERSION=\"9.3\"\nREDHAT_SUPPORT_PRODUCT=\"Rocky Linux\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"9.3\"\n",
     "rocky", "9.3", "Rocky Linux:9", "Rocky Linux 9.3 (Blue Onyx)", "rocky-9.3"},
    {"RHEL 9.4",
     "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\n"
     "VERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\n"
     "PRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\nANSI_COLOR=\"0;31\"\n"
     "LOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\n"
     "HOME_URL=\"https://www.redhat.com/\"\n"
     "DOCUMENTATION_URL=\"https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/"
     "9\"\nBUG_REPORT_URL=\"https://issues.redhat.com/\"\n\n"
     "REDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 9\"\n"
     "REDHAT_BUGZILLA_PRODUCT_VERSION=9.4\nREDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"9.4\"\n",
     "rhel", "9.4", "", "Red Hat Enterprise Linux 9.4 (Plow)", "rhel-9.4"},
    {"UBI 8.9 (ID=rhel)",
     "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.9 (Ootpa)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\n"
     "VERSION_ID=\"8.9\"\nPLATFORM_ID=\"platform:el8\"\n"
     "PRETTY_NAME=\"Red Hat Enterprise Linux 8.9 (Ootpa)\"\nANSI_COLOR=\"0;31\"\n"
     "CPE_NAME=\"cpe:/o:redhat:enterprise_linux:8::baseos\"\nHOME_URL=\"https://www.redhat.com/\"\n"
     "DOCUMENTATION_URL=\"https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/"
     "8/\"\nBUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n\n"
     "REDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 8\"\n"
     "REDHAT_BUGZILLA_PRODUCT_VERSION=8.9\nREDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"8.9\"\n",
     "rhel", "8.9", "", "Red Hat Enterprise Linux 8.9 (Ootpa)", "rhel-8.9"},
    {"CentOS Linux 7",
     "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
     "VERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\nANSI_COLOR=\"0;31\"\n"
     "CPE_NAME=\"cpe:/o:centos:centos:7\"\nHOME_URL=\"https://www.centos.org/\"\n"
     "BUG_REPORT_URL=\"https://bugs.centos.org/\"\n\nCENTOS_MANTISBT_PROJECT=\"CentOS-7\"\n"
     "CENTOS_MANTISBT_PROJECT_VERSION=\"7\"\nREDHAT_SUPPORT_PRODUCT=\"centos\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"7\"\n",
     "centos", "7", "", "CentOS Linux 7 (Core)", "centos-7"},
    {"CentOS Stream 8",
     "NAME=\"CentOS Stream\"\nVERSION=\"8\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
     "VERSION_ID=\"8\"\nPLATFORM_ID=\"platform:el8\"\nPRETTY_NAME=\"CentOS Stream 8\"\n"
     "ANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:centos:centos:8\"\nHOME_URL=\"https://centos.org/\"\n"
     "BUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n"
     "REDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux 8\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"CentOS Stream\"\n",
     "centos", "8", "", "CentOS Stream 8", "centos-8"},
    {"CentOS Stream 9",
     "NAME=\"CentOS Stream\"\nVERSION=\"9\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
     "VERSION_ID=\"9\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"CentOS Stream 9\"\n"
     "ANSI_COLOR=\"0;31\"\nLOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:centos:centos:9\"\n"
     "HOME_URL=\"https://centos.org/\"\nBUG_REPORT_URL=\"https://issues.redhat.com/\"\n"
     "REDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux 9\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=\"CentOS Stream\"\n",
     "centos", "9", "", "CentOS Stream 9", "centos-9"},
    {"Oracle Linux 8.10",
     "NAME=\"Oracle Linux Server\"\nVERSION=\"8.10\"\nID=\"ol\"\nID_LIKE=\"fedora\"\n"
     "VARIANT=\"Server\"\nVARIANT_ID=\"server\"\nVERSION_ID=\"8.10\"\n"
     "PLATFORM_ID=\"platform:el8\"\nPRETTY_NAME=\"Oracle Linux Server 8.10\"\n"
     "ANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:oracle:linux:8:10:server\"\n"
     "HOME_URL=\"https://linux.oracle.com/\"\n"
     "BUG_REPORT_URL=\"https://github.com/oracle/oracle-linux\"\n\n"
     "ORACLE_BUGZILLA_PRODUCT=\"Oracle Linux 8\"\nORACLE_BUGZILLA_PRODUCT_VERSION=8.10\n"
     "ORACLE_SUPPORT_PRODUCT=\"Oracle Linux\"\nORACLE_SUPPORT_PRODUCT_VERSION=8.10\n",
     "ol", "8.10", "", "Oracle Linux Server 8.10", "ol-8.10"},
    {"Amazon Linux 2",
     "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\n"
     "VERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\nANSI_COLOR=\"0;33\"\n"
     "CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2\"\nHOME_URL=\"https://amazonlinux.com/\"\n"
     "SUPPORT_END=\"2025-06-30\"\n",
     "amzn", "2", "", "Amazon Linux 2", "amzn-2"},
    {"Amazon Linux 2023",
     "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\n"
     "VERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\n"
     "PRETTY_NAME=\"Amazon Linux 2023.6.20241212\"\nANSI_COLOR=\"0;33\"\n"
     "CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2023\"\n"
     "HOME_URL=\"https://aws.amazon.com/linux/amazon-linux-2023/\"\n"
     "DOCUMENTATION_URL=\"https://docs.aws.amazon.com/linux/\"\n"
     "SUPPORT_URL=\"https://aws.amazon.com/premiumsupport/\"\n"
     "BUG_REPORT_URL=\"https://github.com/amazonlinux/amazon-linux-2023\"\n"
     "VENDOR_NAME=\"AWS\"\nVENDOR_URL=\"https://aws.amazon.com/\"\nSUPPORT_END=\"2029-06-30\"\n",
     "amzn", "2023", "", "Amazon Linux 2023.6.20241212", "amzn-2023"},
    {"Fedora 42 container",
     "NAME=\"Fedora Linux\"\nVERSION=\"42 (Container Image)\"\nRELEASE_TYPE=stable\nID=fedora\n"
     "VERSION_ID=42\nVERSION_CODENAME=\"\"\nPLATFORM_ID=\"platform:f42\"\n"
     "PRETTY_NAME=\"Fedora Linux 42 (Container Image)\"\nANSI_COLOR=\"0;38;2;60;110;180\"\n"
     "LOGO=fedora-logo-icon\nCPE_NAME=\"cpe:/o:fedoraproject:fedora:42\"\n"
     "DEFAULT_HOSTNAME=\"fedora\"\nHOME_URL=\"https://fedoraproject.org/\"\n"
     "DOCUMENTATION_URL=\"https://docs.fedoraproject.org/en-US/fedora/f42/\"\n"
     "SUPPORT_URL=\"https://ask.fedoraproject.org/\"\n"
     "BUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\nREDHAT_BUGZILLA_PRODUCT=\"Fedora\"\n"
     "REDHAT_BUGZILLA_PRODUCT_VERSION=42\nREDHAT_SUPPORT_PRODUCT=\"Fedora\"\n"
     "REDHAT_SUPPORT_PRODUCT_VERSION=42\nSUPPORT_END=2026-05-13\n"
     "VARIANT=\"Container Image\"\nVARIANT_ID=container\n",
     "fedora", "42", "", "Fedora Linux 42 (Container Image)", "fedora-42"},
    {"CBL-Mariner 2.0",
     "NAME=\"Common Base Linux Mariner\"\nVERSION=\"2.0.20240123\"\nID=mariner\n"
     "VERSION_ID=\"2.0\"\nPRETTY_NAME=\"CBL-Mariner/Linux\"\nANSI_COLOR=\"1;34\"\n"
     "HOME_URL=\"https://aka.ms/cbl-mariner\"\nBUG_REPORT_URL=\"https://aka.ms/cbl-mariner\"\n"
     "SUPPORT_URL=\"https://aka.ms/cbl-mariner\"\n",
     "mariner", "2.0", "Azure Linux:2", "CBL-Mariner/Linux", "mariner-2.0"},
    {"Azure Linux 3.0",
     "NAME=\"Microsoft Azure Linux\"\nVERSION=\"3.0.20240624\"\nID=azurelinux\n"
     "VERSION_ID=\"3.0\"\nPRETTY_NAME=\"Microsoft Azure Linux 3.0\"\nANSI_COLOR=\"1;34\"\n"
     "HOME_URL=\"https://aka.ms/azurelinux\"\nBUG_REPORT_URL=\"https://aka.ms/azurelinux\"\n"
     "SUPPORT_URL=\"https://aka.ms/azurelinux\"\n",
     "azurelinux", "3.0", "Azure Linux:3", "Microsoft Azure Linux 3.0", "azurelinux-3.0"},
    {"SLES 15 SP3",
     "NAME=\"SLES\"\nVERSION=\"15-SP3\"\nVERSION_ID=\"15.3\"\n"
     "PRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP3\"\nID=\"sles\"\nID_LIKE=\"suse\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp3\"\n"
     "DOCUMENTATION_URL=\"https://documentation.suse.com/\"\n",
     "sles", "15.3", "SUSE:Linux Enterprise Server 15 SP3", "SUSE Linux Enterprise Server 15 SP3",
     "sles-15.3"},
    {"SLE BCI 15.5 (ID=sles)",
     "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\n"
     "PRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\nID=\"sles\"\nID_LIKE=\"suse\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp5\"\n"
     "DOCUMENTATION_URL=\"https://documentation.suse.com/\"\n",
     "sles", "15.5", "SUSE:Linux Enterprise Server 15 SP5", "SUSE Linux Enterprise Server 15 SP5",
     "sles-15.5"},
    {"SLE Micro 5.3",
     "NAME=\"SLE Micro\"\nVERSION=\"5.3\"\nVERSION_ID=\"5.3\"\n"
     "PRETTY_NAME=\"SUSE Linux Enterprise Micro 5.3\"\nID=\"sle-micro\"\nID_LIKE=\"suse\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sle-micro:5.3\"\n",
     "sle-micro", "5.3", "SUSE:Linux Enterprise Micro 5.3", "SUSE Linux Enterprise Micro 5.3",
     "sle-micro-5.3"},
    {"SUSE Linux Micro 6.0",
     "NAME=\"SL-Micro\"\nVERSION=\"6.0\"\nVERSION_ID=\"6.0\"\n"
     "PRETTY_NAME=\"SUSE Linux Micro 6.0\"\nID=\"sl-micro\"\nID_LIKE=\"suse\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sl-micro:6.0\"\n"
     "HOME_URL=\"https://www.suse.com/products/micro/\"\n"
     "DOCUMENTATION_URL=\"https://documentation.suse.com/sl-micro/6.0/\"\n",
     "sl-micro", "6.0", "SUSE:Linux Micro 6.0", "SUSE Linux Micro 6.0", "sl-micro-6.0"},
    {"openSUSE Leap 15.5",
     "NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\n"
     "ID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:opensuse:leap:15.5\"\n"
     "BUG_REPORT_URL=\"https://bugs.opensuse.org\"\nHOME_URL=\"https://www.opensuse.org/\"\n"
     "DOCUMENTATION_URL=\"https://en.opensuse.org/Portal:Leap\"\nLOGO=\"distributor-logo-Leap\"\n",
     "opensuse-leap", "15.5", "openSUSE:Leap 15.5", "openSUSE Leap 15.5", "opensuse-leap-15.5"},
    {"openSUSE Leap 42.3 (ID=opensuse)",
     "NAME=\"openSUSE Leap\"\nVERSION=\"42.3\"\nID=opensuse\nID_LIKE=\"suse\"\n"
     "VERSION_ID=\"42.3\"\nPRETTY_NAME=\"openSUSE Leap 42.3\"\nANSI_COLOR=\"0;32\"\n"
     "CPE_NAME=\"cpe:/o:opensuse:leap:42.3\"\nBUG_REPORT_URL=\"https://bugs.opensuse.org\"\n"
     "HOME_URL=\"https://www.opensuse.org/\"\n",
     "opensuse", "42.3", "openSUSE:Leap 42.3", "openSUSE Leap 42.3", "opensuse-42.3"},
    {"openSUSE Leap Micro 6.0",
     "NAME=\"openSUSE Leap Micro\"\nVERSION=\"6.0\"\nVERSION_ID=\"6.0\"\n"
     "PRETTY_NAME=\"openSUSE Leap Micro 6.0\"\nID=\"opensuse-leap-micro\"\n"
     "ID_LIKE=\"suse "
     "opensuse\"\nANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:opensuse:leap-micro:6.0\"\n",
     "opensuse-leap-micro", "6.0", "openSUSE:Leap Micro 6.0", "openSUSE Leap Micro 6.0",
     "opensuse-leap-micro-6.0"},
    {"openSUSE Tumbleweed",
     "NAME=\"openSUSE Tumbleweed\"\n# VERSION=\"20220412\"\nID=\"opensuse-tumbleweed\"\n"
     "ID_LIKE=\"opensuse suse\"\nVERSION_ID=\"20220412\"\nPRETTY_NAME=\"openSUSE Tumbleweed\"\n"
     "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:opensuse:tumbleweed:20220412\"\n"
     "BUG_REPORT_URL=\"https://bugs.opensuse.org\"\nHOME_URL=\"https://www.opensuse.org/\"\n"
     "DOCUMENTATION_URL=\"https://en.opensuse.org/Portal:Tumbleweed\"\n"
     "LOGO=\"distributor-logo-Tumbleweed\"\n",
     "opensuse-tumbleweed", "20220412", "openSUSE:Tumbleweed", "openSUSE Tumbleweed",
     "opensuse-tumbleweed-20220412"},
    {"openEuler 22.03 LTS SP3",
     "NAME=\"openEuler\"\nVERSION=\"22.03 (LTS-SP3)\"\nID=\"openEuler\"\nVERSION_ID=\"22.03\"\n"
     "PRETTY_NAME=\"openEuler 22.03 (LTS-SP3)\"\nANSI_COLOR=\"0;31\"\n\n",
     "openeuler", "22.03", "openEuler:22.03-LTS-SP3", "openEuler 22.03 (LTS-SP3)",
     "openeuler-22.03"},
    {"openEuler 24.03 LTS",
     "NAME=\"openEuler\"\nVERSION=\"24.03 (LTS)\"\nID=\"openEuler\"\nVERSION_ID=\"24.03\"\n"
     "PRETTY_NAME=\"openEuler 24.03 (LTS)\"\nANSI_COLOR=\"0;31\"\n\n",
     "openeuler", "24.03", "openEuler:24.03-LTS", "openEuler 24.03 (LTS)", "openeuler-24.03"},
    {"Photon OS 4.0",
     "NAME=\"VMware Photon OS\"\nVERSION=\"4.0\"\nID=photon\nVERSION_ID=4.0\n"
     "PRETTY_NAME=\"VMware Photon OS/Linux\"\nANSI_COLOR=\"1;34\"\n"
     "HOME_URL=\"https://vmware.github.io/photon/\"\n"
     "BUG_REPORT_URL=\"https://github.com/vmware/photon/issues\"\n",
     "photon", "4.0", "Photon OS:4.0", "VMware Photon OS/Linux", "photon-4.0"},
    {"Mageia 9",
     "NAME=\"Mageia\"\nVERSION=\"9\"\nID=mageia\nVERSION_ID=9\nID_LIKE=\"mandriva fedora\"\n"
     "PRETTY_NAME=\"Mageia 9\"\nANSI_COLOR=\"1;36\"\nHOME_URL=\"https://www.mageia.org/\"\n"
     "SUPPORT_URL=\"https://www.mageia.org/support/\"\n"
     "BUG_REPORT_URL=\"https://bugs.mageia.org/\"\n"
     "PRIVACY_POLICY_URL=\"https://wiki.mageia.org/en/Privacy_policy\"\n",
     "mageia", "9", "Mageia:9", "Mageia 9", "mageia-9"},
    {"Wolfi",
     "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n"
     "HOME_URL=\"https://wolfi.dev\"\n",
     "wolfi", "20230201", "Wolfi", "Wolfi", "wolfi-20230201"},
    {"Chainguard",
     "ID=chainguard\nNAME=\"Chainguard\"\nPRETTY_NAME=\"Chainguard\"\nVERSION_ID=\"20230214\"\n"
     "HOME_URL=\"https://chainguard.dev/\"\n",
     "chainguard", "20230214", "Chainguard", "Chainguard", "chainguard-20230214"},
    {"Alpine 3.18", k_alpine_318, "alpine", "3.18.9", "Alpine:v3.18", "Alpine Linux v3.18",
     "alpine-3.18.9"},
    {"Debian 12", k_debian_12, "debian", "12", "Debian:12", "Debian GNU/Linux 12 (bookworm)",
     "debian-12"},
};

}  // namespace

TEST_CASE("os_from_release: each distribution's os-release, ecosystem and purl distro") {
  for (const auto& c : k_release_cases) {
    CAPTURE(c.name);
    std::vector<std::string> w;
    auto os = os_from_release(parse_os_release(c.content), "", w);
    CHECK(os.family == c.family);
    CHECK(os.version == c.version);
    CHECK(os.ecosystem == c.ecosystem);
    CHECK(os.pretty_name == c.pretty_name);
    CHECK(purl_distro(os) == c.distro);
    CHECK(w.empty());
    // Exactly the OSes without an ecosystem say why.
    CHECK(no_ecosystem_reason(os).empty() == !os.ecosystem.empty());
  }
}

TEST_CASE("os_from_release: openEuler qualifier from VERSION, PRETTY_NAME or neither") {
  std::vector<std::string> w;
  auto eco = [&](const char* content) {
    return os_from_release(parse_os_release(content), "", w).ecosystem;
  };
  CHECK(eco("ID=openEuler\nVERSION_ID=24.03\nVERSION=\"24.03 (LTS SP1)\"\n") ==
        "openEuler:24.03-LTS-SP1");
  CHECK(eco("ID=openEuler\nVERSION_ID=24.03\nPRETTY_NAME=\"openEuler 24.03 (LTS-SP1)\"\n") ==
        "openEuler:24.03-LTS-SP1");
  CHECK(eco("ID=openEuler\nVERSION_ID=23.09\nVERSION=\"23.09\"\n") == "openEuler:23.09");
  CHECK(eco("ID=openEuler\nVERSION=\"22.03 (LTS-SP3)\"\n").empty());
  CHECK(w.empty());
}

TEST_CASE("no_ecosystem_reason names why an OS is not covered") {
  auto reason = [](const char* family, const char* version) {
    model::OsInfo os;
    os.family = family;
    os.version = version;
    os.ecosystem = osv_ecosystem(family, version, false);
    return no_ecosystem_reason(os);
  };
  CHECK(reason("rhel", "9.4").find("product stream") != std::string::npos);
  CHECK(reason("fedora", "42") == "OSV has no Fedora ecosystem");
  CHECK(reason("centos", "9") == "OSV has no CentOS ecosystem");
  CHECK(reason("amzn", "2023") == "OSV has no Amazon Linux ecosystem");
  CHECK(reason("ol", "9.4") == "OSV has no Oracle Linux ecosystem");
  CHECK(reason("opensuse", "13.2") == "OSV has no release name for opensuse 13.2");
  CHECK(reason("alpine", "edge") == "OSV has no release name for alpine edge");
  CHECK(reason("almalinux", "") == "almalinux without a VERSION_ID has no OSV release name");
  CHECK(reason("gentoo", "2.15") == "no OSV ecosystem is known for ID=gentoo");
  CHECK(reason("almalinux", "9.4").empty());
  CHECK(no_ecosystem_reason(model::OsInfo{}).empty());
}

TEST_CASE("purl_distro is ID-VERSION_ID, empty without either") {
  model::OsInfo os;
  CHECK(purl_distro(os).empty());
  os.family = "sles";
  CHECK(purl_distro(os).empty());
  os.version = "15.5";
  CHECK(purl_distro(os) == "sles-15.5");
  os.family.clear();
  CHECK(purl_distro(os).empty());
}

TEST_CASE("k_legacy_release_files: vendor files before redhat-release, SuSE-release last") {
  auto index = [](std::string_view path) {
    for (std::size_t i = 0; i < k_legacy_release_files.size(); ++i) {
      if (k_legacy_release_files[i] == path) {
        return i;
      }
    }
    FAIL("missing " << path);
    return std::size_t{0};
  };
  CHECK(index("/etc/system-release") == 0);
  CHECK(index("/etc/oracle-release") < index("/etc/redhat-release"));
  CHECK(index("/etc/centos-release") < index("/etc/redhat-release"));
  CHECK(index("/etc/SuSE-release") == k_legacy_release_files.size() - 1);
}

namespace {

struct LegacyCase {
  const char* path;
  const char* content;
  const char* family;
  const char* version;
  const char* ecosystem;
  const char* pretty_name;
};

constexpr LegacyCase k_legacy_cases[] = {
    {"/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7", "",
     "CentOS Linux release 7.9.2009 (Core)"},
    {"/etc/centos-release", "CentOS Linux release 7.6.1810 (Core) \n", "centos", "7", "",
     "CentOS Linux release 7.6.1810 (Core)"},
    {"/etc/centos-release", "CentOS Linux release 8.5.2111\n", "centos", "8", "",
     "CentOS Linux release 8.5.2111"},
    {"/etc/centos-release", "CentOS Stream release 9\n", "centos", "9", "",
     "CentOS Stream release 9"},
    {"/etc/redhat-release", "CentOS release 6.10 (Final)\n", "centos", "6.10", "",
     "CentOS release 6.10 (Final)"},
    {"/etc/redhat-release", "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n", "rhel", "7.9",
     "", "Red Hat Enterprise Linux Server release 7.9 (Maipo)"},
    {"/etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n", "rhel", "8.9", "",
     "Red Hat Enterprise Linux release 8.9 (Ootpa)"},
    {"/etc/redhat-release", "Red Hat Enterprise Linux CoreOS release 4.16", "rhcos", "4.16", "",
     "Red Hat Enterprise Linux CoreOS release 4.16"},
    {"/etc/system-release", "Amazon Linux release 2 (Karoo)\n", "amzn", "2", "",
     "Amazon Linux release 2 (Karoo)"},
    {"/etc/system-release", "Amazon Linux AMI release 2018.03\n", "amzn", "2018.03", "",
     "Amazon Linux AMI release 2018.03"},
    {"/etc/system-release", "Amazon Linux release 2023.6.20241212 (Amazon Linux)\n", "amzn", "2023",
     "", "Amazon Linux release 2023.6.20241212 (Amazon Linux)"},
    {"/etc/system-release", "Amazon Linux release 2023 (Amazon Linux)\n", "amzn", "2023", "",
     "Amazon Linux release 2023 (Amazon Linux)"},
    {"/etc/redhat-release", "AlmaLinux release 8.9 (Midnight Oncilla)\n", "almalinux", "8.9",
     "AlmaLinux:8", "AlmaLinux release 8.9 (Midnight Oncilla)"},
    {"/etc/redhat-release", "Rocky Linux release 8.9 (Green Obsidian)\n", "rocky", "8.9",
     "Rocky Linux:8", "Rocky Linux release 8.9 (Green Obsidian)"},
    {"/etc/oracle-release", "Oracle Linux Server release 7.9\n", "ol", "7.9", "",
     "Oracle Linux Server release 7.9"},
    {"/etc/system-release", "Fedora release 38 (Thirty Eight)\n", "fedora", "38", "",
     "Fedora release 38 (Thirty Eight)"},
    {"/etc/SuSE-release",
     "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 5\n"
     "# This file is deprecated and will be removed in a future service pack or release.\n"
     "# Please check /etc/os-release for details about this release.\n",
     "sles", "12.5", "SUSE:Linux Enterprise Server 12 SP5",
     "SUSE Linux Enterprise Server 12 (x86_64)"},
    {"/etc/SuSE-release",
     "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n"
     "# This file is deprecated and will be removed in a future service pack or release.\n"
     "# Please check /etc/os-release for details about this release.\n",
     "sles", "12", "SUSE:Linux Enterprise Server 12", "SUSE Linux Enterprise Server 12 (x86_64)"},
    {"/etc/SuSE-release",
     "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n", "sles", "11.4",
     "SUSE:Linux Enterprise Server 11 SP4", "SUSE Linux Enterprise Server 11 (x86_64)"},
    {"/etc/SuSE-release",
     "SUSE Linux Enterprise Desktop 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n", "sled", "12.3",
     "SUSE:Linux Enterprise Desktop 12 SP3", "SUSE Linux Enterprise Desktop 12 (x86_64)"},
    {"/etc/SuSE-release",
     "openSUSE 13.2 (x86_64)\nVERSION = 13.2\nCODENAME = Harlequin\n"
     "# /etc/SuSE-release is deprecated and will be removed in a future service pack or release.\n"
     "# Please check /etc/os-release for details about this release.\n",
     "opensuse", "13.2", "", "openSUSE 13.2 (x86_64)"},
    {"/etc/SuSE-release",
     "openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n"
     "# /etc/SuSE-release is deprecated and will be removed in a future service pack or release.\n"
     "# Please check /etc/os-release for details about this release.\n",
     "opensuse", "42.3", "openSUSE:Leap 42.3", "openSUSE 42.3 (x86_64)"},
};

}  // namespace

TEST_CASE("os_from_legacy_release: redhat-release family and SuSE-release formats") {
  for (const auto& c : k_legacy_cases) {
    CAPTURE(c.path, c.content);
    std::vector<std::string> w;
    auto os = os_from_legacy_release(c.path, c.content, w);
    REQUIRE(os);
    CHECK(os->family == c.family);
    CHECK(os->version == c.version);
    CHECK(os->ecosystem == c.ecosystem);
    CHECK(os->pretty_name == c.pretty_name);
    CHECK(w.empty());
  }
}

TEST_CASE("os_from_legacy_release: unknown text is a warning, not a guess") {
  for (const char* content :
       {"CloudLinux release 7.9 (Boris Yegorov)\n", "Scientific Linux release 7.9 (Nitrogen)\n", "",
        "\n\n", "Fedora release (Rawhide)\n", "Fedora release .5\n", "foo bar\n",
        "SUSE Linux Enterprise Server (x86_64)\n", "openSUSE\nVERSION = \n",
        "Red Hat Enterprise Linuxx release 7.9\n"}) {
    CAPTURE(content);
    std::vector<std::string> w;
    CHECK_FALSE(os_from_legacy_release("/etc/redhat-release", content, w));
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("/etc/redhat-release") != std::string::npos);
  }
}

TEST_CASE("os_from_legacy_release agrees with os-release where both exist") {
  std::vector<std::string> w;
  auto from_release = [&](const char* content) {
    return os_from_release(parse_os_release(content), "", w);
  };
  for (const auto& [legacy, release] : std::initializer_list<std::pair<const char*, const char*>>{
           {"CentOS Linux release 7.9.2009 (Core)\n", "ID=\"centos\"\nVERSION_ID=\"7\"\n"},
           {"Rocky Linux release 8.9 (Green Obsidian)\n", "ID=\"rocky\"\nVERSION_ID=\"8.9\"\n"},
           {"Amazon Linux release 2023.6.20241212 (Amazon Linux)\n",
            "ID=\"amzn\"\nVERSION_ID=\"2023\"\n"},
           {"Oracle Linux Server release 7.9\n", "ID=\"ol\"\nVERSION_ID=\"7.9\"\n"}}) {
    CAPTURE(legacy);
    auto a = os_from_legacy_release("/etc/system-release", legacy, w);
    REQUIRE(a);
    auto b = from_release(release);
    CHECK(a->family == b.family);
    CHECK(a->version == b.version);
    CHECK(a->ecosystem == b.ecosystem);
    CHECK(purl_distro(*a) == purl_distro(b));
  }
  CHECK(w.empty());
}
