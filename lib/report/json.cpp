#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/checks_json.hpp"
#include "report/report.hpp"

namespace strata::report {

namespace {

using Json = nlohmann::ordered_json;

Json strings(const std::vector<std::string>& items) {
  Json arr = Json::array();
  for (const auto& s : items) {
    arr.push_back(s);
  }
  return arr;
}

Json target_json(const model::Target& t) {
  Json target;
  target["kind"] = t.kind;
  target["name"] = t.name;
  target["digest"] = t.digest;
  target["platform"] = t.platform;
  if (!t.references.empty()) {
    target["references"] = strings(t.references);
  }
  target["os"] =
      Json{{"family", t.os.family}, {"version", t.os.version}, {"ecosystem", t.os.ecosystem}};
  target["kernel"] = t.kernel;
  return target;
}

// One entry per layer; with `layer_details`, the packages and findings each layer brought.
Json layers_json(const model::ScanResult& result, const std::vector<model::Package>& sorted_pkgs,
                 const std::vector<model::Finding>& sorted_vulns, bool layer_details) {
  Json layers = Json::array();
  for (const auto& l : result.layers) {
    Json layer{{"digest", l.digest},
               {"diff_id", l.diff_id},
               {"created_by", l.created_by},
               {"from_cache", l.from_cache}};
    if (layer_details) {
      Json pkgs = Json::array();
      for (const auto& p : sorted_pkgs) {
        if (p.layer == l.diff_id) {
          pkgs.push_back(Json{{"name", p.name}, {"version", p.version}});
        }
      }
      Json vulns = Json::array();
      for (const auto& f : sorted_vulns) {
        if (f.layer == l.diff_id) {
          vulns.push_back(Json{{"id", f.id}, {"package", f.package}});
        }
      }
      layer["packages"] = std::move(pkgs);
      layer["vulnerabilities"] = std::move(vulns);
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

Json package_json(const model::Package& p) {
  Json j{{"name", p.name},
         {"version", p.version},
         {"type", p.type},
         {"arch", p.arch},
         {"ecosystem", p.ecosystem},
         {"source_name", p.source_name},
         {"source_version", p.source_version},
         {"purl", p.purl},
         {"path", p.location},
         {"layer", p.layer}};
  if (!p.modularity_label.empty()) {
    j["modularity_label"] = p.modularity_label;
  }
  if (p.in_base_image) {
    j["in_base_image"] = *p.in_base_image;
  }
  return j;
}

Json finding_json(const model::Finding& f) {
  Json v;
  v["id"] = f.id;
  v["advisory_id"] = f.advisory_id;
  v["aliases"] = strings(f.aliases);
  v["package"] = f.package;
  v["installed_version"] = f.installed_version;
  v["fixed_version"] = f.fixed_version;
  v["status"] = !f.status.empty() ? f.status : (f.fixed_version.empty() ? "affected" : "fixed");
  v["severity"] = model::severity_name(f.severity);
  v["cvss_score"] = f.cvss_score ? Json(*f.cvss_score) : Json(nullptr);
  v["layer"] = f.layer;
  v["links"] = strings(f.links);
  v["ecosystem"] = f.ecosystem;
  v["purl"] = f.purl;
  v["path"] = f.path;
  if (f.in_base_image) {
    v["in_base_image"] = *f.in_base_image;
  }
  if (f.suppressed) {
    v["suppressed"] = Json{{"kind", f.suppressed->kind}, {"reason", f.suppressed->reason}};
  }
  return v;
}

}  // namespace

void write_json(const model::ScanResult& result, std::ostream& out, bool layer_details) {
  Json doc;
  doc["schema_version"] = 1;
  doc["target"] = target_json(result.target);
  const auto sorted_pkgs = sorted_packages(result.packages);
  const auto sorted_vulns = sorted_findings(result.findings);
  doc["layers"] = layers_json(result, sorted_pkgs, sorted_vulns, layer_details);
  Json packages = Json::array();
  for (const auto& p : sorted_pkgs) {
    packages.push_back(package_json(p));
  }
  doc["packages"] = std::move(packages);
  Json vulns = Json::array();
  for (const auto& f : sorted_vulns) {
    vulns.push_back(finding_json(f));
  }
  doc["vulnerabilities"] = std::move(vulns);
  if (result.secrets_scanned) {
    Json secrets = Json::array();
    for (const auto& x : result.secrets) {
      secrets.push_back(Json{{"rule_id", x.rule_id},
                             {"category", x.category},
                             {"severity", x.severity},
                             {"title", x.title},
                             {"path", x.path},
                             {"line", x.line},
                             {"match", x.match},
                             {"layer", x.layer},
                             {"deleted", x.deleted}});
    }
    doc["secrets"] = std::move(secrets);
  }
  Json setid = Json::array();
  for (const auto& f : result.setid) {
    setid.push_back(Json{{"path", f.path},
                         {"mode", fmt::format("{:o}", f.mode)},
                         {"setuid", (f.mode & 04000) != 0},
                         {"setgid", (f.mode & 02000) != 0},
                         {"owner", f.owner},
                         {"layer", f.layer}});
  }
  doc["setid_perms"] = std::move(setid);
  Json checks = Json::array();
  for (const auto& c : result.checks) {
    checks.push_back(detail::check_json(c));
  }
  doc["checks"] = std::move(checks);
  doc["warnings"] = strings(result.warnings);
  doc["db"] = Json{{"built", result.db_built}};
  auto counts = count_by_severity(result);
  doc["summary"] =
      Json{{"critical", counts.critical}, {"high", counts.high},       {"medium", counts.medium},
           {"low", counts.low},           {"unknown", counts.unknown}, {"total", counts.total}};
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace strata::report
