#include "detect/purl.hpp"

#include "detect/os_release.hpp"

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
  return make_purl("deb", ns, pkg.name, pkg.version, pkg.arch, purl_distro(os));
}

std::string apk_purl(const model::Package& pkg, const model::OsInfo& os) {
  std::string ns = os.family.empty() ? "alpine" : os.family;
  return make_purl("apk", ns, pkg.name, pkg.version, pkg.arch, os.version);
}

std::string rpm_purl(std::string_view name, std::string_view version_release, std::uint32_t epoch,
                     std::string_view arch, const model::OsInfo& os) {
  std::string out = "pkg:rpm/";
  if (!os.family.empty()) {
    out += purl_encode(os.family);
    out += '/';
  }
  out += purl_encode(name);
  out += '@';
  out += purl_encode(version_release);
  char sep = '?';
  auto qualifier = [&](std::string_view key, std::string_view value) {
    if (!value.empty()) {
      out += fmt::format("{}{}={}", sep, key, purl_encode(value));
      sep = '&';
    }
  };
  qualifier("arch", arch);
  qualifier("epoch", epoch != 0 ? std::to_string(epoch) : std::string());
  qualifier("distro", purl_distro(os));
  return out;
}

}  // namespace strata::detect
