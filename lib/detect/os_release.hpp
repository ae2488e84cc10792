#pragma once
// OS identification: the os-release format (os-release(5)), /etc/alpine-release,
// /etc/debian_version, and the mapping from (ID, VERSION_ID) to the OSV ecosystem name.
//
// OSV ecosystem names chosen (as OSV spells them; empty when OSV has no matching ecosystem):
//   alpine      "Alpine:vMAJOR.MINOR"   (VERSION_ID "3.18.9" -> "Alpine:v3.18")
//   debian      "Debian:MAJOR" for 7 and later, "Debian:MAJOR.MINOR" before ("6.0", "5.0")
//   ubuntu      "Ubuntu:YY.MM", plus ":LTS" when VERSION contains "LTS" ("Ubuntu:22.04:LTS")
//   almalinux   "AlmaLinux:MAJOR"
//   rocky       "Rocky Linux:MAJOR"
//   wolfi       "Wolfi";  chainguard "Chainguard"  (unversioned in OSV)
//   photon      "Photon OS:MAJOR.MINOR"
//   mageia      "Mageia:MAJOR"
//   anything else (rhel, centos, fedora, opensuse, ...): family = ID, ecosystem "" (no OSV
//   ecosystem we can match; Red Hat's OSV names are per product stream).
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
// PRETTY_NAME). Empty OsInfo when ID is missing. `debian_version` (may be empty) refines Debian
// without VERSION_ID. Warnings are appended for guesses (Debian testing/unstable).
model::OsInfo os_from_release(const std::map<std::string, std::string>& fields,
                              std::string_view debian_version, std::vector<std::string>& warnings);

// Debian release number for a codename ("bookworm" -> "12", "squeeze" -> "6.0"); nullopt when
// unknown. Codenames from buzz (1.1) to duke (15).
std::optional<std::string> debian_release_for_codename(std::string_view codename);

// The OSV ecosystem for `family` (an os-release ID) at `version`; "" when none.
// `lts` marks an Ubuntu LTS release.
std::string osv_ecosystem(std::string_view family, std::string_view version, bool lts);

}  // namespace strata::detect
