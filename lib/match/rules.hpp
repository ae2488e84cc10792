#pragma once
// Which advisory package names a package is looked up under, and which of its versions each
// lookup compares: the per-ecosystem half of the matching rules (matcher.hpp has the rest).
//
//  - Debian / Ubuntu advisories name SOURCE packages: one lookup, `source_name` (falling back to
//    `name`) compared by `source_version` (falling back to `version`).
//  - Alpine / Wolfi / Chainguard (apk) advisories name origin packages: one lookup, `source_name`
//    (the apk origin, falling back to `name`) compared by the package's own `version`.
//  - rpm distributions (AlmaLinux, Rocky Linux, Red Hat, SUSE, ...): their advisories list BINARY
//    package names (AlmaLinux's ALSA records name "xz-libs", "xz-devel", ...), sometimes the
//    source rpm's name. First `name` compared by `version`, then, when it differs, `source_name`
//    (the source rpm's name) compared by the package's own `version` (with its epoch) when
//    `source_version` is that version-release, else by `source_version` (a subpackage with a
//    version of its own: the source rpm's epoch is not known and reads as 0); an
//    advisory already found under the binary name is not used again. Versions are rpm EVRs
//    "[epoch:]version-release": advisories write the epoch only when it is not 0, and a missing
//    epoch compares as 0, so the installed version must carry its epoch when it has one.
//  - Language ecosystems (PyPI, npm, Go, Maven, crates.io, RubyGems, NuGet, Packagist, Hex, Pub):
//    `name` compared by `version`, with OSV's name rules: PyPI names are PEP 503-normalised
//    (lowercase, runs of "-", "_", "." become one "-"; looked up normalised, then as written when
//    that differs, for records that store another spelling); Go module paths as they are, and the
//    Go toolchain's "stdlib" / "toolchain" versions written as Go writes them ("go1.21.3") are
//    read in the semver form the Go database uses ("1.21.3"). Other names are used as they are.
//  - any other ecosystem: `source_name` (falling back to `name`) compared by `version`.

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::match {

// The language-package ecosystems matched on their own, whatever the OS ("PyPI", "Go", ...).
bool is_language_ecosystem(std::string_view ecosystem);

// The name OSV uses for `name` in `ecosystem`: PEP 503 for PyPI, unchanged elsewhere.
std::string normalize_name(std::string_view ecosystem, std::string_view name);

struct Lookup {
  std::string name;     // the advisory package name to query
  std::string version;  // the installed version to compare with that name's advisories
};

// The lookups for `package` in `ecosystem`, in order of precedence (see the rules above); never
// empty, no two with the same name.
std::vector<Lookup> lookups_for(const model::Package& package, std::string_view ecosystem);

}  // namespace strata::match
