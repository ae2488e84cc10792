#include "detect/lang/npm.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "detect/lang/npm_common.hpp"
#include "detect/lang/npm_json.hpp"
#include "detect/purl.hpp"

namespace strata::detect::lang {

namespace npm_detail {

bool valid_name(std::string_view name) {
  if (name.empty() || name[0] == '.') {
    return false;
  }
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return false;
    }
  }
  auto slash = name.find('/');
  if (name[0] != '@') {
    return slash == std::string_view::npos;
  }
  return slash != std::string_view::npos && slash > 1 && slash + 1 < name.size() &&
         name.find('/', slash + 1) == std::string_view::npos && name[slash + 1] != '.';
}

std::pair<std::string_view, std::string_view> split_spec(std::string_view spec) {
  auto at = spec.size() > 1 ? spec.find('@', 1) : std::string_view::npos;
  if (at == std::string_view::npos) {
    return {spec, {}};
  }
  return {spec.substr(0, at), spec.substr(at + 1)};
}

bool is_directory_ref(std::string_view ref) {
  ref = ref.substr(0, ref.find("::"));
  auto ends_with = [&](std::string_view suffix) {
    if (ref.size() < suffix.size()) {
      return false;
    }
    auto tail = ref.substr(ref.size() - suffix.size());
    for (std::size_t i = 0; i < suffix.size(); ++i) {
      if ((tail[i] | 0x20) != suffix[i]) {
        return false;
      }
    }
    return true;
  };
  return !(ends_with(".tgz") || ends_with(".tar.gz") || ends_with(".tar"));
}

bool looks_like_version(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') {
    return false;
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == ':' || c == '/' || c == '#' || u <= 0x20 || u == 0x7F) {
      return false;
    }
  }
  return true;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace npm_detail

using namespace npm_detail;

namespace {

constexpr std::string_view k_package_json = "package.json";

bool is_lockfile_name(std::string_view base) {
  return base == "package-lock.json" || base == "npm-shrinkwrap.json" || base == "yarn.lock" ||
         base == "pnpm-lock.yaml";
}

}  // namespace

std::string npm_purl(std::string_view name, std::string_view version) {
  std::string_view ns;
  std::string_view local = name;
  if (!name.empty() && name[0] == '@') {
    auto slash = name.find('/');
    if (slash != std::string_view::npos) {
      ns = name.substr(0, slash);
      local = name.substr(slash + 1);
    }
  }
  return make_purl("npm", ns, local, version, "", "");
}

model::Package make_npm_package(std::string name, std::string version, std::string_view location) {
  model::Package pkg;
  pkg.purl = npm_purl(name, version);
  pkg.name = std::move(name);
  pkg.version = std::move(version);
  pkg.type = "npm";
  pkg.ecosystem = "npm";
  pkg.location = std::string(location);
  return pkg;
}

bool is_npm_package_json_candidate(std::string_view path) {
  if (base_name(path) != k_package_json) {
    return false;
  }
  std::string_view dir = dir_name(path);
  std::string_view name = base_name(dir);
  std::string_view parent_dir = dir_name(dir);
  std::string_view parent = base_name(parent_dir);
  if (name.empty() || name[0] == '.') {
    return false;
  }
  if (parent == "node_modules") {
    return name[0] != '@';  // a scope directory holds packages, it is not one
  }
  // node_modules/@scope/name/package.json
  return parent.size() > 1 && parent[0] == '@' && base_name(dir_name(parent_dir)) == "node_modules";
}

bool is_npm_lockfile_candidate(std::string_view path) {
  if (!is_lockfile_name(base_name(path))) {
    return false;
  }
  return path.find("/node_modules/") == std::string_view::npos &&
         path.substr(0, 13) != "node_modules/";
}

bool is_npm_candidate(std::string_view path) {
  return is_npm_package_json_candidate(path) || is_npm_lockfile_candidate(path);
}

