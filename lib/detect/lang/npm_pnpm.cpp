// pnpm-lock.yaml (https://github.com/pnpm/spec/tree/master/lockfile):
//   lockfileVersion 5.x: packages: {"/name/1.2.3": {dev: false}, "/@s/n/1.0.0_react@18.2.0": ...}
//   lockfileVersion 6.x: packages: {"/name@1.2.3": {dev: true}, "/@s/n@1.0.0(react@18.2.0)": ...}
//   lockfileVersion 9.x: packages: {"name@1.2.3": {resolution: ...}}, and
//                        snapshots: {"name@1.2.3(react@18.2.0)": {dependencies: {dep: 1.0.0}}}
// A package's name and version are its "name" / "version" fields when given (tarballs, git,
// local files), else read from its key; the peer suffix ("_..." or "(...)") is dropped.
// Keys may carry a registry host ("registry.npmjs.org/lodash/4.17.10", v5/v6).
// Development-only: the "dev: true" flag (v5, v6); lockfile 9 has none, so a package is
// development-only when the importers' devDependencies reach it through the snapshots and their
// dependencies / optionalDependencies do not. A package neither reaches counts as production.
// A document whose importers list only packageManagerDependencies / configDependencies (pnpm
// 10's first document, the package manager's own install) is skipped.
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "detect/lang/npm.hpp"
#include "detect/lang/npm_common.hpp"
#include "detect/lang/npm_yaml.hpp"

