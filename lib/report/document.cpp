#include "report/document.hpp"

#include <fmt/format.h>

#include "util/hash.hpp"

namespace strata::report::detail {

std::string content_uuid(std::string_view content) {
  std::string hex = util::sha256_hex(content).substr(0, 32);
  hex[12] = '5';
  const char variant[] = "89ab";
  hex[16] = variant[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

const model::Package* package_of(const model::Finding& f,
                                 const std::vector<model::Package>& packages) {
  for (const auto& p : packages) {
    if (p.name == f.package && p.version == f.installed_version &&
        (f.path.empty() || p.location == f.path)) {
      return &p;
    }
  }
  return nullptr;
}

std::string finding_file(const model::Finding& f, const model::Package* p) {
  if (!f.path.empty()) {
    return f.path;
  }
  return p != nullptr ? p->location : std::string();
}

std::string suppression_text(const model::Finding::Suppression& s) {
  return s.reason.empty() ? s.kind : fmt::format("{}: {}", s.kind, s.reason);
}

std::string image_digest(const model::Target& t) {
  return !t.digest.empty() ? t.digest : t.config_digest;
}

std::string package_label(const model::Package& p) {
  return !p.purl.empty() ? p.purl : fmt::format("{}@{}", p.name, p.version);
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += out.empty() ? i : ", " + i;
  }
  return out;
}

std::string os_section_title(const model::OsInfo& os, const std::set<std::string>& types) {
  std::string title = os.empty()           ? std::string("unknown OS")
                      : os.version.empty() ? os.family
                                           : fmt::format("{} {}", os.family, os.version);
  if (!types.empty()) {
    title += fmt::format(" ({})", join(types));
  }
  return title;
}

}  // namespace strata::report::detail
