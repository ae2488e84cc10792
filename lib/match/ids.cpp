#include "match/ids.hpp"

namespace strata::match {

namespace {

// "UBUNTU-CVE-2021-3782", "DEBIAN-CVE-...", "ALPINE-CVE-..." name the CVE they track.
std::string embedded_cve(std::string_view id) {
  auto pos = id.find("-CVE-");
  if (pos != std::string_view::npos && is_cve(id.substr(pos + 1))) {
    return std::string(id.substr(pos + 1));
  }
  return {};
}

}  // namespace

bool is_cve(std::string_view id) {
  if (id.rfind("CVE-", 0) != 0 || id.size() < 13 || id[8] != '-') {
    return false;
  }
  for (std::size_t i = 4; i < id.size(); ++i) {
    if (i != 8 && (id[i] < '0' || id[i] > '9')) {
      return false;
    }
  }
  return true;
}

std::string finding_id(const vulndb::Advisory& a, bool related_cves) {
  for (const auto* list : {&a.aliases, &a.upstream, &a.related}) {
    if (list == &a.related && !related_cves) {
      break;
    }
    for (const auto& id : *list) {
      if (is_cve(id)) {
        return id;
      }
    }
  }
  if (auto cve = embedded_cve(a.id); !cve.empty()) {
    return cve;
  }
  for (const auto* list : {&a.aliases, &a.upstream}) {
    for (const auto& id : *list) {
      if (auto cve = embedded_cve(id); !cve.empty()) {
        return cve;
      }
    }
  }
  return a.id;
}

}  // namespace strata::match