std::vector<model::Package> parse_npm_package_json(std::string_view content, std::string_view path,
                                                   std::vector<std::string>& warnings,
                                                   const NpmOptions& options) {
  std::string error;
  auto json = parse_json_bounded(content, options.max_depth, error);
  if (!json) {
    warnings.push_back(fmt::format("{}: package.json is not valid JSON: {}", path, error));
    return {};
  }
  if (!json->is_object()) {
    warnings.push_back(fmt::format("{}: package.json is not a JSON object", path));
    return {};
  }
  std::string name = json_string(*json, "name");
  std::string version = json_string(*json, "version");
  if (name.empty() || version.empty()) {
    return {};  // not a package (a fixture, a template): no warning
  }
  std::vector<model::Package> out;
  out.push_back(make_npm_package(std::move(name), std::move(version), path));
  return out;
}

std::vector<model::Package> npm_lock_packages(const std::vector<NpmLockEntry>& entries,
                                              const NpmOptions& options) {
  // name@version -> index into `out`, and whether every copy so far is dev-only.
  struct Seen {
    std::size_t index;
    bool dev;
  };
  std::map<std::pair<std::string, std::string>, Seen> seen;
  std::vector<model::Package> all;
  for (const auto& e : entries) {
    auto key = std::make_pair(e.package.name, e.package.version);
    auto it = seen.find(key);
    if (it == seen.end()) {
      seen.emplace(std::move(key), Seen{all.size(), e.dev});
      all.push_back(e.package);
    } else {
      it->second.dev = it->second.dev && e.dev;
    }
  }
  std::vector<bool> dev(all.size());
  for (const auto& [key, s] : seen) {
    dev[s.index] = s.dev;
  }
  std::vector<model::Package> out;
  out.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (options.include_dev || !dev[i]) {
      out.push_back(std::move(all[i]));
    }
  }
  return out;
}

std::vector<model::Package> parse_package_lock(std::string_view content, std::string_view path,
                                               std::vector<std::string>& warnings,
                                               const NpmOptions& options) {
  return npm_lock_packages(read_package_lock(content, path, warnings, options), options);
}

std::vector<model::Package> parse_yarn_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options) {
  return npm_lock_packages(read_yarn_lock(content, path, warnings, options), options);
}

std::vector<model::Package> parse_pnpm_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options) {
  return npm_lock_packages(read_pnpm_lock(content, path, warnings, options), options);
}

std::vector<model::Package> parse_npm_file(std::string_view content, std::string_view path,
                                           std::vector<std::string>& warnings,
                                           const NpmOptions& options) {
  std::string_view base = base_name(path);
  if (base == k_package_json) {
    return parse_npm_package_json(content, path, warnings, options);
  }
  if (base == "package-lock.json" || base == "npm-shrinkwrap.json") {
    return parse_package_lock(content, path, warnings, options);
  }
  if (base == "yarn.lock") {
    return parse_yarn_lock(content, path, warnings, options);
  }
  if (base == "pnpm-lock.yaml") {
    return parse_pnpm_lock(content, path, warnings, options);
  }
  return {};
}

std::string npm_installed_manifest_path(std::string_view lockfile_path, const NpmLockEntry& entry) {
  if (entry.install_path.empty()) {
    return {};
  }
  return fmt::format("{}/{}/{}", dir_name(lockfile_path), entry.install_path, k_package_json);
}

bool npm_installed_covers(const model::Package& installed, const model::Package& locked,
                          std::string_view lockfile_path) {
  if (installed.name != locked.name || installed.version != locked.version) {
    return false;
  }
  std::string prefix = fmt::format("{}/", dir_name(lockfile_path));
  return installed.location.size() > prefix.size() &&
         installed.location.compare(0, prefix.size(), prefix) == 0;
}

std::vector<model::Package> npm_drop_installed(std::vector<model::Package> locked,
                                               std::string_view lockfile_path,
                                               const std::vector<model::Package>& installed) {
  // The name@version of every installed package under the lockfile's directory.
  std::set<std::pair<std::string_view, std::string_view>> beside;
  for (const auto& inst : installed) {
    if (npm_installed_covers(inst, inst, lockfile_path)) {
      beside.emplace(inst.name, inst.version);
    }
  }
  std::vector<model::Package> out;
  out.reserve(locked.size());
  for (auto& pkg : locked) {
    if (!beside.contains({pkg.name, pkg.version})) {
      out.push_back(std::move(pkg));
    }
  }
  return out;
}

}  // namespace strata::detect::lang
