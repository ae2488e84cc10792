#include <nlohmann/json.hpp>

#include <map>

#include "report/checks_json.hpp"
#include "report/report.hpp"
#include "util/time.hpp"

namespace strata::report {

namespace {

using Json = nlohmann::ordered_json;

std::string neuvector_severity(model::Severity s, bool cap_critical) {
  switch (s) {
    case model::Severity::critical:
      return cap_critical ? "Critical" : "High";
    case model::Severity::high:
      return "High";
    case model::Severity::medium:
      return "Medium";
    case model::Severity::low:
      return "Low";
    case model::Severity::unknown:
      break;
  }
  return "Unknown";
}

std::int64_t unix_time(const std::string& rfc3339) {
  return util::parse_rfc3339(rfc3339).value_or(0);
}

std::string strip_sha256(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

// The package a finding is about (for its source version); nullptr when not among the packages.
const model::Package* package_of(const model::ScanResult& result, const model::Finding& f) {
  for (const auto& p : result.packages) {
    if (p.name == f.package && p.version == f.installed_version) {
      return &p;
    }
  }
  return nullptr;
}

Json vulnerability(const model::ScanResult& result, const model::Finding& f,
                   const NeuVectorOptions& options) {
  const model::Package* pkg = package_of(result, f);
  std::string name = f.package;
  std::string version = f.installed_version;
  if (pkg != nullptr && pkg->type == "dpkg") {
    if (!pkg->source_name.empty() && pkg->source_name != pkg->name) {
      name = pkg->source_name + "/" + pkg->name;
    }
    if (!pkg->source_version.empty()) {
      version = pkg->source_version;
    }
  } else if (pkg != nullptr && pkg->type == "apk" && !pkg->source_name.empty()) {
    name = pkg->source_name;
  }
  Json v;
  v["name"] = f.id;
  v["score"] = f.cvss_score.value_or(0.0);
  v["severity"] = neuvector_severity(f.severity, options.cap_critical);
  v["vectors"] = "";
  v["description"] = !f.description.empty() ? f.description : f.summary;
  v["file_name"] = "";
  v["package_name"] = name;
  v["package_version"] = version;
  v["fixed_version"] = f.fixed_version;
  v["link"] = f.links.empty() ? std::string() : f.links.front();
  v["score_v3"] = f.cvss_score.value_or(0.0);
  v["vectors_v3"] = f.cvss_vector;
  v["published_timestamp"] = unix_time(f.published);
  v["last_modified_timestamp"] = unix_time(f.modified);
  v["feed_rating"] = model::severity_name(f.severity);
  v["in_base_image"] = f.in_base_image.value_or(false);
  return v;
}

// One row per history step, newest first; steps that added a layer take the layers in order.
// Without a history consistent with the layers, one row per layer.
Json layer_rows(const model::ScanResult& result, const std::vector<model::Finding>& findings,
                const NeuVectorOptions& options) {
  auto row = [&](const model::LayerInfo* layer, const std::string& cmds) {
    Json vulns = Json::array();
    if (layer != nullptr) {
      for (const auto& f : findings) {
        if (f.layer == layer->diff_id) {
          vulns.push_back(vulnerability(result, f, options));
        }
      }
    }
    return Json{{"digest", layer == nullptr        ? ""
                           : layer->digest.empty() ? layer->diff_id
                                                   : layer->digest},
                {"cmds", cmds},
                {"size", layer == nullptr ? 0 : layer->size},
                {"vulnerabilities", std::move(vulns)}};
  };
  std::size_t non_empty = 0;
  for (const auto& h : result.target.history) {
    non_empty += h.empty_layer ? 0 : 1;
  }
  Json rows = Json::array();
  if (non_empty == result.layers.size() && !result.target.history.empty()) {
    std::size_t next = 0;
    std::vector<Json> oldest_first;
    for (const auto& h : result.target.history) {
      oldest_first.push_back(row(h.empty_layer ? nullptr : &result.layers[next], h.created_by));
      next += h.empty_layer ? 0 : 1;
    }
    for (auto it = oldest_first.rbegin(); it != oldest_first.rend(); ++it) {
      rows.push_back(std::move(*it));
    }
  } else {
    for (auto it = result.layers.rbegin(); it != result.layers.rend(); ++it) {
      rows.push_back(row(&*it, it->created_by));
    }
  }
  return rows;
}

}  // namespace

void write_neuvector(const model::ScanResult& result, const NeuVectorOptions& options,
                     std::ostream& out) {
  const auto& t = result.target;
  // Suppressed findings (ignore file, VEX) are left out: NeuVector has no notion of them.
  std::vector<model::Finding> findings = sorted_findings(result.findings);
  std::erase_if(findings, [](const model::Finding& f) { return f.suppressed.has_value(); });
  const std::string base_os = t.os.empty() ? "" : t.os.family + ":" + t.os.version;

  Json r;
  r["image_id"] = strip_sha256(t.config_digest);
  r["registry"] = options.registry;
  r["repository"] = options.repository;
  r["tag"] = options.tag;
  r["digest"] = t.digest;
  std::uint64_t size = 0;
  for (const auto& l : result.layers) {
    size += l.size;
  }
  r["size"] = size;
  r["author"] = t.author;
  r["base_os"] = base_os;
  r["created_at"] = t.created;
  r["cvedb_version"] = result.db_built;
  r["cvedb_create_time"] = result.db_built;
  r["layers"] = options.scan_layers ? layer_rows(result, findings, options) : Json::array();
  r["os_scan_status"] = t.os.empty() || result.db_built.empty() ? "OSScanStatusUnknown"
                        : result.os_data                        ? "OSScanStatusSupported"
                                                                : "OSScanStatusUnsupported";
  Json vulns = Json::array();
  for (const auto& f : findings) {
    vulns.push_back(vulnerability(result, f, options));
  }
  r["vulnerabilities"] = std::move(vulns);

  // Modules: every package, with the findings against it.
  std::map<std::pair<std::string, std::string>, Json> cves;
  for (const auto& f : findings) {
    cves[{f.package, f.installed_version}].push_back(
        Json{{"name", f.id}, {"status", f.fixed_version.empty() ? "unpatched" : "fix exists"}});
  }
  Json modules = Json::array();
  for (const auto& p : sorted_packages(result.packages)) {
    auto it = cves.find({p.name, p.version});
    modules.push_back(Json{{"name", p.name},
                           {"file", ""},
                           {"version", p.version},
                           {"source", base_os},
                           {"cves", it == cves.end() ? Json::array() : it->second},
                           {"cpes", Json::array()}});
  }
  r["modules"] = std::move(modules);
  Json checks = Json::array();
  for (const auto& c : result.checks) {
    checks.push_back(detail::check_json(c));
  }
  r["checks"] = std::move(checks);
  // NeuVector's RESTScanSecret and RESTScanSetIdPerm: the rule's title as the type, the redacted
  // match as the evidence.
  Json secrets = Json::array();
  for (const auto& x : result.secrets) {
    secrets.push_back(Json{{"type", x.title},
                           {"evidence", x.match},
                           {"path", x.path},
                           {"suggestion",
                            "Please remove the file if it is not necessary, or "
                            "cloak the secret and rotate it"}});
  }
  r["secrets"] = std::move(secrets);
  Json setid = Json::array();
  for (const auto& f : result.setid) {
    setid.push_back(Json{{"type", model::setid_kind(f.mode)},
                         {"evidence", model::setid_mode_string(f.mode)},
                         {"path", f.path}});
  }
  r["setid_perms"] = std::move(setid);
  Json envs = Json::array();
  for (const auto& e : t.env) {
    envs.push_back(e);
  }
  r["envs"] = std::move(envs);
  Json labels = Json::object();
  for (const auto& [k, v] : t.labels) {
    labels[k] = v;
  }
  r["labels"] = std::move(labels);
  Json cmds = Json::array();
  for (auto it = t.history.rbegin(); it != t.history.rend(); ++it) {
    cmds.push_back(it->created_by);
  }
  r["cmds"] = std::move(cmds);
  r["signature_data"] = Json{{"verification_timestamp", ""}};

  Json doc;
  doc["error_message"] = "";
  doc["report"] = std::move(r);
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void write_neuvector_error(std::string_view message, std::ostream& out) {
  Json doc;
  doc["error_message"] = std::string(message);
  doc["report"] = nullptr;
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace strata::report
