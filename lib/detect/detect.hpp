#pragma once
// Package and OS detection over a vfs::Filesystem. The layer reader keeps only the files some
// detector wants (wants_path), so detectors must declare every path they read.

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/result.hpp"
#include "vfs/vfs.hpp"

namespace strata::detect {

// Whether any detector reads the file at normalised absolute path `path` ("/etc/os-release",
// "/var/lib/dpkg/status", "/var/lib/dpkg/status.d/foo", "/lib/apk/db/installed", ...).
bool wants_path(std::string_view path);

// Names the set of files wants_path() keeps and how they are read. Change it whenever either
// changes: it is part of the layer cache's key, so analyses made by another version are never
// reused.
inline constexpr std::string_view k_analyzer_version = "detect-1 (os-release, dpkg, apk)";

// OS of the filesystem (os-release, alpine-release, debian_version); empty OsInfo when unknown.
model::OsInfo detect_os(const vfs::Filesystem& fs, std::vector<std::string>& warnings);

// Every package of every supported database in `fs`, with ecosystem set from `os`, source
// name/version defaulted, purl filled, `layer` from the database file's Stat::layer (refined by
// the caller), `location` = the database path. A corrupt entry is skipped with a warning.
std::vector<model::Package> detect_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                                            std::vector<std::string>& warnings);

// Parses one package database file's content as found at `path` (dispatch by path) — used to
// attribute each package to the layer that introduced it by parsing each layer's version of the
// file. Returns nothing for paths no detector owns.
std::vector<model::Package> parse_database_file(std::string_view path, std::string_view content,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& warnings);

}  // namespace strata::detect
