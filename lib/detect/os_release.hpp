#pragma once
// OS identification: the os-release format (os-release(5)), the older release files
// (/etc/redhat-release and friends, /etc/SuSE-release), /etc/alpine-release,
// /etc/debian_version, and the mapping from (ID, VERSION_ID) to the OSV ecosystem name.
//
// OSV ecosystem names chosen, as OSV spells them (ossf/osv-schema ecosystems list; the suffix
// formats from the OSV exports). "" means the scan must say the OS is not covered:
//
//   ID (os-release)      VERSION_ID -> OSV ecosystem
//   alpine               "3.18.9"   -> "Alpine:v3.18"
//   debian               "12"       -> "Debian:12"; before 7: "6.0.10" -> "Debian:6.0"
//   ubuntu               "22.04"    -> "Ubuntu:22.04:LTS" when VERSION says LTS, else
//   "Ubuntu:23.10" almalinux            "9.4"      -> "AlmaLinux:9" rocky                "9.3" ->
//   "Rocky Linux:9" mageia               "9"        -> "Mageia:9" photon               "5.0" ->
//   "Photon OS:5.0" azurelinux           "3.0"      -> "Azure Linux:3" mariner              "2.0"
//   -> "Azure Linux:2"  (OSV files CBL-Mariner 1.0/2.0 under
//                                      Azure Linux: its converter maps .cm1/.cm2 to :1/:2)
//   openeuler            "22.03"    -> "openEuler:22.03-LTS-SP3", the qualifier from VERSION
//                                      "22.03 (LTS-SP3)"; "24.03 (LTS)" -> "openEuler:24.03-LTS"
//   sles                 "15.5"     -> "SUSE:Linux Enterprise Server 15 SP5"; "15" -> "... 15";
//                                      "16.0" -> "... 16.0" (also SLE BCI images, ID=sles)
//   sled                 "15.5"     -> "SUSE:Linux Enterprise Desktop 15 SP5"
//   sles_sap             "15.5"     -> "SUSE:Linux Enterprise Server for SAP Applications 15 SP5"
//   sle-micro            "5.5"      -> "SUSE:Linux Enterprise Micro 5.5"
//   sl-micro             "6.0"      -> "SUSE:Linux Micro 6.0"
//   opensuse-leap        "15.5"     -> "openSUSE:Leap 15.5"
//   opensuse-leap-micro  "5.5"      -> "openSUSE:Leap Micro 5.5"
//   opensuse-tumbleweed  (any)      -> "openSUSE:Tumbleweed"
//   opensuse             "42.3"     -> "openSUSE:Leap 42.3" (Leap 42 still said ID=opensuse);
//                                      13.2 and older: "" (not Leap; no OSV release name)
//   wolfi / chainguard   (any)      -> "Wolfi" / "Chainguard" (unversioned in OSV)
//   No OSV data, ecosystem "":
//   rhel (also UBI)      OSV's "Red Hat" ecosystem is keyed by product stream
//                        ("Red Hat:enterprise_linux:9::baseos", "...::appstream", EUS, ...); an
//                        image does not record which stream each package came from, so no one
//                        name covers its packages, and the bare "Red Hat" mixes major releases.
//   centos (incl. Stream), fedora, amzn (Amazon Linux 1/2/2023), ol (Oracle Linux), rhcos:
//                        OSV has no ecosystem for them.
// The SUSE and openSUSE suffixes are the product names of PRETTY_NAME without the vendor word,
// built from VERSION_ID (PRETTY_NAME can be edited by derived images). SUSE files products in
// LTSS under another name ("SUSE:Linux Enterprise Server 15 SP4-LTSS"); os-release does not say
// whether an image is in LTSS, so an LTSS-only service pack finds no advisories under its
// general-support name.
// Debian testing/unstable (no VERSION_ID; debian_version "trixie/sid"): version is the
// debian_version text, ecosystem "Debian:N" of the codename's future release, and a warning.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect {

// KEY=value pairs of an os-release file: comments ('#') and blank lines skipped; values may be
// double-quoted (backslash escapes \" \\ \$ \`), single-quoted (literal) or bare (backslash
// escapes any character); text after a closing quote is ignored. Lines without '=' or with an
// invalid key are skipped.
std::map<std::string, std::string> parse_os_release(std::string_view content);

