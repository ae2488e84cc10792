#include "vercmp/vercmp.hpp"

#include <array>
#include <utility>

#include "util/strings.hpp"
#include "vercmp/apk.hpp"
#include "vercmp/composer.hpp"
#include "vercmp/dpkg.hpp"
#include "vercmp/go.hpp"
#include "vercmp/maven.hpp"
#include "vercmp/nuget.hpp"
#include "vercmp/pep440.hpp"
#include "vercmp/rpm.hpp"
#include "vercmp/rubygems.hpp"
#include "vercmp/semver.hpp"

namespace strata::vercmp {
namespace {

struct SchemeEntry {
  SchemeId id;
  const char* name;
  util::Result<int> (*compare)(std::string_view, std::string_view);
  util::Status (*validate)(std::string_view);
};

util::Result<int> exact_compare(std::string_view left, std::string_view right) {
  return left.compare(right) < 0 ? -1 : (left == right ? 0 : 1);
}
util::Status exact_validate(std::string_view version) {
  if (version.empty()) {
    return util::input_error("invalid version '': empty");
  }
  return {};
}

constexpr std::array<SchemeEntry, 11> k_schemes{{
    {SchemeId::dpkg, "dpkg", dpkg::compare_strings, dpkg::validate},
    {SchemeId::rpm, "rpm", rpm::compare_strings, rpm::validate},
    {SchemeId::apk, "apk", apk::compare_strings, apk::validate},
    {SchemeId::pep440, "pep440", pep440::compare_strings, pep440::validate},
    {SchemeId::semver, "semver", semver::compare_strings, semver::validate},
    {SchemeId::go, "go", go::compare_strings, go::validate},
    {SchemeId::maven, "maven", maven::compare_strings, maven::validate},
    {SchemeId::rubygems, "rubygems", rubygems::compare_strings, rubygems::validate},
    {SchemeId::nuget, "nuget", nuget::compare_strings, nuget::validate},
    {SchemeId::composer, "composer", composer::compare_strings, composer::validate},
    {SchemeId::exact, "exact", exact_compare, exact_validate},
}};

const SchemeEntry& entry(SchemeId id) {
  return k_schemes[static_cast<std::size_t>(id)];
}

}  // namespace

std::optional<SchemeId> scheme_by_name(std::string_view name) {
  for (const auto& e : k_schemes) {
    if (name == e.name) {
      return e.id;
    }
  }
  return std::nullopt;
}

const char* scheme_name(SchemeId id) {
  return entry(id).name;
}

SchemeId scheme_for_ecosystem(std::string_view ecosystem) {
  // OSV ecosystems may carry a release suffix: "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS".
  std::string_view base = ecosystem.substr(0, ecosystem.find(':'));
  static constexpr std::pair<std::string_view, SchemeId> k_map[] = {
      {"Debian", SchemeId::dpkg},
      {"Ubuntu", SchemeId::dpkg},
      {"Alpine", SchemeId::apk},
      {"Wolfi", SchemeId::apk},
      {"Chainguard", SchemeId::apk},
      {"AlmaLinux", SchemeId::rpm},
      {"Rocky Linux", SchemeId::rpm},
      {"Red Hat", SchemeId::rpm},
      {"SUSE", SchemeId::rpm},
      {"openSUSE", SchemeId::rpm},
      {"Mageia", SchemeId::rpm},
      {"openEuler", SchemeId::rpm},
      {"Azure Linux", SchemeId::rpm},
      {"Mariner", SchemeId::rpm},
      {"Amazon Linux", SchemeId::rpm},
      {"Fedora", SchemeId::rpm},
      {"PyPI", SchemeId::pep440},
      {"npm", SchemeId::semver},
      {"Go", SchemeId::go},
      {"Maven", SchemeId::maven},
      {"RubyGems", SchemeId::rubygems},
      {"NuGet", SchemeId::nuget},
      {"Packagist", SchemeId::composer},
      {"crates.io", SchemeId::semver},
      {"Hex", SchemeId::semver},
      {"Pub", SchemeId::semver},
  };
  for (const auto& [name, id] : k_map) {
    if (base == name) {
      return id;
    }
  }
  return SchemeId::exact;
}

util::Result<int> compare(SchemeId scheme, std::string_view left, std::string_view right) {
  return entry(scheme).compare(left, right);
}

util::Status validate(SchemeId scheme, std::string_view version) {
  return entry(scheme).validate(version);
}

std::string normalize_package_name(std::string_view ecosystem, std::string_view name) {
  if (ecosystem != "PyPI") {
    return std::string(name);
  }
  // PEP 503: re.sub(r"[-_.]+", "-", name).lower()
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') {
        out += '-';
      }
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

}  // namespace strata::vercmp
