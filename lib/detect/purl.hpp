#pragma once
// Package URLs (github.com/package-url/purl-spec) for OS packages:
//   pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=debian-12
//   pkg:apk/alpine/NAME@VERSION?arch=ARCH&distro=3.18.9
// Qualifiers in lexical key order (arch, distro), each omitted when empty. Name, version and
// qualifier values are percent-encoded except [A-Za-z0-9.-_~] and ':' and '+' (kept as is, the
// way syft and trivy print Debian epochs and versions).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/types.hpp"

namespace strata::detect {

std::string purl_encode(std::string_view text);

// `namespace_` e.g. "debian"; `distro` e.g. "debian-12" or "3.18.9" (omitted when empty).
std::string make_purl(std::string_view type, std::string_view namespace_, std::string_view name,
                      std::string_view version, std::string_view arch, std::string_view distro);

// The deb purl of `pkg` on `os`: namespace = os family ("ubuntu", else "debian"),
// distro = FAMILY-VERSION_ID ("debian-12", "ubuntu-22.04"), omitted when the OS is unknown.
std::string deb_purl(const model::Package& pkg, const model::OsInfo& os);
// The apk purl: namespace = os family ("alpine" when unknown), distro = the OS version.
std::string apk_purl(const model::Package& pkg, const model::OsInfo& os);
// The rpm purl: pkg:rpm/FAMILY/NAME@VERSION-RELEASE?arch=ARCH&epoch=E&distro=FAMILY-VERSION_ID
// (the qualifiers in the order the rpm report fields name them; epoch only when not 0, the
// namespace and distro omitted when the OS is unknown). `version_release` has no epoch.
std::string rpm_purl(std::string_view name, std::string_view version_release, std::uint32_t epoch,
                     std::string_view arch, const model::OsInfo& os);

}  // namespace strata::detect
