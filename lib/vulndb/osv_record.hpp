#pragma once
// One OSV record (https://ossf.github.io/osv-schema/) reduced to what strata stores and matches:
// identity, aliases, summary, severity, references and the `affected` entries.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/result.hpp"
#include "vercmp/osv_range.hpp"

namespace strata::vulndb {

struct OsvRecord {
  std::string id;
  std::string modified;  // RFC 3339 as written in the record
  std::string published;
  std::string withdrawn;  // non-empty: the record was withdrawn (dropped on import)
  std::string summary;
  std::string details;
  std::vector<std::string> aliases;
  std::vector<std::string> upstream;
  std::vector<std::string> related;
  // Severity, highest first: the highest score of the record's CVSS_V3 (v3.0/v3.1 base score)
  // and CVSS_V4 (v4.0 score, see cvss4_base_score) vectors; else the ecosystem's own severity
  // (`database_specific.severity`, `affected[].ecosystem_specific.severity` /
  // `database_specific.severity`, a `severity` entry of another type such as "Ubuntu");
  // else UNKNOWN. CVSS_V2 entries are ignored.
  model::Severity severity = model::Severity::unknown;
  // That highest score and its vector (the first in record order on a tie). A vector that does
  // not parse is skipped; when none could be scored, `cvss_vector` keeps the first unscorable v4
  // vector (for display) and `cvss_score` is empty.
  std::optional<double> cvss_score;
  std::string cvss_vector;
  std::vector<std::string> links;  // references[].url, in record order
  // Entries with a package ecosystem and name; others are skipped (and counted).
  std::vector<vercmp::OsvAffected> affected;
  unsigned skipped_affected = 0;
};

// Parses one OSV JSON object. Fails (input error, no path: the caller adds it) on malformed
// JSON, a non-object, or a missing / non-string `id`. Unknown fields are ignored; fields of the
// wrong type are ignored rather than fatal, except inside `affected` ranges, where a malformed
// event fails the record (a half-read range would give wrong answers).
util::Result<OsvRecord> parse_osv_record(std::string_view json);

// Same, for a file whose top level is either one record or an array of records.
util::Result<std::vector<OsvRecord>> parse_osv_document(std::string_view json);

}  // namespace strata::vulndb
