#pragma once
// dpkg's database: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/<name> files, both
// deb822 paragraphs ("Field: value", continuation lines start with a blank, paragraphs end at an
// empty or blank-only line; CRLF tolerated; field names case-insensitive).
//
// Which packages count as installed: dpkg's Status is "WANT FLAG STATE". A package is reported
// when STATE means its files are on disk and configured (or about to be): "installed",
// "triggers-pending", "triggers-awaited" or "half-configured" — whatever WANT is (install,
// hold, deinstall and purge selections do not remove files by themselves), and FLAG is "ok" or
// "reinstreq". Skipped: not-installed, config-files, half-installed, unpacked (files present but
// never configured; dpkg-query's "iU"). A paragraph without Status (status.d files) is installed.
//
// Fields: Package, Version (both required: a paragraph missing one is skipped with a warning),
// Architecture, Source ("name" or "name (version)"; default: the binary's name and version).

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect {

// Packages of one status / status.d file's `content`; `location` names the file in warnings and
// becomes Package::location. type = "dpkg", ecosystem and purl from `os`, layer left empty.
std::vector<model::Package> parse_dpkg_status(std::string_view content, std::string_view location,
                                              const model::OsInfo& os,
                                              std::vector<std::string>& warnings);

// Whether a dpkg Status value ("install ok installed") means the package is installed (above).
bool dpkg_status_installed(std::string_view status);

}  // namespace strata::detect
