#include "detect/purl.hpp"

#include <cctype>

#include <fmt/format.h>

namespace strata::detect {

std::string purl_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':' || c == '+') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string make_purl(std::string_view type, std::string_view namespace_, std::string_view name,
                      std::string_view version, std::string_view arch, std::string_view distro) {
  std::string out = fmt::format("pkg:{}/", type);
  if (!namespace_.empty()) {
    out += purl_encode(namespace_);
    out += '/';
  }
  out += purl_encode(name);
  if (!version.empty()) {
    out += '@';
    out += purl_encode(version);
  }
  char sep = '?';
  if (!arch.empty()) {
    out += fmt::format("{}arch={}", sep, purl_encode(arch));
    sep = '&';
  }
  if (!distro.empty()) {
    out += fmt::format("{}distro={}", sep, purl_encode(distro));
  }
  return out;
}

std::string deb_purl(const model::Package& pkg, const model::OsInfo& os) {
  std::string ns = os.family == "ubuntu" ? "ubuntu" : "debian";
  std::string distro;
  if (!os.family.empty() && !os.version.empty()) {
    distro = fmt::format("{}-{}", os.family, os.version);
  }
  return make_purl("deb", ns, pkg.name, pkg.version, pkg.arch, distro);
}

std::string apk_purl(const model::Package& pkg, const model::OsInfo& os) {
  std::string ns = os.family.empty() ? "alpine" : os.family;
  return make_purl("apk", ns, pkg.name, pkg.version, pkg.arch, os.version);
}

}  // namespace strata::detect
