// package-lock.json / npm-shrinkwrap.json
// (https://docs.npmjs.com/cli/configuring-npm/package-lock-json):
//   lockfileVersion 1: "dependencies": {NAME: {version, dev, dependencies: {...nested...}}}
//   lockfileVersion 2: both "packages" and "dependencies" (the v1 tree, for old npm)
//   lockfileVersion 3: "packages": {"": root, "node_modules/a": {...},
//                                   "node_modules/a/node_modules/@s/b": {...},
//                                   "workspace/dir": {...}, "node_modules/ws": {link: true}}
// "packages" is read when present (it is what npm 7+ reads), else "dependencies".
#include <fmt/format.h>

#include "detect/lang/npm.hpp"
#include "detect/lang/npm_common.hpp"
#include "detect/lang/npm_json.hpp"

namespace strata::detect::lang {

using namespace npm_detail;

namespace {

constexpr std::string_view k_node_modules = "node_modules/";

class LockReader {
 public:
  LockReader(std::string_view path, std::vector<std::string>& warnings, const NpmOptions& options)
      : m_path(path), m_warnings(warnings), m_options(options) {}

  std::vector<NpmLockEntry> take() { return std::move(m_out); }

  // lockfileVersion 2 and 3: the "packages" map, keyed by install path.
  void read_packages(const nlohmann::json& packages) {
    std::size_t bad = 0;
    for (const auto& [key, e] : packages.items()) {
      if (key.empty()) {
        continue;  // the project itself
      }
      if (!e.is_object()) {
        ++bad;
        continue;
      }
      if (json_bool(e, "link")) {
        continue;  // a symlink; its target has an entry of its own
      }
      // The package's directory name follows the last "node_modules/" path component; a key
      // without one is a workspace or a local directory: the project's own code.
      auto at = last_node_modules(key);
      if (at == std::string::npos) {
        continue;
      }
      std::string_view dir = std::string_view(key).substr(at + k_node_modules.size());
      if (!valid_name(dir)) {
        ++bad;
        continue;
      }
      std::string name = json_string(e, "name");  // set when it differs (an alias)
      if (name.empty()) {
        name = std::string(dir);
      }
      if (!add(std::move(name), json_string(e, "version"), key, json_bool(e, "dev"))) {
        return;
      }
    }
    if (bad > 0) {
      m_warnings.push_back(fmt::format(
          "{}: {} \"packages\" entries skipped (not an object, or not a node_modules/NAME path)",
          m_path, bad));
    }
  }

  // lockfileVersion 1: the nested "dependencies" tree; `prefix` is the parent's install path
  // plus '/' ("" at the top).
  void read_dependencies(const nlohmann::json& deps, const std::string& prefix) {
    for (const auto& [key, e] : deps.items()) {
      if (m_full) {
        return;
      }
      if (!e.is_object() || !valid_name(key)) {
        if (!m_warned_v1) {
          m_warnings.push_back(fmt::format(
              "{}: \"dependencies\" entry \"{}\" is not a package, skipped", m_path, key));
          m_warned_v1 = true;
        }
        continue;
      }
      std::string install_path = fmt::format("{}{}{}", prefix, k_node_modules, key);
      std::string name = key;
      std::string version = json_string(e, "version");
      bool local_directory = false;
      if (version.starts_with("npm:")) {
        // An alias: "npm:@babel/code-frame@7.0.0" installed as node_modules/KEY.
        auto [real, v] = split_spec(std::string_view(version).substr(4));
        name = std::string(real);
        version = std::string(v);
      } else if (version.starts_with("file:")) {
        local_directory = is_directory_ref(std::string_view(version).substr(5));
        version.clear();
      } else if (!looks_like_version(version)) {
        version.clear();  // a git URL or a tarball URL: the version is not recorded
      }
      if (local_directory) {
        continue;  // a link to the project's own code
      }
      if (!add(std::move(name), std::move(version), install_path, json_bool(e, "dev"))) {
        return;
      }
      auto nested = e.find("dependencies");
      if (nested != e.end() && nested->is_object()) {
        read_dependencies(*nested, install_path + "/");
      }
    }
  }

 private:
  // The index of the last "node_modules/" component of `key`, or npos.
  static std::size_t last_node_modules(const std::string& key) {
    std::size_t at = key.rfind(k_node_modules);
    while (at != std::string::npos && at != 0 && key[at - 1] != '/') {
      at = key.rfind(k_node_modules, at - 1);
    }
    return at;
  }

  // False once max_entries is reached (with a warning).
  bool add(std::string name, std::string version, const std::string& install_path, bool dev) {
    if (m_out.size() >= m_options.max_entries) {
      if (!m_full) {
        m_warnings.push_back(fmt::format("{}: more than {} packages, the rest ignored", m_path,
                                         m_options.max_entries));
        m_full = true;
      }
      return false;
    }
    NpmLockEntry entry;
    entry.package = make_npm_package(std::move(name), std::move(version), m_path);
    entry.install_path = install_path;
    entry.dev = dev;
    m_out.push_back(std::move(entry));
    return true;
  }

  std::string_view m_path;
  std::vector<std::string>& m_warnings;
  const NpmOptions& m_options;
  std::vector<NpmLockEntry> m_out;
  bool m_full = false;
  bool m_warned_v1 = false;
};

}  // namespace

std::vector<NpmLockEntry> read_package_lock(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings,
                                            const NpmOptions& options) {
  std::string error;
  auto json = parse_json_bounded(content, options.max_depth, error);
  if (!json) {
    warnings.push_back(fmt::format("{}: lockfile is not valid JSON: {}", path, error));
    return {};
  }
  if (!json->is_object()) {
    warnings.push_back(fmt::format("{}: lockfile is not a JSON object", path));
    return {};
  }
  LockReader reader(path, warnings, options);
  auto packages = json->find("packages");
  auto dependencies = json->find("dependencies");
  if (packages != json->end() && packages->is_object()) {
    reader.read_packages(*packages);
  } else if (dependencies != json->end() && dependencies->is_object()) {
    reader.read_dependencies(*dependencies, "");
  } else if (packages != json->end() || dependencies != json->end()) {
    warnings.push_back(
        fmt::format("{}: lockfile \"packages\" / \"dependencies\" is not an object", path));
  }
  return reader.take();
}

}  // namespace strata::detect::lang
