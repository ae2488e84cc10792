#pragma once
// Go executables: the build information the Go linker embeds (what `go version -m` prints and
// Go's debug/buildinfo reads), as packages of type "go", ecosystem "Go".
//
// Where it is: the blob is 16-byte aligned (by virtual address) in the ELF section
// ".go.buildinfo", the Mach-O section "__go_buildinfo", else in the first writable, non-executable
// ELF PT_LOAD / the first initialised read-write PE section / the first read-write Mach-O
// segment; the whole of that region is searched. Grammar:
//   blob  = "\xff Go buildinf:" ptr_size:u8 flags:u8 ptrs:16 bytes
//   flags & 2 (Go >= 1.18):  ptrs unused; then vers:string mod:string, each a uvarint length and
//                            that many bytes, right after the 32-byte header
//   else (Go 1.13 - 1.17):   ptrs = vers_addr mod_addr (ptr_size bytes each, big-endian when
//                            flags & 1), each the address of a Go string header
//                            {data_addr, length} (ptr_size each) somewhere in a segment
//   vers  = runtime.buildVersion: "go1.22.1", "go1.22.1 X:loopvar", "devel go1.23-abc123 ..."
//   mod   = 16 sentinel bytes, text, 16 sentinel bytes ("" when not built in module mode),
//           recognised as Go does: at least 33 bytes and '\n' 17 bytes from the end
//   text  = lines of runtime/debug's BuildInfo.String():
//             path  TAB package-path
//             mod   TAB path TAB version [TAB sum]        the main module
//             dep   TAB path TAB version [TAB sum]        one per dependency
//             =>    TAB path TAB version TAB sum          replaces the mod/dep line above it
//             build TAB key=value                         build settings (ignored here)
//
// What is reported (Package::type "go", ecosystem "Go", purl pkg:golang/<module path>@<version>,
// each path segment percent-encoded):
// - the main module when its version is real: not "" and not "(devel)" (Go >= 1.24 stamps VCS
//   versions; `go install m@v1.2.3` records v1.2.3);
// - every dependency with its version as Go writes it (leading "v" kept: "v1.2.3",
//   "v0.0.0-20210121094942-22b2f8951d46"; OSV's Go records omit the "v" and vercmp::go reads
//   both); one without a path or a version (old toolchains) is skipped;
// - a replaced module as its replacement (path and version), which is what was compiled in. A
//   replacement by a local directory ("=>  ./dep  (devel)": no real version) keeps the ORIGINAL
//   module path and required version: the code is a local copy whose version is unknown, the
//   required version is the closest known one (it may be Go's placeholder
//   v0.0.0-00010101000000-000000000000), and the directory path would match nothing and hide
//   the module;
// - the toolchain as the package "stdlib" in OSV's form (vercmp::go::toolchain_to_semver): the
//   first word of vers without "go" ("go1.21.4 X:boringcrypto" -> "1.21.4", "go1.22rc1" ->
//   "1.22.0-rc.1", "go1.21" -> "1.21.0", "go1.21.0-bigcorp" -> "1.21.0"); purl
//   pkg:golang/stdlib@1.21.4. A "devel ..." toolchain has no release version: no stdlib package.
//
// A file that is not a Go executable (no blob) yields nothing and no warning. A blob whose strings
// cannot be read, or malformed module lines, yield a warning naming the path and what is wrong.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/lang/executable.hpp"
#include "model/types.hpp"
#include "util/result.hpp"

namespace strata::detect::lang {

// Bounds: a longer version or module string is an error (real ones are well under 1 MiB).
inline constexpr std::uint64_t k_max_go_version_length = 4096;
inline constexpr std::uint64_t k_max_go_modinfo_length = 16u << 20;

// The two strings of the blob: `modinfo` without its sentinels, "" when absent.
struct GoRawBuildInfo {
  std::string go_version;
  std::string modinfo;
};

// The raw build info of an executable. nullopt: not a Go executable (no blob, or headers that
// are not a supported executable). Error (input): a blob was found but its strings cannot be
// read ("version string at 0x... not mapped", "truncated varint", ...).
util::Result<std::optional<GoRawBuildInfo>> read_go_raw_build_info(std::string_view bytes);
// The same on already parsed headers.
util::Result<std::optional<GoRawBuildInfo>> read_go_raw_build_info(const Executable& exe);

// The text between cmd/go's 16-byte sentinels around the module string; "" when they are not
// there (as Go decides: at least 33 bytes and '\n' 17 bytes from the end).
std::string strip_go_modinfo_sentinels(std::string_view mod);

struct GoModule {
  std::string path;
  std::string version;
  std::string sum;
};

struct GoModuleEntry {
  GoModule module;
  std::optional<GoModule> replace;
};

struct GoBuildInfo {
  std::string go_version;  // the blob's vers, as is
  std::string path;        // the main package path ("command-line-arguments" for go build x.go)
  std::optional<GoModuleEntry> main;
  std::vector<GoModuleEntry> deps;
  std::vector<std::pair<std::string, std::string>> settings;  // build lines (key, value)
};

// runtime/debug.ParseBuildInfo on `modinfo` (sentinels already stripped), but lenient: a
// malformed line is skipped with a warning ("modinfo line 4: ...") instead of failing the whole
// text. Unknown line kinds and empty lines are ignored, as Go does.
GoBuildInfo parse_go_modinfo(std::string_view modinfo, std::vector<std::string>& warnings);

// The stdlib version OSV uses for a toolchain version string (see above); "" when there is none.
std::string go_stdlib_version(std::string_view go_version);

// pkg:golang/<path segments, each percent-encoded>@<version>.
std::string golang_purl(std::string_view module_path, std::string_view version);

// The packages `info` reports (see above); `path` becomes Package::location.
std::vector<model::Package> go_packages(const GoBuildInfo& info, std::string_view path);

// The packages of the Go executable `bytes` (the whole file; only its headers and the build
// info are read). Nothing, without a warning, for a file that is not a Go executable; a warning
// "<path>: Go build info: ..." when its build info is unreadable or partly malformed.
std::vector<model::Package> parse_go_binary(std::string_view bytes, std::string_view path,
                                            std::vector<std::string>& warnings);
// The same on already parsed headers (a caller that also reads other data of the executable,
// like cargo-auditable's, parses them once).
std::vector<model::Package> parse_go_binary(const Executable& exe, std::string_view path,
                                            std::vector<std::string>& warnings);

}  // namespace strata::detect::lang
