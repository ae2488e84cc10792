// CycloneDX 1.5 JSON writer (see report.hpp for the mapping).

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/document.hpp"
#include "report/report.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace strata::report {

namespace {

using Json = nlohmann::ordered_json;

Json property(std::string_view name, std::string_view value) {
  return Json{{"name", name}, {"value", value}};
}

// Appends a property when the value is not empty.
void add_property(Json& props, std::string_view name, const std::string& value) {
  if (!value.empty()) {
    props.push_back(property(name, value));
  }
}

// The rating method of a CVSS vector, by its prefix.
const char* rating_method(std::string_view vector) {
  if (vector.starts_with("CVSS:3.1/")) {
    return "CVSSv31";
  }
  if (vector.starts_with("CVSS:3.0/")) {
    return "CVSSv3";
  }
  if (vector.starts_with("CVSS:4.0/")) {
    return "CVSSv4";
  }
  if (vector.starts_with("AV:")) {
    return "CVSSv2";
  }
  return "other";
}

// CycloneDX's name for a VEX justification (OpenVEX / CSAF names, or CycloneDX's own), "" when
// there is none.
std::string cdx_justification(const std::string& reason) {
  static const std::map<std::string, std::string, std::less<>> k_map = {
      {"component_not_present", "code_not_present"},
      {"vulnerable_code_not_present", "code_not_present"},
      {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
      {"vulnerable_code_cannot_be_controlled_by_adversary", "protected_at_runtime"},
      {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
      {"code_not_present", "code_not_present"},
      {"code_not_reachable", "code_not_reachable"},
      {"requires_configuration", "requires_configuration"},
      {"requires_dependency", "requires_dependency"},
      {"requires_environment", "requires_environment"},
      {"protected_by_compiler", "protected_by_compiler"},
      {"protected_at_runtime", "protected_at_runtime"},
      {"protected_at_perimeter", "protected_at_perimeter"},
      {"protected_by_mitigating_control", "protected_by_mitigating_control"}};
  auto it = k_map.find(util::trim(reason));
  return it == k_map.end() ? std::string() : it->second;
}

// An RFC 3339 time stamp normalised to "YYYY-MM-DDTHH:MM:SSZ", "" when it does not parse.
std::string normalised_time(const std::string& text) {
  auto t = util::parse_rfc3339(text);
  return t ? util::format_rfc3339(*t) : std::string();
}

// Unique bom-refs for the sorted packages: the purl (NAME@VERSION without one), then
// "|LOCATION", then "|N" for packages that would share one.
std::vector<std::string> bom_refs(const std::vector<model::Package>& packages) {
  std::map<std::string, int> count;
  for (const auto& p : packages) {
    ++count[detail::package_label(p)];
  }
  std::vector<std::string> refs;
  std::set<std::string> used{"strata:target", "strata:os"};
  for (const auto& p : packages) {
    std::string ref = detail::package_label(p);
    if (count[ref] > 1) {
      ref += "|" + p.location;
    }
    std::string unique = ref;
    for (int n = 2; !used.insert(unique).second; ++n) {
      unique = fmt::format("{}|{}", ref, n);
    }
    refs.push_back(unique);
  }
  return refs;
}

Json target_component(const model::Target& t) {
  Json c{{"bom-ref", "strata:target"}, {"type", "container"}, {"name", t.name}};
  const std::string digest = detail::image_digest(t);
  if (!digest.empty()) {
    c["version"] = digest;
  }
  if (digest.starts_with("sha256:") && digest.size() == 71) {
    c["hashes"] = Json::array({Json{{"alg", "SHA-256"}, {"content", digest.substr(7)}}});
  }
  Json props = Json::array();
  add_property(props, "strata:kind", t.kind);
  add_property(props, "strata:digest", t.digest);
  add_property(props, "strata:config_digest", t.config_digest);
  add_property(props, "strata:platform", t.platform);
  if (!props.empty()) {
    c["properties"] = std::move(props);
  }
  return c;
}

Json package_component(const model::Package& p, const std::string& ref) {
  Json c{{"bom-ref", ref}, {"type", "library"}, {"name", p.name}};
  if (!p.version.empty()) {
    c["version"] = p.version;
  }
  if (!p.license.empty()) {
    // As the package database writes it: not always an SPDX id ("GPL2"), so a name.
    c["licenses"] = Json::array({Json{{"license", {{"name", p.license}}}}});
  }
  if (!p.purl.empty()) {
    c["purl"] = p.purl;
  }
  Json props = Json::array();
  add_property(props, "strata:type", p.type);
  add_property(props, "strata:layer", p.layer);
  add_property(props, "strata:location", p.location);
  add_property(props, "strata:arch", p.arch);
  add_property(props, "strata:source_name", p.source_name);
  add_property(props, "strata:source_version", p.source_version);
  if (p.in_base_image) {
    props.push_back(property("strata:in_base_image", *p.in_base_image ? "true" : "false"));
  }
  if (!props.empty()) {
    c["properties"] = std::move(props);
  }
  return c;
}

// One vulnerability entry: findings of one id with the same suppression.
Json vulnerability_json(const std::vector<const model::Finding*>& group,
                        const std::vector<model::Package>& packages,
                        const std::vector<std::string>& refs, std::size_t index) {
  const model::Finding& f = *group.front();
  Json v{{"bom-ref", fmt::format("strata:vuln:{}:{}", index, f.id)}, {"id", f.id}};
  Json source{{"name", "OSV"}};
  if (!f.advisory_id.empty()) {
    source["url"] = "https://osv.dev/vulnerability/" + f.advisory_id;
  }
  v["source"] = std::move(source);
  Json references = Json::array();
  std::set<std::string> aliases(f.aliases.begin(), f.aliases.end());
  if (!f.advisory_id.empty() && f.advisory_id != f.id) {
    aliases.insert(f.advisory_id);
  }
  for (const auto& a : aliases) {
    if (a != f.id) {
      references.push_back(Json{{"id", a}, {"source", {{"name", "OSV"}}}});
    }
  }
  if (!references.empty()) {
    v["references"] = std::move(references);
  }
  Json rating{{"severity", util::to_lower(model::severity_name(f.severity))}};
  if (f.cvss_score) {
    rating = Json{{"score", *f.cvss_score},
                  {"severity", util::to_lower(model::severity_name(f.severity))},
                  {"method", rating_method(f.cvss_vector)}};
    if (!f.cvss_vector.empty()) {
      rating["vector"] = f.cvss_vector;
    }
  }
  v["ratings"] = Json::array({std::move(rating)});
  if (!f.summary.empty()) {
    v["description"] = f.summary;
  }
  if (!f.description.empty()) {
    v["detail"] = f.description;
  }
  std::string recommendation;
  std::set<std::string> seen;
  Json affects = Json::array();
  std::set<std::string> affected_refs;
  for (const auto* g : group) {
    if (!g->fixed_version.empty()) {
      std::string line = fmt::format("Upgrade {} to {}", g->package, g->fixed_version);
      if (seen.insert(line).second) {
        recommendation += recommendation.empty() ? line : "\n" + line;
      }
    }
    const model::Package* p = detail::package_of(*g, packages);
    if (p != nullptr) {
      const std::string& ref = refs[static_cast<std::size_t>(p - packages.data())];
      if (affected_refs.insert(ref).second) {
        affects.push_back(Json{{"ref", ref},
                               {"versions", Json::array({Json{{"version", g->installed_version},
                                                              {"status", "affected"}}})}});
      }
    }
  }
  if (!recommendation.empty()) {
    v["recommendation"] = recommendation;
  }
  Json advisories = Json::array();
  for (const auto& l : f.links) {
    advisories.push_back(Json{{"url", l}});
  }
  if (!advisories.empty()) {
    v["advisories"] = std::move(advisories);
  }
  if (auto t = normalised_time(f.published); !t.empty()) {
    v["published"] = t;
  }
  if (auto t = normalised_time(f.modified); !t.empty()) {
    v["updated"] = t;
  }
  if (f.suppressed) {
    Json analysis{{"state", "not_affected"}};
    if (auto j = cdx_justification(f.suppressed->reason);
        f.suppressed->kind == "vex" && !j.empty()) {
      analysis["justification"] = j;
    }
    analysis["detail"] = detail::suppression_text(*f.suppressed);
    v["analysis"] = std::move(analysis);
  }
  v["affects"] = std::move(affects);
  if (f.in_base_image) {
    v["properties"] =
        Json::array({property("strata:in_base_image", *f.in_base_image ? "true" : "false")});
  }
  return v;
}

}  // namespace

void write_cyclonedx(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out) {
  const auto packages = sorted_packages(result.packages);
  const auto findings = sorted_findings(result.findings);
  const auto refs = bom_refs(packages);
  const auto& t = result.target;
  Json components = Json::array();
  Json depends = Json::array();
  if (!t.os.empty()) {
    Json os{{"bom-ref", "strata:os"}, {"type", "operating-system"}, {"name", t.os.family}};
    if (!t.os.version.empty()) {
      os["version"] = t.os.version;
    }
    if (!t.os.pretty_name.empty()) {
      os["description"] = t.os.pretty_name;
    }
    components.push_back(std::move(os));
    depends.push_back("strata:os");
  }
  for (std::size_t i = 0; i < packages.size(); ++i) {
    components.push_back(package_component(packages[i], refs[i]));
    depends.push_back(refs[i]);
  }
  // Group by (id, suppression) in the order of the first finding.
  std::vector<std::vector<const model::Finding*>> groups;
  std::map<std::pair<std::string, std::string>, std::size_t> group_of;
  for (const auto& f : findings) {
    std::string key = f.suppressed ? "1" + f.suppressed->kind + "\n" + f.suppressed->reason : "0";
    auto [it, added] = group_of.try_emplace({f.id, key}, groups.size());
    if (added) {
      groups.emplace_back();
    }
    groups[it->second].push_back(&f);
  }
  Json vulns = Json::array();
  for (std::size_t i = 0; i < groups.size(); ++i) {
    vulns.push_back(vulnerability_json(groups[i], packages, refs, i + 1));
  }
  Json metadata{{"timestamp", util::format_rfc3339(info.timestamp)},
                {"tools",
                 {{"components", Json::array({Json{{"type", "application"},
                                                   {"name", "strata"},
                                                   {"version", info.tool_version}}})}}},
                {"component", target_component(t)}};
  Json body{{"version", 1},
            {"metadata", std::move(metadata)},
            {"components", std::move(components)},
            {"dependencies",
             Json::array({Json{{"ref", "strata:target"}, {"dependsOn", std::move(depends)}}})},
            {"vulnerabilities", std::move(vulns)}};
  std::string content = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  Json doc{{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
           {"bomFormat", "CycloneDX"},
           {"specVersion", "1.5"},
           {"serialNumber", "urn:uuid:" + detail::content_uuid(content)}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    doc[it.key()] = std::move(it.value());
  }
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace strata::report
