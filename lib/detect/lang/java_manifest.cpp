#include "detect/lang/java_manifest.hpp"

#include "util/strings.hpp"

namespace strata::detect::lang {

std::string ManifestMain::value(std::string_view name) const {
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    if (util::iequals(it->name, name)) {
      return std::string(util::trim(it->value));
    }
  }
  return "";
}

ManifestMain parse_manifest_main_section(std::string_view text) {
  ManifestMain out;
  bool have_current = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') {
      ++end;
    }
    std::string_view line = text.substr(i, end - i);
    i = end;
    if (i < text.size()) {
      i += (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    }
    if (line.empty()) {
      break;  // the end of the main section
    }
    if (line.front() == ' ') {
      if (have_current) {
        out.attributes.back().value.append(line.substr(1));
      } else {
        ++out.malformed_lines;
      }
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      ++out.malformed_lines;
      have_current = false;
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    out.attributes.push_back({std::string(line.substr(0, colon)), std::string(value)});
    have_current = true;
  }
  return out;
}

bool is_maven_id(std::string_view id) {
  if (id.empty()) {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

namespace {

// A manifest value, "" when it is an unexpanded build variable.
std::string attribute(const ManifestMain& m, std::string_view name) {
  std::string v = m.value(name);
  if (!v.empty() && (v.front() == '%' || v.front() == '$')) {
    return "";
  }
  return v;
}

std::optional<MavenCoordinates> valid(MavenCoordinates c) {
  if (is_maven_id(c.group_id) && is_maven_id(c.artifact_id) && !c.version.empty()) {
    return c;
  }
  return std::nullopt;
}

std::string first_of(std::string a, std::string b) {
  return a.empty() ? std::move(b) : a;
}

}  // namespace

std::optional<MavenCoordinates> coordinates_from_manifest(const ManifestMain& manifest) {
  const std::string impl_version = attribute(manifest, "Implementation-Version");
  const std::string bundle_version = attribute(manifest, "Bundle-Version");
  if (auto c = valid({attribute(manifest, "Implementation-Vendor-Id"),
                      attribute(manifest, "Implementation-Title"),
                      first_of(impl_version, bundle_version)})) {
    return c;
  }
  std::string symbolic = attribute(manifest, "Bundle-SymbolicName");
  symbolic = std::string(util::trim(symbolic.substr(0, symbolic.find(';'))));
  auto dot = symbolic.rfind('.');
  if (dot == std::string::npos) {
    return std::nullopt;
  }
  return valid(
      {symbolic.substr(0, dot), symbolic.substr(dot + 1), first_of(bundle_version, impl_version)});
}

}  // namespace strata::detect::lang
