#pragma once
// Go module versions, as golang.org/x/mod/semver, plus Go toolchain versions (go/version).
//
// Module versions: vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]. "v1" and "v1.2" are shorthands
// for v1.0.0 / v1.2.0 (no prerelease or build allowed on a shorthand); numbers have no leading
// zeros; build metadata (including "+incompatible") is ignored when comparing. Pseudo-versions
// (v0.0.0-20191109021931-daa7c04131f5) are ordinary prereleases for ordering.
//
// OSV: Go records write SEMVER events WITHOUT the "v" ("introduced": "0", "fixed": "1.2.3"),
// also for the `stdlib` / `toolchain` modules, whose versions are the semver forms of Go
// releases (go1.21.3 -> 1.21.3, go1.22rc1 -> 1.22.0-rc.1; see toolchain_to_semver()). So
// compare_strings() and validate() (the dispatcher's contract) accept a missing leading "v"
// and read "1.2.3" as "v1.2.3" ("0" as "v0"). parse() is strict unless asked otherwise.
//
// Parse once, compare many: compare() never allocates.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::go {

class Version {
 public:
  // Digits without leading zeros, of any length.
  std::string_view major() const { return span(m_major); }
  std::string_view minor() const { return span(m_minor); }
  std::string_view patch() const { return span(m_patch); }
  // "-rc.1" or "" (with the leading '-').
  std::string_view prerelease() const { return span(m_pre); }
  // "+incompatible", "+meta" or "" (with the leading '+'); ignored by compare().
  std::string_view build() const { return span(m_build); }
  bool incompatible() const { return build() == "+incompatible"; }

  // Internal: the text "vM.m.p[-pre][+build]" (shorthands expanded) and where each part is.
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };
  std::string m_text;
  Span m_major, m_minor, m_patch, m_pre, m_build;

 private:
  std::string_view span(Span s) const {
    return std::string_view(m_text).substr(s.offset, s.length);
  }
};

enum class VPrefix { required, optional };

// Parses a module version; an input error says what is wrong. With VPrefix::optional a missing
// leading "v" is supplied ("1.2.3" reads as "v1.2.3").
util::Result<Version> parse(std::string_view text, VPrefix prefix = VPrefix::required);

// <0, 0, >0 as semver.Compare for two valid versions.
int compare(const Version& left, const Version& right);

// semver.Canonical: "v1.2.3-pre" for "v1.2.3-pre+meta", "v1.0.0" for "v1" (build dropped).
std::string canonical(const Version& version);

// semver.Compare on raw strings, including its treatment of invalid versions: an invalid
// version compares equal to every other invalid one and below every valid one. Strict "v".
int compare_x_mod(std::string_view left, std::string_view right);

// module.IsPseudoVersion: vX.0.0-yyyymmddhhmmss-abcdefabcdef, vX.Y.(Z+1)-0.yyyymmddhhmmss-...,
// vX.Y.Z-pre.0.yyyymmddhhmmss-...
bool is_pseudo_version(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid go version 'x' (left): why".
// Accepts versions with or without the leading "v" (see above).
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme (leading "v" optional); the error says why not.
util::Status validate(std::string_view version);

// Go toolchain versions, as go/version.Compare: "go1.21.3", "go1.22rc1", "go1.20beta1", "go1.21"
// (the language version, which sorts before go1.21rc1 < go1.21.0), "go1.9" (= go1.9.0 before
// Go 1.21). The "go" prefix is optional ("1.21.3"); a custom suffix after '-' is ignored
// ("go1.21.0-bigcorp" == "go1.21.0"). An invalid side is an input error naming it.
util::Result<int> compare_toolchain(std::string_view left, std::string_view right);

// The semver form the Go vulnerability database uses for a toolchain version, without "v":
// "go1.21.3" -> "1.21.3", "go1.22rc1" -> "1.22.0-rc.1", "go1.20beta1" -> "1.20.0-beta.1",
// "go1.21" -> "1.21.0", "go1" -> "1.0.0". Error for an invalid toolchain version.
util::Result<std::string> toolchain_to_semver(std::string_view toolchain);

}  // namespace strata::vercmp::go
