#include "vulndb/osv_record.hpp"

#include <nlohmann/json.hpp>

#include "vulndb/cvss.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

std::string get_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_string()) {
    return it->get<std::string>();
  }
  return {};
}

std::vector<std::string> get_strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it != obj.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

// `severity` strings found in ecosystem / database specific objects.
void collect_named_severity(const json& obj, model::Severity& best) {
  if (!obj.is_object()) {
    return;
  }
  auto it = obj.find("severity");
  if (it != obj.end() && it->is_string()) {
    auto s = model::parse_severity(it->get<std::string>());
    if (s && *s > best) {
      best = *s;
    }
  }
}

util::Result<vercmp::OsvRange> parse_range(const json& r) {
  vercmp::OsvRange range;
  if (!r.is_object()) {
    return util::input_error("affected range is not an object");
  }
  range.type = get_string(r, "type");
  auto events = r.find("events");
  if (events == r.end() || !events->is_array()) {
    return util::input_error("affected range has no events array");
  }
  for (const auto& e : *events) {
    if (!e.is_object() || e.size() != 1 || !e.begin()->is_string()) {
      return util::input_error("malformed range event {}", e.dump());
    }
    vercmp::OsvEvent ev;
    const std::string& key = e.begin().key();
    if (key == "introduced") {
      ev.kind = vercmp::OsvEvent::Kind::introduced;
    } else if (key == "fixed") {
      ev.kind = vercmp::OsvEvent::Kind::fixed;
    } else if (key == "last_affected") {
      ev.kind = vercmp::OsvEvent::Kind::last_affected;
    } else if (key == "limit") {
      ev.kind = vercmp::OsvEvent::Kind::limit;
    } else {
      return util::input_error("unknown range event '{}'", key);
    }
    ev.version = e.begin()->get<std::string>();
    range.events.push_back(std::move(ev));
  }
  return range;
}

util::Result<OsvRecord> from_json(const json& doc) {
  if (!doc.is_object()) {
    return util::input_error("OSV record is not a JSON object");
  }
  OsvRecord rec;
  rec.id = get_string(doc, "id");
  if (rec.id.empty()) {
    return util::input_error("OSV record has no \"id\"");
  }
  rec.modified = get_string(doc, "modified");
  rec.published = get_string(doc, "published");
  rec.withdrawn = get_string(doc, "withdrawn");
  rec.summary = get_string(doc, "summary");
  rec.details = get_string(doc, "details");
  rec.aliases = get_strings(doc, "aliases");
  rec.upstream = get_strings(doc, "upstream");
  rec.related = get_strings(doc, "related");

  if (auto refs = doc.find("references"); refs != doc.end() && refs->is_array()) {
    for (const auto& ref : *refs) {
      if (ref.is_object()) {
        std::string url = get_string(ref, "url");
        if (!url.empty()) {
          rec.links.push_back(std::move(url));
        }
      }
    }
  }

  model::Severity named = model::Severity::unknown;
  std::string unscored_v4;  // a CVSS v4 vector that could not be scored
  if (auto sev = doc.find("severity"); sev != doc.end() && sev->is_array()) {
    for (const auto& s : *sev) {
      if (!s.is_object()) {
        continue;
      }
      std::string type = get_string(s, "type");
      std::string score = get_string(s, "score");
      if (type == "CVSS_V3" || type == "CVSS_V4") {
        auto base = type == "CVSS_V3" ? cvss3_base_score(score) : cvss4_base_score(score);
        if (base && (!rec.cvss_score || *base > *rec.cvss_score)) {
          rec.cvss_score = *base;
          rec.cvss_vector = score;
        } else if (!base && type == "CVSS_V4" && unscored_v4.empty()) {
          unscored_v4 = score;
        }
      } else if (type != "CVSS_V2") {
        // Ecosystem severities ("Ubuntu": "medium", ...).
        auto parsed = model::parse_severity(score);
        if (parsed && *parsed > named) {
          named = *parsed;
        }
      }
    }
  }
  if (auto ds = doc.find("database_specific"); ds != doc.end()) {
    collect_named_severity(*ds, named);
  }

  if (auto aff = doc.find("affected"); aff != doc.end() && aff->is_array()) {
    for (const auto& a : *aff) {
      if (!a.is_object()) {
        ++rec.skipped_affected;
        continue;
      }
      if (auto es = a.find("ecosystem_specific"); es != a.end()) {
        collect_named_severity(*es, named);
      }
      if (auto ds = a.find("database_specific"); ds != a.end()) {
        collect_named_severity(*ds, named);
      }
      auto pkg = a.find("package");
      if (pkg == a.end() || !pkg->is_object()) {
        ++rec.skipped_affected;
        continue;
      }
      vercmp::OsvAffected entry;
      entry.ecosystem = get_string(*pkg, "ecosystem");
      entry.name = get_string(*pkg, "name");
      if (entry.ecosystem.empty() || entry.name.empty()) {
        ++rec.skipped_affected;
        continue;
      }
      if (auto ranges = a.find("ranges"); ranges != a.end() && ranges->is_array()) {
        for (const auto& r : *ranges) {
          auto range = parse_range(r);
          if (!range) {
            return std::move(range).error().wrap(
                fmt::format("affected {}/{}", entry.ecosystem, entry.name));
          }
          entry.ranges.push_back(std::move(range).value());
        }
      }
      entry.versions = get_strings(a, "versions");
      rec.affected.push_back(std::move(entry));
    }
  }

  if (rec.cvss_score) {
    rec.severity = model::severity_from_score(*rec.cvss_score);
  } else {
    rec.severity = named;
    rec.cvss_vector = unscored_v4;
  }
  return rec;
}

// nlohmann reports the position only through its exception; it is caught here, at the parse.
util::Result<json> parse_json(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string_view what = e.what();
    if (auto pos = what.find("] "); pos != std::string_view::npos) {
      what.remove_prefix(pos + 2);
    }
    return util::input_error("malformed JSON: {}", what);
  }
}

}  // namespace

util::Result<OsvRecord> parse_osv_record(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  return from_json(doc);
}

util::Result<std::vector<OsvRecord>> parse_osv_document(std::string_view text) {
  TRY_ASSIGN(json doc, parse_json(text));
  std::vector<OsvRecord> out;
  if (doc.is_array()) {
    for (const auto& item : doc) {
      TRY_ASSIGN(auto rec, from_json(item));
      out.push_back(std::move(rec));
    }
    return out;
  }
  TRY_ASSIGN(auto rec, from_json(doc));
  out.push_back(std::move(rec));
  return out;
}

}  // namespace strata::vulndb