// OsInfo from parsed os-release fields (ID, VERSION_ID, VERSION, VERSION_CODENAME,
// PRETTY_NAME). Empty OsInfo when ID is missing. `family` is ID in lowercase ("openEuler" ->
// "openeuler"). `debian_version` (may be empty) refines Debian without VERSION_ID. Warnings are
// appended for guesses (Debian testing/unstable).
model::OsInfo os_from_release(const std::map<std::string, std::string>& fields,
                              std::string_view debian_version, std::vector<std::string>& warnings);

// Debian release number for a codename ("bookworm" -> "12", "squeeze" -> "6.0"); nullopt when
// unknown. Codenames from buzz (1.1) to duke (15).
std::optional<std::string> debian_release_for_codename(std::string_view codename);

// The OSV ecosystem for `family` (an os-release ID, lowercase) at `version` (its VERSION_ID);
// "" when none (see the table above). `lts` marks an Ubuntu LTS release, and an openEuler LTS
// release whose `version` carries no qualifier. For openeuler, `version` may carry the
// qualifier os_from_release takes from VERSION: "22.03-LTS-SP3".
std::string osv_ecosystem(std::string_view family, std::string_view version, bool lts);

// Why `os` has no OSV ecosystem, for the scan's "not covered" warning ("OSV has no Fedora
// ecosystem"); "" when it has one or when no OS was detected.
std::string no_ecosystem_reason(const model::OsInfo& os);

// The release files older systems have instead of os-release, in the order to try after
// /etc/os-release and /usr/lib/os-release: the first that exists and is recognised names the
// OS. The vendor files come before /etc/redhat-release, which Oracle Linux fills with Red Hat's
// text; /etc/system-release is usually a symlink to the vendor file (Amazon Linux has only it).
inline constexpr std::array<std::string_view, 8> k_legacy_release_files = {
    "/etc/system-release", "/etc/oracle-release", "/etc/centos-release", "/etc/almalinux-release",
    "/etc/rocky-release",  "/etc/fedora-release", "/etc/redhat-release", "/etc/SuSE-release",
};

// OsInfo from the content of an older release file (`path`, one of k_legacy_release_files, is
// named in warnings only). Recognised, by the text before " release <number>" on the first line:
//   "CentOS Linux release 7.9.2009 (Core)", "CentOS Stream release 9"  -> centos, "7", "9"
//   "Red Hat Enterprise Linux Server release 7.9 (Maipo)"                -> rhel, "7.9"
//   "Red Hat Enterprise Linux CoreOS release 4.16"                      -> rhcos, "4.16"
//   "AlmaLinux release 8.9 (Midnight Oncilla)"                           -> almalinux, "8.9"
//   "Rocky Linux release 8.9 (Green Obsidian)"                           -> rocky, "8.9"
//   "Oracle Linux Server release 7.9"                                    -> ol, "7.9"
//   "Fedora release 38 (Thirty Eight)"                                   -> fedora, "38"
//   "Amazon Linux release 2 (Karoo)", "Amazon Linux AMI release 2018.03" -> amzn, "2", "2018.03"
//   "Amazon Linux release 2023.6.20241212 (Amazon Linux)"               -> amzn, "2023"
// and /etc/SuSE-release (a product line, then "KEY = value" lines):
//   "SUSE Linux Enterprise Server 12 (x86_64)" VERSION = 12, PATCHLEVEL = 5 -> sles, "12.5"
//   "SUSE Linux Enterprise Desktop 12 (x86_64)" ...                          -> sled
//   "openSUSE 13.2 (x86_64)" VERSION = 13.2                                  -> opensuse, "13.2"
// `family` is the os-release ID the distribution uses and `version` its VERSION_ID (CentOS 7 and
// later and Amazon Linux 2022 and later write only the major there; CentOS 6 and older, which
// have no os-release, keep the file's "6.10"); `ecosystem` as osv_ecosystem; `pretty_name` the
// first line. nullopt, with a warning, when the text is not one of these.
std::optional<model::OsInfo> os_from_legacy_release(std::string_view path, std::string_view content,
                                                    std::vector<std::string>& warnings);

// The purl `distro` qualifier value for packages of `os`: "<ID>-<VERSION_ID>" ("almalinux-9.4",
// "sles-15.5", "debian-12", "alpine-3.18.9"); "" when the family or the version is unknown.
std::string purl_distro(const model::OsInfo& os);

}  // namespace strata::detect
