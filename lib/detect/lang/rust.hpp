#pragma once
// Rust crates (type "rust", ecosystem "crates.io", purl pkg:cargo/<name>@<version>) from two
// sources:
//
// Cargo.lock (every version: v1 with its [metadata] checksums, v2, v3, v4). Read as the TOML
// subset Cargo writes: each [[package]] table's `name = "..."` and `version = "..."` (basic or
// literal strings, escapes decoded), and those of the [root] table lockfiles written before
// 2017 used for the root crate; every other table ([metadata], [[patch.unused]]) and key
// (source, checksum, dependencies = [ ... ] over several lines) is skipped. Every package is
// reported, the workspace's own crates and path/git dependencies included (a git or path crate
// with a crates.io name is matched against crates.io advisories as other scanners do). A
// [[package]] without a name or version is skipped with a warning.
//
// cargo-auditable data in executables: the section ".dep-v0" (ELF, PE; Mach-O __DATA,.dep-v0)
// holds zlib-compressed JSON (rust-secure-code/cargo-auditable, auditable-serde):
//   {"packages": [{"name": "...", "version": "...", "source": "crates.io"|"git"|"local"|
//                  "registry"|..., "kind": "build"|"runtime" (absent: runtime),
//                  "dependencies": [index, ...], "root": true|false}, ...]}
// Packages whose kind is "build" were compiled into build scripts or proc macros only, not into
// the binary: they are left out; every other package is reported, the root crate included.
// Bounds: the decompressed JSON is at most k_max_auditable_json bytes and nests at most
// k_max_auditable_depth deep; beyond either, a warning and nothing.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/lang/executable.hpp"
#include "model/types.hpp"
#include "util/result.hpp"

namespace strata::detect::lang {

inline constexpr std::size_t k_max_auditable_json = 8u << 20;
inline constexpr std::size_t k_max_auditable_depth = 16;

// Whether `path` is a Cargo.lock (by its file name).
bool is_cargo_lock_candidate(std::string_view path);

// The packages of one Cargo.lock; `path` names it in warnings and becomes Package::location.
std::vector<model::Package> parse_cargo_lock(std::string_view content, std::string_view path,
                                             std::vector<std::string>& warnings);

// The decompressed JSON of an executable's ".dep-v0" section. nullopt: no such section (or not a
// supported executable). Error (input): the section is cut short, is not zlib data, or inflates
// past k_max_auditable_json.
util::Result<std::optional<std::string>> read_cargo_auditable_json(const Executable& exe);

// The packages of a cargo-auditable JSON document (see above). Errors (input): not JSON, nested
// too deep, no "packages" array. Entries without a string name or version are skipped, counted
// in `skipped`.
util::Result<std::vector<model::Package>> cargo_auditable_packages(std::string_view json,
                                                                   std::string_view path,
                                                                   std::size_t& skipped);

// The packages an executable's cargo-auditable data lists (the whole file's bytes; only its
// headers and the section are read). Nothing, without a warning, for an executable without the
// section; a warning "<path>: cargo-auditable data: ..." when it cannot be read.
std::vector<model::Package> parse_cargo_auditable(std::string_view bytes, std::string_view path,
                                                  std::vector<std::string>& warnings);
// The same on already parsed headers.
std::vector<model::Package> parse_cargo_auditable(const Executable& exe, std::string_view path,
                                                  std::vector<std::string>& warnings);

// A crates.io package as both readers report it.
model::Package cargo_package(std::string_view name, std::string_view version,
                             std::string_view path);

}  // namespace strata::detect::lang
