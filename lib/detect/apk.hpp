#pragma once
// apk's database: /lib/apk/db/installed (and /usr/lib/apk/db/installed, used by apk-tools 3).
// Entries are blocks of "X:value" lines separated by empty lines. Kept: P (name), V (version),
// A (arch), o (origin = source package; default: the name). An entry without P or V is skipped
// with a warning; lines that are not "X:value" are ignored (with one warning per file).

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect {

// Packages of one apk `installed` file; `location` names the file in warnings and becomes
// Package::location. type = "apk", source_version = version, ecosystem and purl from `os`.
std::vector<model::Package> parse_apk_installed(std::string_view content, std::string_view location,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& warnings);

// The files the packages of an apk `installed` database own ("F:" directory lines, then "R:"
// file lines), as absolute paths, that `keep` selects, inserted into `out`.
void apk_owned_files(std::string_view content, bool (*keep)(std::string_view path),
                     std::set<std::string>& out);

}  // namespace strata::detect
