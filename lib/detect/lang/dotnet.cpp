#include "detect/lang/dotnet.hpp"

#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "detect/lang/lock_json.hpp"
#include "detect/purl.hpp"
#include "util/strings.hpp"

namespace strata::detect::lang {

namespace {

using Json = nlohmann::ordered_json;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Collects packages, each (name, version) once.
class Collector {
 public:
  explicit Collector(std::string_view path) : m_path(path) {}

  void add(std::string_view name, std::string_view version) {
    std::pair<std::string, std::string> key(name, version);
    if (!m_seen.insert(key).second) {
      return;
    }
    model::Package pkg;
    pkg.purl = make_purl("nuget", "", key.first, key.second, "", "");
    pkg.name = std::move(key.first);
    pkg.version = std::move(key.second);
    pkg.type = "dotnet";
    pkg.ecosystem = "NuGet";
    pkg.location = std::string(m_path);
    m_packages.push_back(std::move(pkg));
  }

  std::vector<model::Package> take() { return std::move(m_packages); }

 private:
  std::string_view m_path;
  std::set<std::pair<std::string, std::string>> m_seen;
  std::vector<model::Package> m_packages;
};

}  // namespace

bool is_deps_json_candidate(std::string_view path) {
  auto base = base_name(path);
  return base.size() > std::string_view(".deps.json").size() && ends_with(base, ".deps.json");
}

bool is_packages_lock_candidate(std::string_view path) {
  return base_name(path) == "packages.lock.json";
}

bool is_dotnet_candidate(std::string_view path) {
  return is_deps_json_candidate(path) || is_packages_lock_candidate(path);
}

std::vector<model::Package> parse_deps_json(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings) {
  Json doc;
  std::string error;
  if (!parse_lock_json(content, doc, error)) {
    warnings.push_back(fmt::format("{}: {}", path, error));
    return {};
  }
  const Json* libraries = json_member(doc, "libraries");
  if (!libraries || !libraries->is_object()) {
    warnings.push_back(fmt::format("{}: not a .deps.json (no \"libraries\" object)", path));
    return {};
  }
  Collector out(path);
  for (const auto& [key, library] : libraries->items()) {
    const std::string* type = json_string(library, "type");
    if (!library.is_object()) {
      warnings.push_back(fmt::format("{}: library \"{}\" is not an object", path, key));
      continue;
    }
    if (!type || !util::iequals(*type, "package")) {
      continue;
    }
    auto slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
      warnings.push_back(fmt::format("{}: library \"{}\" is not NAME/VERSION", path, key));
      continue;
    }
    out.add(std::string_view(key).substr(0, slash), std::string_view(key).substr(slash + 1));
  }
  return out.take();
}

std::vector<model::Package> parse_packages_lock(std::string_view content, std::string_view path,
                                                std::vector<std::string>& warnings) {
  Json doc;
  std::string error;
  if (!parse_lock_json(content, doc, error)) {
    warnings.push_back(fmt::format("{}: {}", path, error));
    return {};
  }
  const Json* targets = json_member(doc, "dependencies");
  if (!targets || !targets->is_object()) {
    warnings.push_back(
        fmt::format("{}: not a packages.lock.json (no \"dependencies\" object)", path));
    return {};
  }
  Collector out(path);
  for (const auto& [target, entries] : targets->items()) {
    if (!entries.is_object()) {
      warnings.push_back(fmt::format("{}: target \"{}\" is not an object", path, target));
      continue;
    }
    for (const auto& [name, entry] : entries.items()) {
      const std::string* type = json_string(entry, "type");
      if (type && util::iequals(*type, "Project")) {
        continue;
      }
      const std::string* resolved = json_string(entry, "resolved");
      if (!resolved || resolved->empty() || name.empty()) {
        warnings.push_back(
            fmt::format("{}: {} in \"{}\" has no resolved version", path, name, target));
        continue;
      }
      out.add(name, *resolved);
    }
  }
  return out.take();
}

std::vector<model::Package> parse_dotnet(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings) {
  if (ends_with(path, "packages.lock.json")) {
    return parse_packages_lock(content, path, warnings);
  }
  return parse_deps_json(content, path, warnings);
}

}  // namespace strata::detect::lang
