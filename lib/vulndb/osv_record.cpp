#include "vulndb/osv_record.hpp"

#include <simdjson.h>

#include "vulndb/cvss.hpp"

namespace strata::vulndb {

namespace {

// simdjson's DOM parser: ~1 GB/s, so an import of the whole OSV corpus is bound by inflating
// the zips, not by JSON. One parser per thread (import parses on several threads); it keeps its
// buffers between documents.
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string get_string(object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) == simdjson::SUCCESS) {
    return std::string(v);
  }
  return {};
}

std::vector<std::string> get_strings(object obj, std::string_view key) {
  std::vector<std::string> out;
  array arr;
  if (obj[key].get_array().get(arr) == simdjson::SUCCESS) {
    for (element v : arr) {
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS) {
        out.emplace_back(s);
      }
    }
  }
  return out;
}

// Bounds on one record, far above real advisories (the largest have a few hundred ranges and
// events): a record over them fails to parse (a failed record, as malformed ones are) instead of
// holding hundreds of MB while it is imported and matched.
constexpr std::size_t k_max_ranges_per_record = 10000;
constexpr std::size_t k_max_events_per_range = 10000;
constexpr std::size_t k_max_versions_per_entry = 100000;

util::Result<vercmp::OsvRange> parse_range(element r) {
  vercmp::OsvRange range;
  object obj;
  if (r.get_object().get(obj) != simdjson::SUCCESS) {
    return util::input_error("affected range is not an object");
  }
  range.type = get_string(obj, "type");
  array events;
  if (obj["events"].get_array().get(events) != simdjson::SUCCESS) {
    return util::input_error("affected range has no events array");
  }
  if (events.size() > k_max_events_per_range) {
    return util::input_error("affected range has more than {} events", k_max_events_per_range);
  }
  for (element e : events) {
    object ev_obj;
    std::string_view version;
    if (e.get_object().get(ev_obj) != simdjson::SUCCESS || ev_obj.size() != 1 ||
        (*ev_obj.begin()).value.get_string().get(version) != simdjson::SUCCESS) {
      std::string text = simdjson::minify(e);
      if (text.size() > 80) {  // an event may be megabytes: quote only its head
        text.resize(77);
        text += "...";
      }
      return util::input_error("malformed range event {}", text);
    }
    vercmp::OsvEvent ev;
    std::string_view key = (*ev_obj.begin()).key;
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
    ev.version = std::string(version);
    range.events.push_back(std::move(ev));
  }
  return range;
}

std::vector<std::string> parse_links(object doc) {
  std::vector<std::string> links;
  if (array refs; doc["references"].get_array().get(refs) == simdjson::SUCCESS) {
    for (element ref : refs) {
      if (object ref_obj; ref.get_object().get(ref_obj) == simdjson::SUCCESS) {
        std::string url = get_string(ref_obj, "url");
        if (!url.empty()) {
          links.push_back(std::move(url));
        }
      }
    }
  }
  return links;
}

// What a record says about its severity, gathered from `severity` and the ecosystem and database
// specific objects; resolved by apply() (see OsvRecord::severity).
struct SeverityScan {
  model::Severity named = model::Severity::unknown;
  std::string unscored_v4;  // a CVSS v4 vector that could not be scored