namespace strata::detect::lang {

using namespace npm_detail;

namespace {

constexpr std::size_t k_npos = std::string_view::npos;

struct PnpmPackage {
  std::string key;
  std::size_t line = 0;
  std::string name, version;  // the "name" / "version" fields
  std::string dev;            // the "dev" field: "true", "false" or ""
  bool directory = false;     // resolution: {directory: ..., type: directory}
};

using Deps = std::vector<std::pair<std::string, std::string>>;  // (name, version spec)

struct PnpmDocument {
  std::string lockfile_version;
  std::vector<PnpmPackage> packages;
  std::map<std::string, std::size_t> package_index;
  std::unordered_map<std::string, Deps> snapshots;
  bool has_snapshots = false;
  Deps prod_roots, dev_roots;
  bool project_deps = false;          // importers / top level list dependencies of the project
  bool package_manager_deps = false;  // importers list packageManagerDependencies
};

bool is_dep_section(std::string_view s) {
  return s == "dependencies" || s == "optionalDependencies" || s == "devDependencies";
}

void add_root(PnpmDocument& doc, std::string_view section, std::string name, std::string version) {
  if (version.empty()) {
    return;
  }
  auto& roots = section == "devDependencies" ? doc.dev_roots : doc.prod_roots;
  roots.emplace_back(std::move(name), std::move(version));
}

void read_line(PnpmDocument& doc, const YamlLine& l) {
  const auto& p = l.path;
  const std::size_t depth = p.size();
  if (depth == 0) {
    if (l.key == "lockfileVersion") {
      doc.lockfile_version = l.value;
    } else if (l.key == "snapshots") {
      doc.has_snapshots = true;
    } else if (is_dep_section(l.key)) {
      doc.project_deps = true;
    }
    return;
  }
  const std::string& top = p[0];
  if (top == "packages") {
    if (depth == 1) {
      if (doc.package_index.emplace(l.key, doc.packages.size()).second) {
        doc.packages.push_back(PnpmPackage{l.key, l.number, {}, {}, {}, false});
      }
      return;
    }
    if (depth != 2) {
      return;
    }
    auto it = doc.package_index.find(p[1]);
    if (it == doc.package_index.end()) {
      return;
    }
    auto& pkg = doc.packages[it->second];
    if (l.key == "name") {
      pkg.name = l.value;
    } else if (l.key == "version") {
      pkg.version = l.value;
    } else if (l.key == "dev") {
      pkg.dev = l.value;
    } else if (l.key == "resolution") {
      pkg.directory = l.value.find("directory:") != std::string::npos;
    }
    return;
  }
  if (top == "snapshots") {
    if (depth == 1) {
      doc.snapshots[l.key];
    } else if (depth == 3 && (p[2] == "dependencies" || p[2] == "optionalDependencies")) {
      doc.snapshots[p[1]].emplace_back(l.key, l.value);
    }
    return;
  }
  if (top == "importers") {
    // importers: {".": {dependencies: {dep: {specifier, version}}}} (5.4+: {dep: version})
    if (depth == 2) {
      if (l.key == "packageManagerDependencies" || l.key == "configDependencies") {
        doc.package_manager_deps = true;
      } else if (is_dep_section(l.key)) {
        doc.project_deps = true;
      }
    } else if (depth == 3 && is_dep_section(p[2])) {
      add_root(doc, p[2], l.key, l.value);
    } else if (depth == 4 && is_dep_section(p[2]) && l.key == "version") {
      add_root(doc, p[2], p[3], l.value);
    }
    return;
  }
  if (is_dep_section(top)) {
    // A single project: dependencies: {dep: version} (5.x) or {dep: {specifier, version}} (6.x).
    if (depth == 1) {
      add_root(doc, top, l.key, l.value);
    } else if (depth == 2 && l.key == "version") {
      add_root(doc, top, p[1], l.value);
    }
  }
}

// The major lockfile version ("5.4" -> 5), or -1.
int major_version(std::string_view v) {
  int major = 0;
  std::size_t i = 0;
  for (; i < v.size() && i < 4 && v[i] >= '0' && v[i] <= '9'; ++i) {
    major = major * 10 + (v[i] - '0');
  }
  return i == 0 ? -1 : major;
}

// Name and version from a package key (when the entry has no "name" field).
std::pair<std::string, std::string> parse_key(std::string_view key, int major) {
  bool v5 = major >= 0 && major < 6;
  if (key.starts_with('/')) {
    key.remove_prefix(1);
  } else if (major >= 0 && major < 9) {
    // "registry.npmjs.org/lodash/4.17.10": a registry host first.
    auto slash = key.find('/');
    key = slash == k_npos ? std::string_view() : key.substr(slash + 1);
  }
  if (major < 0) {
    // Unknown version: "/" separates the version only when there is no '@' after the name.
    v5 = split_spec(key).second.empty();
  }
  std::string_view name;
  std::string_view version;
  std::size_t scope_end = 0;
  if (key.starts_with('@')) {
    scope_end = key.find('/');
    if (scope_end == k_npos) {
      return {};
    }
    ++scope_end;
  }
  auto sep = key.find(v5 ? '/' : '@', scope_end);
  if (sep == k_npos) {
    return {};
  }
  name = key.substr(0, sep);
  version = key.substr(sep + 1);
  version = version.substr(0, version.find_first_of("_("));
  return {std::string(name), std::string(version)};
}

// The snapshot key a dependency (name, version spec) points at, or "" (a link to local code).
std::string snapshot_key(const std::string& name, const std::string& spec) {
  if (spec.starts_with("link:")) {
    return {};
  }
  std::string_view base = std::string_view(spec).substr(0, spec.find('('));
  if (base.size() > 1 && base.find('@', 1) != k_npos && !base.starts_with("http")) {
    return spec;  // an alias: "string-width@4.2.3"
  }
  return name + "@" + spec;
}

// The keys of `doc.packages` reachable from `roots` through the snapshots.
std::set<std::string> reach(const PnpmDocument& doc, const Deps& roots) {
  std::set<std::string> seen;  // snapshot keys
  std::vector<std::string> todo;
  for (const auto& [name, spec] : roots) {
    todo.push_back(snapshot_key(name, spec));
  }
  while (!todo.empty()) {
    std::string key = std::move(todo.back());
    todo.pop_back();
    if (key.empty() || !seen.insert(key).second) {
      continue;
    }
    auto it = doc.snapshots.find(key);
    if (it == doc.snapshots.end()) {
      continue;
    }
    for (const auto& [name, spec] : it->second) {
      todo.push_back(snapshot_key(name, spec));
    }
  }
  std::set<std::string> packages;
  for (const auto& key : seen) {
    packages.insert(key.substr(0, key.find('(')));
  }
  return packages;
}

}  // namespace

std::vector<NpmLockEntry> read_pnpm_lock(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings,
                                         const NpmOptions& options) {
  std::vector<std::string> problems;
  std::size_t max_lines = options.max_entries > k_npos / 64 ? k_npos : options.max_entries * 64;
  auto lines = read_yaml_lines(content, options.max_depth, max_lines, problems);
  for (const auto& p : problems) {
    warnings.push_back(fmt::format("{}: {}", path, p));
  }
  std::vector<PnpmDocument> docs;
  for (const auto& l : lines) {
    while (docs.size() <= l.document) {
      docs.emplace_back();
    }
    read_line(docs[l.document], l);
  }

  std::vector<NpmLockEntry> out;
  std::size_t bad = 0;
  std::size_t first_bad_line = 0;
  for (const auto& doc : docs) {
    if (doc.package_manager_deps && !doc.project_deps) {
      continue;  // the package manager's own install (pnpm 10)
    }
    if (doc.packages.empty()) {
      continue;
    }
    int major = major_version(doc.lockfile_version);
    if (major < 0) {
      warnings.push_back(
          fmt::format("{}: no readable lockfileVersion (\"{}\"), package keys read by their shape",
                      path, doc.lockfile_version));
    }
    std::set<std::string> prod, dev;
    if (doc.has_snapshots) {
      prod = reach(doc, doc.prod_roots);
      dev = reach(doc, doc.dev_roots);
    }
    for (const auto& pkg : doc.packages) {
      if (pkg.directory) {
        continue;  // a local directory: the project's own code
      }
      auto [name, version] = parse_key(pkg.key, major);
      if (!pkg.name.empty()) {
        name = pkg.name;
      }
      if (!pkg.version.empty()) {
        version = pkg.version;
      }
      if (!valid_name(name) || !looks_like_version(version)) {
        if (bad++ == 0) {
          first_bad_line = pkg.line;
        }
        continue;
      }
      if (out.size() >= options.max_entries) {
        warnings.push_back(
            fmt::format("{}: more than {} packages, the rest ignored", path, options.max_entries));
        return out;
      }
      NpmLockEntry entry;
      entry.package = make_npm_package(std::move(name), std::move(version), path);
      if (doc.has_snapshots) {
        entry.dev = !prod.contains(pkg.key) && dev.contains(pkg.key);
      } else {
        entry.dev = pkg.dev == "true";
      }
      out.push_back(std::move(entry));
    }
  }
  if (bad > 0) {
    warnings.push_back(fmt::format(
        "{}: {} packages skipped whose name and version could not be read (the first at line {})",
        path, bad, first_bad_line));
  }
  return out;
}

}  // namespace strata::detect::lang
