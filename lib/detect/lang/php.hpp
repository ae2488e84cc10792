#pragma once
// PHP packages managed by Composer (ecosystem "Packagist", purl pkg:composer/VENDOR/NAME@VERSION).
//
//   composer.lock                      {"packages": [...], "packages-dev": [...]}: both lists
//   <vendor-dir>/composer/installed.json  what `composer install` put in vendor/: Composer 1 wrote
//                                      a bare array of packages, Composer 2 writes
//                                      {"packages": [...], "dev": ..., "dev-package-names": [...]}
// Each package is an object whose "name" ("symfony/http-kernel") and "version" are read as
// written. Versions keep a leading 'v' ("v5.4.0"): that is what osv-scanner and osv-scalibr report
// from these files, and OSV's Packagist ordering (vercmp/composer.hpp) drops it when comparing.
// Branch versions ("dev-main") are reported as they are too.

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

// A file named composer.lock.
bool is_composer_lock_candidate(std::string_view path);
// A file <anything>/composer/installed.json (Composer's vendor/composer/installed.json).
bool is_composer_installed_candidate(std::string_view path);
bool is_php_candidate(std::string_view path);

// The packages of a composer.lock, "packages" then "packages-dev", in file order. Not JSON (or
// nested too deep), or no "packages" list: a warning naming `path`, and no packages. A list entry
// without a string name and version: a warning naming the list and index, and the entry skipped.
std::vector<model::Package> parse_composer_lock(std::string_view content, std::string_view path,
                                                std::vector<std::string>& warnings);

// The packages of an installed.json, either form (above); warnings as parse_composer_lock.
std::vector<model::Package> parse_composer_installed(std::string_view content,
                                                     std::string_view path,
                                                     std::vector<std::string>& warnings);

// parse_composer_installed for a path ending "installed.json", else parse_composer_lock.
std::vector<model::Package> parse_php(std::string_view content, std::string_view path,
                                      std::vector<std::string>& warnings);

}  // namespace strata::detect::lang