  // The record's `severity` array: the best CVSS score into `rec`, other named severities here.
  void scan_entries(object doc, OsvRecord& rec) {
    array sev;
    if (doc["severity"].get_array().get(sev) != simdjson::SUCCESS) {
      return;
    }
    for (element item : sev) {
      object s;
      if (item.get_object().get(s) != simdjson::SUCCESS) {
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

  // `severity` strings found in ecosystem / database specific objects.
  void scan_specific(simdjson::simdjson_result<element> value) {
    object obj;
    if (value.get_object().get(obj) != simdjson::SUCCESS) {
      return;
    }
    std::string_view text;
    if (obj["severity"].get_string().get(text) == simdjson::SUCCESS) {
      auto s = model::parse_severity(text);
      if (s && *s > named) {
        named = *s;
      }
    }
  }

  void apply(OsvRecord& rec) const {
    if (rec.cvss_score) {
      rec.severity = model::severity_from_score(*rec.cvss_score);
    } else {
      rec.severity = named;
      rec.cvss_vector = unscored_v4;
    }
  }
};

// The record's `affected` entries into `rec` (entries without a package are counted and
// skipped); a malformed range fails the record.
util::Status parse_affected(object doc, OsvRecord& rec, SeverityScan& severity) {
  array aff;
  if (doc["affected"].get_array().get(aff) != simdjson::SUCCESS) {
    return {};
  }
  std::size_t total_ranges = 0;
  for (element item : aff) {
    object a;
    if (item.get_object().get(a) != simdjson::SUCCESS) {
      ++rec.skipped_affected;
      continue;
    }
    severity.scan_specific(a["ecosystem_specific"]);
    severity.scan_specific(a["database_specific"]);
    object pkg;
    if (a["package"].get_object().get(pkg) != simdjson::SUCCESS) {
      ++rec.skipped_affected;
      continue;
    }
    vercmp::OsvAffected entry;
    entry.ecosystem = get_string(pkg, "ecosystem");
    entry.name = get_string(pkg, "name");
    if (entry.ecosystem.empty() || entry.name.empty()) {
      ++rec.skipped_affected;
      continue;
    }
    if (array ranges; a["ranges"].get_array().get(ranges) == simdjson::SUCCESS) {
      total_ranges += ranges.size();
      if (total_ranges > k_max_ranges_per_record) {
        return util::input_error("more than {} affected ranges", k_max_ranges_per_record);
      }
      for (element r : ranges) {
        auto range = parse_range(r);
        if (!range) {
          return std::move(range).error().wrap(
              fmt::format("affected {}/{}", entry.ecosystem, entry.name));
        }
        entry.ranges.push_back(std::move(range).value());
      }
    }
    if (array versions; a["versions"].get_array().get(versions) == simdjson::SUCCESS &&
                        versions.size() > k_max_versions_per_entry) {
      return util::input_error("affected {}/{}: more than {} versions", entry.ecosystem, entry.name,
                               k_max_versions_per_entry);
    }
    entry.versions = get_strings(a, "versions");
    rec.affected.push_back(std::move(entry));
  }
  return {};
}

util::Result<OsvRecord> from_json(element value) {
  object doc;
  if (value.get_object().get(doc) != simdjson::SUCCESS) {
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
  rec.links = parse_links(doc);
  SeverityScan severity;
  severity.scan_entries(doc, rec);
  severity.scan_specific(doc["database_specific"]);
  TRY(parse_affected(doc, rec, severity));
  severity.apply(rec);
  return rec;
}

// simdjson's DOM takes about 16 bytes per JSON value (its tape) on top of the text, so a 20 MB
// array of one-digit numbers would need 160 MB: a document with more values than this (counted
// from its separators, strings included, so an over-estimate) is refused before it is parsed.
// Real records have a few thousand.
constexpr std::size_t k_max_json_values = 4000000;

util::Result<element> parse_json(std::string_view text) {
  std::size_t separators = 0;
  for (char c : text) {
    separators += (c == ',') | (c == ':') | (c == '[') | (c == '{');
  }
  if (separators > k_max_json_values) {
    return util::input_error("more than {} JSON values", k_max_json_values);
  }
  thread_local simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc); err != simdjson::SUCCESS) {
    return util::input_error("malformed JSON: {}", simdjson::error_message(err));
  }
  return doc;
}

}  // namespace

util::Result<OsvRecord> parse_osv_record(std::string_view text) {
  TRY_ASSIGN(element doc, parse_json(text));
  return from_json(doc);
}

util::Result<std::vector<OsvRecord>> parse_osv_document(std::string_view text) {
  TRY_ASSIGN(element doc, parse_json(text));
  std::vector<OsvRecord> out;
  if (array items; doc.get_array().get(items) == simdjson::SUCCESS) {
    for (element item : items) {
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
