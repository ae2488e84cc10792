#include "detect/lang/php.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "detect/lang/lock_json.hpp"
#include "detect/purl.hpp"

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

model::Package make_package(const std::string& name, const std::string& version,
                            std::string_view path) {
  model::Package pkg;
  pkg.name = name;
  pkg.version = version;
  pkg.type = "php";
  pkg.ecosystem = "Packagist";
  auto slash = name.find('/');
  std::string_view vendor, short_name = name;
  if (slash != std::string::npos) {
    vendor = std::string_view(name).substr(0, slash);
    short_name = std::string_view(name).substr(slash + 1);
  }
  pkg.purl = make_purl("composer", vendor, short_name, version, "", "");
  pkg.location = std::string(path);
  return pkg;
}

// The packages of the JSON array `list` (named `what` in warnings), appended to `out`.
void read_list(const Json& list, std::string_view what, std::string_view path,
               std::vector<model::Package>& out, std::vector<std::string>& warnings) {
  if (!list.is_array()) {
    warnings.push_back(fmt::format("{}: \"{}\" is not a list", path, what));
    return;
  }
  std::size_t index = 0;
  for (const auto& entry : list) {
    const std::string* name = json_string(entry, "name");
    const std::string* version = json_string(entry, "version");
    if (!name || !version || name->empty() || version->empty()) {
      warnings.push_back(fmt::format("{}: {}[{}]: a package without a {}", path, what, index,
                                     !name || name->empty() ? "name" : "version"));
    } else {
      out.push_back(make_package(*name, *version, path));
    }
    ++index;
  }
}

bool parse_document(std::string_view content, std::string_view path, Json& doc,
                    std::vector<std::string>& warnings) {
  std::string error;
  if (!parse_lock_json(content, doc, error)) {
    warnings.push_back(fmt::format("{}: {}", path, error));
    return false;
  }
  return true;
}

}  // namespace

bool is_composer_lock_candidate(std::string_view path) {
  return base_name(path) == "composer.lock";
}

bool is_composer_installed_candidate(std::string_view path) {
  return ends_with(path, "/composer/installed.json");
}

bool is_php_candidate(std::string_view path) {
  return is_composer_lock_candidate(path) || is_composer_installed_candidate(path);
}

std::vector<model::Package> parse_composer_lock(std::string_view content, std::string_view path,
                                                std::vector<std::string>& warnings) {
  Json doc;
  if (!parse_document(content, path, doc, warnings)) {
    return {};
  }
  const Json* packages = json_member(doc, "packages");
  if (!packages) {
    warnings.push_back(fmt::format("{}: not a composer.lock (no \"packages\" list)", path));
    return {};
  }
  std::vector<model::Package> out;
  read_list(*packages, "packages", path, out, warnings);
  if (const Json* dev = json_member(doc, "packages-dev"); dev && !dev->is_null()) {
    read_list(*dev, "packages-dev", path, out, warnings);
  }
  return out;
}

std::vector<model::Package> parse_composer_installed(std::string_view content,
                                                     std::string_view path,
                                                     std::vector<std::string>& warnings) {
  Json doc;
  if (!parse_document(content, path, doc, warnings)) {
    return {};
  }
  std::vector<model::Package> out;
  if (doc.is_array()) {
    read_list(doc, "packages", path, out, warnings);  // Composer 1
    return out;
  }
  const Json* packages = json_member(doc, "packages");
  if (!packages) {
    warnings.push_back(fmt::format("{}: not a Composer installed.json (no package list)", path));
    return {};
  }
  read_list(*packages, "packages", path, out, warnings);
  return out;
}

std::vector<model::Package> parse_php(std::string_view content, std::string_view path,
                                      std::vector<std::string>& warnings) {
  if (ends_with(path, "installed.json")) {
    return parse_composer_installed(content, path, warnings);
  }
  return parse_composer_lock(content, path, warnings);
}

}  // namespace strata::detect::lang
