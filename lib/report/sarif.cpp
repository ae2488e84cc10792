// SARIF 2.1.0 writer (see report.hpp for the mapping).

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/document.hpp"
#include "report/report.hpp"
#include "util/time.hpp"

namespace strata::report {

namespace {

using Json = nlohmann::ordered_json;

const char* sarif_level(model::Severity s) {
  switch (s) {
    case model::Severity::critical:
    case model::Severity::high:
      return "error";
    case model::Severity::medium:
      return "warning";
    case model::Severity::low:
    case model::Severity::unknown:
      break;
  }
  return "note";
}

// A path in the image as a URI reference relative to the image root: no leading '/', and every
// byte outside RFC 3986's unreserved, sub-delims, ':', '@' and '/' percent-encoded.
std::string relative_uri(std::string_view path) {
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  std::string out;
  for (unsigned char c : path) {
    bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) != std::string_view::npos;
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

std::string fix_text(const model::Finding& f) {
  return f.fixed_version.empty() ? "no fix yet" : "fixed in " + f.fixed_version;
}

std::string score_text(double score) {
  return fmt::format("{:.1f}", score);
}

// The rule of one vulnerability id, from its findings (sorted_findings order).
Json rule_json(const std::string& id, const std::vector<const model::Finding*>& findings) {
  const model::Finding& first = *findings.front();
  std::optional<double> score;
  std::string vector;
  for (const auto* f : findings) {
    if (f->cvss_score && (!score || *f->cvss_score > *score)) {
      score = f->cvss_score;
      vector = f->cvss_vector;
    }
  }
  std::string summary = !first.summary.empty() ? first.summary : id;
  std::string details = !first.description.empty() ? first.description : summary;
  std::string text =
      fmt::format("Vulnerability {}\nSeverity: {}\n", id, model::severity_name(first.severity));
  std::string md = fmt::format(
      "**Vulnerability {}**\n\n| Severity | Package | Installed | Fixed |\n"
      "| --- | --- | --- | --- |\n",
      id);
  if (score) {
    text += fmt::format("CVSS: {}{}\n", score_text(*score), vector.empty() ? "" : " " + vector);
  }
  std::set<std::string> seen;
  for (const auto* f : findings) {
    std::string line =
        fmt::format("Package: {} {} ({})\n", f->package, f->installed_version, fix_text(*f));
    if (seen.insert(line).second) {
      text += line;
      md += fmt::format("| {} | {} | {} | {} |\n", model::severity_name(f->severity), f->package,
                        f->installed_version, f->fixed_version.empty() ? "-" : f->fixed_version);
    }
  }
  if (!first.links.empty()) {
    text += "Links:\n";
    md += "\n";
    for (const auto& l : first.links) {
      text += "  " + l + "\n";
      md += fmt::format("- <{}>\n", l);
    }
  }
  Json rule{{"id", id},
            {"shortDescription", {{"text", summary}}},
            {"fullDescription", {{"text", details}}}};
  if (!first.links.empty()) {
    rule["helpUri"] = first.links.front();
  }
  rule["help"] = Json{{"text", text}, {"markdown", md}};
  rule["defaultConfiguration"] = Json{{"level", sarif_level(first.severity)}};
  Json props;
  if (score) {
    props["security-severity"] = score_text(*score);
  }
  props["tags"] = Json::array({"vulnerability", "security", model::severity_name(first.severity)});
  rule["properties"] = std::move(props);
  return rule;
}

}  // namespace

void write_sarif(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out) {
  const auto packages = sorted_packages(result.packages);
  const auto findings = sorted_findings(result.findings);
  std::vector<std::string> ids;  // rule order: first appearance
  std::map<std::string, std::vector<const model::Finding*>> by_id;
  for (const auto& f : findings) {
    auto& list = by_id[f.id];
    if (list.empty()) {
      ids.push_back(f.id);
    }
    list.push_back(&f);
  }
  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& id : ids) {
    rule_index[id] = rules.size();
    rules.push_back(rule_json(id, by_id[id]));
  }
  Json results = Json::array();
  for (const auto& f : findings) {
    const model::Package* p = detail::package_of(f, packages);
    std::string label =
        p != nullptr ? detail::package_label(*p) : (!f.purl.empty() ? f.purl : f.package);
    Json r{{"ruleId", f.id},
           {"ruleIndex", rule_index[f.id]},
           {"level", sarif_level(f.severity)},
           {"message",
            {{"text", fmt::format("Package {} {} ({}) is affected by {} ({}); {}", f.package,
                                  f.installed_version, label, f.id,
                                  model::severity_name(f.severity), fix_text(f))}}}};
    std::string file = detail::finding_file(f, p);
    Json artifact{{"uri", relative_uri(file.empty() ? result.target.name : file)}};
    if (!file.empty()) {
      artifact["uriBaseId"] = "ROOTFS";
    }
    r["locations"] = Json::array({Json{{"physicalLocation", {{"artifactLocation", artifact}}},
                                       {"message", {{"text", file.empty() ? label : file}}}}});
    if (f.suppressed) {
      r["suppressions"] =
          Json::array({Json{{"kind", "external"},
                            {"status", "accepted"},
                            {"justification", detail::suppression_text(*f.suppressed)}}});
    }
    Json props{{"package", f.package},
               {"installed_version", f.installed_version},
               {"fixed_version", f.fixed_version},
               {"severity", model::severity_name(f.severity)},
               {"purl", p != nullptr ? p->purl : f.purl},
               {"layer", f.layer}};
    if (f.in_base_image) {
      props["in_base_image"] = *f.in_base_image;
    }
    r["properties"] = std::move(props);
    results.push_back(std::move(r));
  }
  Json driver{{"name", "strata"},
              {"fullName", "strata container image vulnerability scanner"},
              {"version", info.tool_version},
              {"rules", std::move(rules)}};
  const auto& t = result.target;
  Json run{
      {"tool", {{"driver", std::move(driver)}}},
      {"invocations", Json::array({Json{{"executionSuccessful", true},
                                        {"endTimeUtc", util::format_rfc3339(info.timestamp)}}})},
      {"originalUriBaseIds",
       {{"ROOTFS",
         {{"uri", "file:///"}, {"description", {{"text", "The image's root file system"}}}}}}},
      {"results", std::move(results)},
      {"properties",
       {{"target", t.name},
        {"kind", t.kind},
        {"digest", t.digest},
        {"os", t.os.empty() ? "" : t.os.family + " " + t.os.version}}}};
  Json doc{{"$schema",
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
            "sarif-schema-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs", Json::array({std::move(run)})}};
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace strata::report
