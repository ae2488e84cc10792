// SPDX 2.3 JSON writer (see report.hpp for the mapping).

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/document.hpp"
#include "report/report.hpp"
#include "util/hash.hpp"
#include "util/time.hpp"

namespace strata::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* k_noassertion = "NOASSERTION";

// The characters an SPDX id or a namespace path segment may use; others become '-'.
std::string id_safe(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? "unnamed" : out;
}

Json base_package(const std::string& id, const std::string& name) {
  return Json{{"SPDXID", id},
              {"name", name},
              {"downloadLocation", k_noassertion},
              {"filesAnalyzed", false},
              {"licenseConcluded", k_noassertion},
              {"licenseDeclared", k_noassertion},
              {"copyrightText", k_noassertion}};
}

Json relationship(const std::string& from, const char* type, const std::string& to) {
  return Json{{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

}  // namespace

void write_spdx(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out) {
  const auto packages = sorted_packages(result.packages);
  const auto& t = result.target;
  const std::string image_id = "SPDXRef-Image";
  Json pkgs = Json::array();
  Json relationships = Json::array({relationship("SPDXRef-DOCUMENT", "DESCRIBES", image_id)});

  Json image = base_package(image_id, t.name.empty() ? "unnamed" : t.name);
  const std::string digest = detail::image_digest(t);
  if (!digest.empty()) {
    image["versionInfo"] = digest;
  }
  if (digest.starts_with("sha256:") && digest.size() == 71) {
    image["checksums"] =
        Json::array({Json{{"algorithm", "SHA256"}, {"checksumValue", digest.substr(7)}}});
  }
  image["primaryPackagePurpose"] = "CONTAINER";
  std::string comment = fmt::format("strata target kind: {}", t.kind);
  if (!t.platform.empty()) {
    comment += fmt::format("; platform: {}", t.platform);
  }
  if (!t.config_digest.empty()) {
    comment += fmt::format("; config digest: {}", t.config_digest);
  }
  image["comment"] = comment;
  pkgs.push_back(std::move(image));

  if (!t.os.empty()) {
    Json os = base_package("SPDXRef-OperatingSystem", t.os.family);
    if (!t.os.version.empty()) {
      os["versionInfo"] = t.os.version;
    }
    os["primaryPackagePurpose"] = "OPERATING_SYSTEM";
    pkgs.push_back(std::move(os));
    relationships.push_back(relationship(image_id, "CONTAINS", "SPDXRef-OperatingSystem"));
  }

  std::set<std::string> used;
  for (const auto& p : packages) {
    std::string base =
        "SPDXRef-Package-" + util::sha256_hex(p.purl + "\n" + p.name + "\n" + p.version + "\n" +
                                              p.location + "\n" + p.layer + "\n" + p.type)
                                 .substr(0, 16);
    std::string id = base;
    for (int n = 2; !used.insert(id).second; ++n) {
      id = fmt::format("{}-{}", base, n);
    }
    Json j = base_package(id, p.name.empty() ? "unnamed" : p.name);
    if (!p.version.empty()) {
      j["versionInfo"] = p.version;
    }
    std::string source = fmt::format("{} package", p.type);
    if (!p.location.empty()) {
      source += fmt::format(" read from {}", p.location);
    }
    if (!p.layer.empty()) {
      source += fmt::format(" in layer {}", p.layer);
    }
    j["sourceInfo"] = source;
    if (!p.purl.empty()) {
      j["externalRefs"] = Json::array({Json{{"referenceCategory", "PACKAGE-MANAGER"},
                                            {"referenceType", "purl"},
                                            {"referenceLocator", p.purl}}});
    }
    j["primaryPackagePurpose"] = "LIBRARY";
    pkgs.push_back(std::move(j));
    relationships.push_back(relationship(image_id, "CONTAINS", id));
  }

  Json creation{{"created", util::format_rfc3339(info.timestamp)},
                {"creators", Json::array({"Tool: strata-" + info.tool_version})}};
  Json body{{"creationInfo", std::move(creation)},
            {"packages", std::move(pkgs)},
            {"relationships", std::move(relationships)}};
  std::string name = t.name.empty() ? "unnamed" : t.name;
  std::string content = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  Json doc{{"spdxVersion", "SPDX-2.3"},
           {"dataLicense", "CC0-1.0"},
           {"SPDXID", "SPDXRef-DOCUMENT"},
           {"name", name},
           {"documentNamespace", fmt::format("https://spdx.org/spdxdocs/strata/{}-{}",
                                             id_safe(name), detail::content_uuid(content))}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    doc[it.key()] = std::move(it.value());
  }
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace strata::report
