#pragma once
// OS identification: the os-release format (os-release(5)), /etc/alpine-release,
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

// The purl `distro` qualifier value for packages of `os`: "<ID>-<VERSION_ID>" ("almalinux-9.4",
// "sles-15.5", "debian-12", "alpine-3.18.9"); "" when the family or the version is unknown.
std::string purl_distro(const model::OsInfo& os);

}  // namespace strata::detect
