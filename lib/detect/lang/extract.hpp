#pragma once
// Language packages: which files declare them, and the parser each file goes to. The layer
// reader (layer::ReadOptions::extracts / extracts_head / extract) and the root-filesystem walk
// (scan) call these three for every regular file.
//
//   Python    site-packages / dist-packages: *.dist-info/METADATA, *.egg-info (file or
//             PKG-INFO in it), .egg files and EGG-INFO/PKG-INFO        (detect/lang/python.hpp)
//   Ruby      specifications/*.gemspec, Gemfile.lock, gems.locked    (detect/lang/ruby.hpp)
//   PHP       composer.lock, vendor/composer/installed.json          (detect/lang/php.hpp)
//   .NET      *.deps.json, packages.lock.json                        (detect/lang/dotnet.hpp)
//   Java      .jar .war .ear .par .sar .jpi .hpi, nested to depth 4  (detect/lang/java.hpp)
//   Node      node_modules/<name>/package.json, package-lock.json, npm-shrinkwrap.json,
//             yarn.lock, pnpm-lock.yaml                              (detect/lang/npm.hpp)
//   Rust      Cargo.lock; cargo-auditable data in executables        (detect/lang/rust.hpp)
//   Go        the build info of executables (ELF, PE, Mach-O)        (detect/lang/gobinary.hpp)

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

// Whether the file at normalised absolute `path` declares language packages by its name.
bool is_language_file(std::string_view path);

// Whether a file whose first bytes are `head` (an executable) may embed package data; such
// files go to extract_language_packages whatever their name.
bool is_executable_head(std::string_view head);

// The packages `content` (the file at `path`) declares; what is malformed becomes a warning
// naming the file. Package::location is `path` (or a path inside it: "a.jar!/lib/b.jar").
void extract_language_packages(std::string_view path, std::string_view content,
                               std::vector<model::Package>& out,
                               std::vector<std::string>& warnings);

// Reports each package once where two files describe one installation: an npm lockfile's
// packages that are installed beside it (their package.json under the lockfile's directory,
// same name and version) are dropped in favour of the installed package.json. Keeps the order
// of everything else; a lockfile's remaining packages move to the end.
void drop_duplicate_reports(std::vector<model::Package>& packages);

// The largest language file read (a jar can be hundreds of MiB).
inline constexpr std::uint64_t k_max_language_file = 512u << 20;

}  // namespace strata::detect::lang
