#pragma once
// Version schemes: the one entry point the rest of strata uses. Each scheme also has its own
// header (vercmp/dpkg.hpp, ...) with parse / compare / canonical form; this header dispatches.

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp {

enum class SchemeId {
  dpkg,
  rpm,
  apk,
  pep440,
  semver,
  go,
  maven,
  rubygems,
  nuget,
  composer,
  exact,  // an ecosystem without a known scheme: only equality is meaningful
};

// "dpkg", "rpm", "apk", "pep440", "semver", "go", "maven", "rubygems", "nuget", "composer",
// "exact"; nullopt for anything else.
std::optional<SchemeId> scheme_by_name(std::string_view name);
const char* scheme_name(SchemeId id);

// The scheme an OSV ecosystem's versions follow: "Debian:12" -> dpkg, "Alpine:v3.18" -> apk,
// "AlmaLinux:9" -> rpm, "PyPI" -> pep440, "npm" -> semver, "Go" -> go, "Maven" -> maven, ...
// Unknown ecosystems map to `exact`.
SchemeId scheme_for_ecosystem(std::string_view ecosystem);

// A package name as OSV compares it in `ecosystem`: PyPI names PEP 503-normalised (lower case,
// every run of "-", "_", "." one "-"), every other ecosystem's as it is. The database stores PyPI
// names this way and lookups use it, so "Django", "django" and "DJANGO" are one package.
std::string normalize_package_name(std::string_view ecosystem, std::string_view name);

// Compares two versions: <0, 0, >0. An invalid side is an input error whose message names it
// ("invalid dpkg version 'a:b' (left): ..."). Like rpm and apk-tools themselves, rpm orders
// every string but the empty one and apk every string with an initial number, in apk's grammar
// or not (vercmp/rpm.hpp, vercmp/apk.hpp). For `exact`, unequal strings compare by bytes, which
// is an ordering with no meaning beyond equality.
util::Result<int> compare(SchemeId scheme, std::string_view left, std::string_view right);

// Whether `version` parses under `scheme`; the error says why not.
util::Status validate(SchemeId scheme, std::string_view version);

}  // namespace strata::vercmp
