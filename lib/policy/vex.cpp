// VEX documents: OpenVEX and CycloneDX (JSON), reduced to their not_affected statements.

#include <nlohmann/json.hpp>

#include <map>

#include "policy/policy.hpp"
#include "util/file.hpp"

namespace strata::policy {

namespace {

using Json = nlohmann::json;

struct VexError {
  std::string what;
};

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add(std::vector<std::string>& out, std::string s) {
  if (!s.empty()) {
    out.push_back(std::move(s));
  }
}

// An OpenVEX product or subcomponent: a string (0.0.x), or {"@id", "identifiers": {"purl"}}.
void component_purls(const Json& c, std::vector<std::string>& out) {
  if (c.is_string()) {
    add(out, c.get<std::string>());
    return;
  }
  if (!c.is_object()) {
    return;
  }
  add(out, string_at(c, "@id"));
  if (auto ids = c.find("identifiers"); ids != c.end() && ids->is_object()) {
    add(out, string_at(*ids, "purl"));
  }
  if (auto subs = c.find("subcomponents"); subs != c.end() && subs->is_array()) {
    for (const auto& s : *subs) {
      component_purls(s, out);
    }
  }
}

std::vector<VexStatement> parse_openvex(const Json& doc, std::string_view origin) {
  std::vector<VexStatement> out;
  const auto& statements = doc["statements"];
  if (!statements.is_array()) {
    throw VexError{fmt::format("{}: OpenVEX statements must be a list", origin)};
  }
  std::size_t index = 0;
  for (const auto& s : statements) {
    ++index;
    if (!s.is_object()) {
      throw VexError{fmt::format("{}: statement {} is not an object", origin, index)};
    }
    std::string status = string_at(s, "status");
    if (status.empty()) {
      throw VexError{fmt::format("{}: statement {} has no status", origin, index)};
    }
    VexStatement st;
    auto vuln = s.find("vulnerability");
    if (vuln != s.end() && vuln->is_string()) {
      add(st.vulnerabilities, vuln->get<std::string>());
    } else if (vuln != s.end() && vuln->is_object()) {
      add(st.vulnerabilities, string_at(*vuln, "name"));
      add(st.vulnerabilities, string_at(*vuln, "@id"));
      if (auto aliases = vuln->find("aliases"); aliases != vuln->end() && aliases->is_array()) {
        for (const auto& a : *aliases) {
          if (a.is_string()) {
            add(st.vulnerabilities, a.get<std::string>());
          }
        }
      }
    }
    if (st.vulnerabilities.empty()) {
      throw VexError{fmt::format("{}: statement {} names no vulnerability", origin, index)};
    }
    if (status != "not_affected") {
      continue;  // affected, fixed, under_investigation: nothing is suppressed
    }
    if (auto products = s.find("products"); products != s.end() && products->is_array()) {
      for (const auto& p : *products) {
        component_purls(p, st.purls);
      }
    }
    if (auto subs = s.find("subcomponents"); subs != s.end() && subs->is_array()) {
      for (const auto& p : *subs) {  // 0.0.x: subcomponents beside products
        component_purls(p, st.purls);
      }
    }
    st.justification = string_at(s, "justification");
    if (st.justification.empty()) {
      st.justification = string_at(s, "impact_statement");
    }
    if (st.justification.empty()) {
      st.justification = "not_affected";
    }
    out.push_back(std::move(st));
  }
  return out;
}

// bom-ref -> purl of every component (nested ones too) and of metadata.component.
void collect_refs(const Json& c, std::map<std::string, std::string>& refs) {
  if (!c.is_object()) {
    return;
  }
  auto ref = string_at(c, "bom-ref");
  auto purl = string_at(c, "purl");
  if (!ref.empty() && !purl.empty()) {
    refs.emplace(ref, purl);
  }
  if (auto subs = c.find("components"); subs != c.end() && subs->is_array()) {
    for (const auto& s : *subs) {
      collect_refs(s, refs);
    }
  }
}

std::vector<VexStatement> parse_cyclonedx(const Json& doc, std::string_view origin) {
  std::map<std::string, std::string> refs;
  if (auto meta = doc.find("metadata"); meta != doc.end() && meta->is_object()) {
    if (auto c = meta->find("component"); c != meta->end()) {
      collect_refs(*c, refs);
    }
  }
  if (auto comps = doc.find("components"); comps != doc.end() && comps->is_array()) {
    for (const auto& c : *comps) {
      collect_refs(c, refs);
    }
  }
  std::vector<VexStatement> out;
  auto vulns = doc.find("vulnerabilities");
  if (vulns == doc.end()) {
    return out;
  }
  if (!vulns->is_array()) {
    throw VexError{fmt::format("{}: CycloneDX vulnerabilities must be a list", origin)};
  }
  std::size_t index = 0;
  for (const auto& v : *vulns) {
    ++index;
    if (!v.is_object()) {
      throw VexError{fmt::format("{}: vulnerability {} is not an object", origin, index)};
    }
    VexStatement st;
    add(st.vulnerabilities, string_at(v, "id"));
    if (st.vulnerabilities.empty()) {
      throw VexError{fmt::format("{}: vulnerability {} has no id", origin, index)};
    }
    if (auto r = v.find("references"); r != v.end() && r->is_array()) {
      for (const auto& ref : *r) {
        if (ref.is_object()) {
          add(st.vulnerabilities, string_at(ref, "id"));
        }
      }
    }
    auto analysis = v.find("analysis");
    if (analysis == v.end() || !analysis->is_object() ||
        string_at(*analysis, "state") != "not_affected") {
      continue;  // no analysis, or exploitable, resolved, in_triage, false_positive, ...
    }
    if (auto affects = v.find("affects"); affects != v.end() && affects->is_array()) {
      for (const auto& a : *affects) {
        std::string ref = a.is_object() ? string_at(a, "ref") : std::string();
        if (ref.starts_with("urn:cdx:")) {  // a BOM-link: urn:cdx:SERIAL/VERSION#bom-ref
          auto hash = ref.find('#');
          ref = hash == std::string::npos ? std::string() : ref.substr(hash + 1);
        }
        if (ref.starts_with("pkg:")) {
          st.purls.push_back(ref);
        } else if (auto it = refs.find(ref); it != refs.end()) {
          st.purls.push_back(it->second);
        }
      }
    }
    st.justification = string_at(*analysis, "justification");
    if (st.justification.empty()) {
      st.justification = string_at(*analysis, "detail");
    }
    if (st.justification.empty()) {
      st.justification = "not_affected";
    }
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace

util::Result<std::vector<VexStatement>> parse_vex(std::string_view text, std::string_view origin) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    return util::input_error("{}: not a JSON document (VEX files are OpenVEX or CycloneDX JSON)",
                             origin);
  }
  try {
    if (doc.is_object() && doc.contains("statements")) {
      return parse_openvex(doc, origin);
    }
    if (doc.is_object() &&
        (string_at(doc, "bomFormat") == "CycloneDX" || doc.contains("vulnerabilities"))) {
      return parse_cyclonedx(doc, origin);
    }
  } catch (const VexError& e) {
    return util::input_error("{}", e.what);
  }
  return util::input_error("{}: neither an OpenVEX nor a CycloneDX VEX document", origin);
}

util::Result<std::vector<VexStatement>> load_vex(const std::string& path) {
  auto text = util::read_file(path, 64u << 20);
  if (!text) {
    return util::input_error("VEX file {}", text.error().message);
  }
  return parse_vex(*text, path);
}

}  // namespace strata::policy
