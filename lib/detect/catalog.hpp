#pragma once
// What the detectors read and where: the canonical paths of OS release files and package
// databases, and which files the layer reader keeps for them.
//
// A layer is read before the layers above it are known, so the reader cannot tell whether some
// directory of a path will be a symlink in the merged image (Fedora 36+ and RHEL 10 ship
// /var/lib/rpm -> ../../usr/lib/sysimage/rpm; some images link /var/lib/dpkg or /lib/apk
// elsewhere). It therefore keeps two kinds of files:
//   - canonical paths ("/var/lib/rpm/rpmdb.sqlite", "/etc/os-release", ...), always;
//   - relocatable candidates: a file anywhere whose name is a canonical file's name
//     ("rpmdb.sqlite", "Packages", "Packages.db", "status", "installed", "os-release", or a file
//     in a directory named "status.d"), kept only when its content shows it is one (the SQLite,
//     BerkeleyDB hash or NDB magic; a dpkg stanza; an apk "C:"/"P:" line; an os-release ID=).
// The detectors then read the canonical paths through the merged view, which resolves symlinks
// inside the image root as overlayfs does, and find the candidate the path leads to.

#include <cstdint>
#include <string_view>

namespace strata::detect {

// Packages one package database may declare; the rest are ignored with a warning. The largest
// real systems have a few thousand; a hostile database can declare millions, each costing
// memory through detection, matching and the report.
inline constexpr std::size_t k_max_packages_per_database = 20000;

enum class DbKind { none, dpkg, apk, rpm_sqlite, rpm_bdb, rpm_ndb };

// The database kind of the file at normalised absolute `path` when it is a canonical database
// path (dpkg status and status.d entries, apk installed, the rpm files under /var/lib/rpm and
// /usr/lib/sysimage/rpm); DbKind::none otherwise.
DbKind canonical_database_kind(std::string_view path);

// The database kind a file named like `path` (whatever its directory) would be; none when no
// database file has that name. "status.d" entries count by their directory's name.
DbKind database_kind_by_name(std::string_view path);

// Whether `path` is a canonical OS release file (/etc/os-release, /usr/lib/os-release,
// /etc/alpine-release, /etc/debian_version, and the older RHEL/SUSE release files:
// detect/os_release.hpp k_legacy_release_files).
bool is_release_file(std::string_view path);

// The layer reader's predicates (layer::ReadOptions): keep a canonical path or a candidate;
// accept a candidate's content only when it shows what it is (canonical paths always);
// the size limit for a kept path: 256 MiB for rpm databases (a large system's BerkeleyDB
// Packages), 0 (the reader's default) for the rest.
bool wants_path(std::string_view path);
bool accepts_content(std::string_view path, std::string_view content);
// accepts_content for the layer reader: a dpkg file list (/var/lib/dpkg/info/*.list) is also
// kept, shrunk to its language-package files (detect/lang/extract.hpp), or dropped when it has
// none.
bool keep_content(std::string_view path, std::string& content);
// Whether `path` is a dpkg file list, /var/lib/dpkg/info/NAME.list.
bool is_dpkg_file_list(std::string_view path);
std::uint64_t kept_size_limit(std::string_view path);

// Whether `content` starts as the database `kind` does (magic bytes or first record).
bool looks_like(DbKind kind, std::string_view content);

}  // namespace strata::detect
