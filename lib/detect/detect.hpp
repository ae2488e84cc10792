#pragma once
// Package and OS detection over a vfs::Filesystem. The layer reader keeps only the files some
// detector wants (wants_path), so detectors must declare every path they read.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "detect/catalog.hpp"
#include "model/types.hpp"
#include "util/result.hpp"
#include "vfs/vfs.hpp"

namespace strata::detect {

// Which files the layer reader keeps (wants_path, accepts_content, kept_size_limit) and why:
// detect/catalog.hpp. Names that set and how the files are read; change it whenever either
// changes: it is part of the layer cache's key, so analyses made by another version are never
// reused.
inline constexpr std::string_view k_analyzer_version =
    "detect-4 (os-release and older release files, dpkg, apk, rpm sqlite/bdb/ndb, apk and rpm "
    "licenses; databases "
    "kept by name for symlinked directories; language files: python ruby php dotnet java npm rust; "
    "go and rust executables; dpkg file lists shrunk to language files)";

// OS of the filesystem (os-release, alpine-release, debian_version); empty OsInfo when unknown.
model::OsInfo detect_os(const vfs::Filesystem& fs, std::vector<std::string>& warnings);

// Every package of every supported database in `fs` (dpkg status and status.d, apk installed,
// the rpm database; each read through symlinked directories as the merged view resolves them),
// with ecosystem set from `os`, source name/version defaulted, purl filled, `layer` from the
// database file's Stat::layer (refined by the caller), `location` = the database file's real
// path (symlinks followed). A corrupt entry is skipped with a warning.
// `owned_language_files`, when given, receives the language-package files
// (detect/lang/extract.hpp) that the OS packages installed, from dpkg's file lists
// (/var/lib/dpkg/info/*.list), the apk database's F:/R: lines and the rpm headers' file lists:
// a language package read from one of them is reported once, as the OS package.
std::vector<model::Package> detect_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                                            std::vector<std::string>& warnings,
                                            std::set<std::string>* owned_language_files = nullptr);

// Parses one package database file's content as found at `path` (dispatch by the file's name:
// detect/catalog.hpp) — used to attribute each package to the layer that introduced it by
// parsing each layer's version of the file at its real path. Returns nothing for other names.
std::vector<model::Package> parse_database_file(std::string_view path, std::string_view content,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& warnings);

}  // namespace strata::detect
