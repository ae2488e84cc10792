#pragma once
// rpm packages: one database file (SQLite, BerkeleyDB or NDB; detect/rpmdb_*.hpp) turned into
// model::Package values.
//
// Fields: type "rpm"; name = NAME; version = "VERSION-RELEASE", prefixed with "EPOCH:" only when
// the epoch is present and not 0 ("1:3.0.7-24.el9"), as rpm advisories write it; arch = ARCH;
// source_name / source_version from SOURCERPM ("openssl-3.0.7-24.el9.src.rpm" -> "openssl",
// "3.0.7-24.el9"; the package's own name and VERSION-RELEASE when absent or not of that form);
// modularity_label = MODULARITYLABEL; purl
// "pkg:rpm/<os id>/<name>@<V-R>?arch=<arch>&epoch=<E>&distro=<os id>-<VERSION_ID>" (epoch only
// when not 0); ecosystem from the OS.
//
// Not listed: "gpg-pubkey" entries (signing keys rpm imported, not software; NeuVector, Trivy and
// Grype leave them out too). A header that cannot be decoded is a warning naming the database
// and the package's index, never silently dropped and never an abort.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/catalog.hpp"
#include "detect/rpm_header.hpp"
#include "model/types.hpp"

namespace strata::detect {

// "openssl-3.0.7-24.el9.src.rpm" -> {"openssl", "3.0.7-24.el9"}; {"", ""} when `source_rpm`
// does not end in ".src.rpm" / ".nosrc.rpm" or lacks a version or release.
std::pair<std::string, std::string> split_source_rpm(std::string_view source_rpm);

// The package for one decoded header.
model::Package rpm_package(const RpmHeader& header, const model::OsInfo& os);

// Every package of the rpm database `content` of format `kind` (rpm_sqlite, rpm_bdb or
// rpm_ndb); `location` names it in warnings and becomes Package::location. A database that
// cannot be read at all is one warning and no packages. `owned_language_files`, when given,
// receives the packages' files that are language-package files (detect/lang/extract.hpp).
std::vector<model::Package> parse_rpm_database(
    std::string_view content, DbKind kind, std::string_view location, const model::OsInfo& os,
    std::vector<std::string>& warnings, std::set<std::string>* owned_language_files = nullptr);

// The same on a buffer the caller owns: an SQLite database is read in place, without the copy
// parse_rpm_database makes (`content` is modified while it is read, and restored).
std::vector<model::Package> parse_rpm_database_in_place(
    std::string& content, DbKind kind, std::string_view location, const model::OsInfo& os,
    std::vector<std::string>& warnings, std::set<std::string>* owned_language_files = nullptr);

}  // namespace strata::detect
