#include "match/rules.hpp"

#include <array>

#include "vercmp/go.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::match {

namespace {

std::string_view base_ecosystem(std::string_view ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

void add(std::vector<Lookup>& out, std::string name, std::string version) {
  for (const auto& l : out) {
    if (l.name == name) {
      return;
    }
  }
  out.push_back({std::move(name), std::move(version)});
}

const std::string& or_else(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

// The EVR to compare under the source rpm's name: the package's own (with its epoch) when the
// source rpm has the package's version-release, as nearly every subpackage does; else the source
// rpm's version-release (its epoch is not recorded in the SOURCERPM name, so it reads as 0).
std::string rpm_source_version(const model::Package& p) {
  if (p.source_version.empty()) {
    return p.version;
  }
  std::string_view own = p.version;
  if (auto colon = own.find(':'); colon != std::string_view::npos) {
    own.remove_prefix(colon + 1);
  }
  return own == p.source_version ? p.version : p.source_version;
}

}  // namespace

bool is_language_ecosystem(std::string_view ecosystem) {
  static constexpr std::array<std::string_view, 10> k_language{
      "PyPI", "npm", "Go", "Maven", "crates.io", "RubyGems", "NuGet", "Packagist", "Hex", "Pub"};
  for (auto e : k_language) {
    if (ecosystem == e) {
      return true;
    }
  }
  return false;
}

std::string normalize_name(std::string_view ecosystem, std::string_view name) {
  return vercmp::normalize_package_name(ecosystem, name);
}

std::vector<Lookup> lookups_for(const model::Package& p, std::string_view ecosystem) {
  std::vector<Lookup> out;
  const std::string_view base = base_ecosystem(ecosystem);
  if (base == "Debian" || base == "Ubuntu") {
    add(out, or_else(p.source_name, p.name), or_else(p.source_version, p.version));
  } else if (vercmp::scheme_for_ecosystem(ecosystem) == vercmp::SchemeId::apk) {
    add(out, or_else(p.source_name, p.name), p.version);
  } else if (vercmp::scheme_for_ecosystem(ecosystem) == vercmp::SchemeId::rpm) {
    add(out, p.name, p.version);
    if (!p.source_name.empty()) {
      add(out, p.source_name, rpm_source_version(p));
    }
  } else if (base == "PyPI") {
    add(out, normalize_name(ecosystem, p.name), p.version);
    add(out, p.name, p.version);
  } else if (base == "Go") {
    std::string version = p.version;
    if ((p.name == "stdlib" || p.name == "toolchain") && version.rfind("go", 0) == 0) {
      if (auto semver = vercmp::go::toolchain_to_semver(version)) {
        version = *semver;
      }  // else left as is: the range evaluation names the bad version
    }
    add(out, p.name, std::move(version));
  } else if (is_language_ecosystem(base)) {
    add(out, p.name, p.version);
  } else {
    add(out, or_else(p.source_name, p.name), p.version);
  }
  return out;
}

}  // namespace strata::match
