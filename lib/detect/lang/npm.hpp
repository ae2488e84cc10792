#pragma once
// Node packages (type "npm", OSV ecosystem "npm", purl pkg:npm/[%40scope/]name@version):
//
// * installed packages: the package.json of a package directory,
//     .../node_modules/NAME/package.json  or  .../node_modules/@SCOPE/NAME/package.json
//   at any nesting depth (node_modules/a/node_modules/b/..., pnpm's node_modules/.pnpm/X/
//   node_modules/NAME/...). Name and version come from the JSON ("name", "version"); a
//   package.json without both strings is not a package (fixtures and templates often lack a
//   version) and is skipped without a warning. Any other package.json (the application's own,
//   a test fixture deeper inside a package) is not a candidate.
// * lockfiles: package-lock.json and npm-shrinkwrap.json (lockfileVersion 1, 2, 3), yarn.lock
//   (Yarn 1 and Yarn 2+ "Berry"), pnpm-lock.yaml (lockfileVersion 5.x, 6.x, 9.x). A lockfile
//   inside a node_modules directory (one a published package ships) describes its author's
//   development install, not what is installed here, and is not a candidate; nor is npm's
//   hidden lockfile node_modules/.package-lock.json (the installed package.json files say the
//   same).
//
// What a lockfile reports (the same policy in every format):
// * dependencies only: the project itself (the root entry "" of a package-lock), its
//   workspaces, and local directories it links to (package-lock keys outside node_modules/ and
//   `link: true` entries; yarn `workspace:`, `link:`, `portal:` and `file:` directories; pnpm
//   `resolution: {directory: ...}`) are the application's own code, not packages from a
//   registry, and are not reported. Tarballs (`file:x.tgz`, URLs) and git dependencies are.
// * development-only packages are left out by default (NpmOptions::include_dev): a production
//   image usually installs without them (npm ci --omit=dev), and when they are installed their
//   package.json reports them anyway. Trivy drops them by default too. "Development-only" is
//   what the lockfile says: package-lock `dev: true` (not `devOptional`), pnpm 5/6 `dev: true`,
//   and in pnpm 9 (no flags) the packages reachable only from importers' devDependencies.
//   yarn.lock does not record it: every yarn package counts as production.
// * one package per name@version and file (a package installed at several paths of one
//   lockfile is one package; it is development-only when every copy is).
// * a dependency whose version the lockfile does not give (a lockfile v1 git dependency, whose
//   "version" is the git URL; a v2 entry without "version") is reported with an empty version,
//   as osv-scalibr and npm itself (npm query) do.
//
// A malformed file yields a warning naming the path and whatever could be read; nothing here
// throws on bad input or reads out of bounds.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

struct NpmOptions {
  // Lockfiles: also report the packages only development needs (see above).
  bool include_dev = false;
  // JSON nested deeper than this (a package-lock v1 nests 2 levels per dependency level) and
  // YAML keys indented deeper than max_depth levels are refused with a warning.
  std::size_t max_depth = 512;
  // Entries read from one file; the rest are dropped with a warning.
  std::size_t max_entries = 1'000'000;
};

// --- Candidates (from the normalised absolute path alone) ----------------------------------

// ".../node_modules/NAME/package.json" or ".../node_modules/@SCOPE/NAME/package.json", NAME
// not starting with '.' (node_modules/.bin, .cache, .pnpm are not packages).
bool is_npm_package_json_candidate(std::string_view path);
// A package-lock.json, npm-shrinkwrap.json, yarn.lock or pnpm-lock.yaml outside node_modules.
bool is_npm_lockfile_candidate(std::string_view path);
// Either of the above.
bool is_npm_candidate(std::string_view path);

// --- Parsers ---------------------------------------------------------------------------------

// The package an installed package.json describes (zero or one); location = `path`.
std::vector<model::Package> parse_npm_package_json(std::string_view content, std::string_view path,
                                                   std::vector<std::string>& warnings,
                                                   const NpmOptions& options = {});

// One package a lockfile lists, as read, before the reporting policy (dev, one per name@version)
// is applied.
struct NpmLockEntry {
  model::Package package;  // name, version, type, ecosystem, purl, location = the lockfile
  // package-lock.json: where npm installs it, relative to the lockfile's directory
  // ("node_modules/a/node_modules/@s/b"; for lockfile v1 derived from the nesting). Empty for
  // yarn.lock and pnpm-lock.yaml, whose install layout the lockfile does not fix.
  std::string install_path;
  bool dev = false;  // development-only, as the lockfile says (see above)
};

// Every dependency entry of a lockfile, duplicates and dev entries included, in file order
// (package-lock: in key order, which is the order npm writes).
std::vector<NpmLockEntry> read_package_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options = {});
std::vector<NpmLockEntry> read_yarn_lock(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings,
                                         const NpmOptions& options = {});
std::vector<NpmLockEntry> read_pnpm_lock(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings,
                                         const NpmOptions& options = {});

// The reporting policy over read_* entries: dev-only entries dropped (unless
// options.include_dev), one package per name@version, in first-seen order.
std::vector<model::Package> npm_lock_packages(const std::vector<NpmLockEntry>& entries,
                                              const NpmOptions& options = {});

// The packages a lockfile reports: npm_lock_packages(read_*(...)).
std::vector<model::Package> parse_package_lock(std::string_view content, std::string_view path,
                                               std::vector<std::string>& warnings,
                                               const NpmOptions& options = {});
std::vector<model::Package> parse_yarn_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options = {});
std::vector<model::Package> parse_pnpm_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options = {});

// Any candidate: dispatches on the file name (package.json, package-lock.json,
// npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml); nothing for any other name.
std::vector<model::Package> parse_npm_file(std::string_view content, std::string_view path,
                                           std::vector<std::string>& warnings,
                                           const NpmOptions& options = {});

// --- Lockfile packages that are also installed -------------------------------------------------
// A package a lockfile lists and an installed package.json beside it describes is to be
// reported once, with the package.json as its location.

// Where the package.json of a package-lock entry lies once installed:
// "<lockfile's directory>/<install_path>/package.json"; "" when the entry has no install path.
std::string npm_installed_manifest_path(std::string_view lockfile_path, const NpmLockEntry& entry);

// Whether the installed package `installed` (from parse_npm_package_json) is the package
// `locked` that the lockfile at `lockfile_path` lists: same name and version, and its
// package.json lies under the lockfile's directory (its node_modules, a workspace's
// node_modules, pnpm's node_modules/.pnpm). Works for every lockfile format; with a
// package-lock entry, comparing npm_installed_manifest_path with the location is stricter.
bool npm_installed_covers(const model::Package& installed, const model::Package& locked,
                          std::string_view lockfile_path);

// `locked` (the packages of the lockfile at `lockfile_path`) without those some package of
// `installed` covers.
std::vector<model::Package> npm_drop_installed(std::vector<model::Package> locked,
                                               std::string_view lockfile_path,
                                               const std::vector<model::Package>& installed);

// --- Shared pieces -------------------------------------------------------------------------------

// pkg:npm/NAME@VERSION, a scope's '@' percent-encoded (pkg:npm/%40babel/core@7.0.0); the
// name's case is kept (the purl spec's npm type is case-sensitive: "JSONStream"); "@VERSION"
// omitted when the version is empty.
std::string npm_purl(std::string_view name, std::string_view version);

// A Package of type "npm", ecosystem "npm", with its purl and location.
model::Package make_npm_package(std::string name, std::string version, std::string_view location);

}  // namespace strata::detect::lang
