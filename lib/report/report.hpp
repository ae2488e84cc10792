#pragma once
// Report writers: a ScanResult to a std::ostream (never stdout directly; `cli` chooses the
// stream). Both writers order their output deterministically themselves, whatever the order of
// the input (they sort copies; the ScanResult is not modified):
//   packages         by name, then version, type, arch, location
//   vulnerabilities  by severity (CRITICAL first), then package, then id, then installed
//                    version, then advisory id
// Layers and warnings keep their input order (layer order is meaningful; warnings are in the
// order the scan met them).

#include <cstddef>
#include <optional>
#include <ostream>
#include <vector>

#include "model/types.hpp"

namespace strata::report {

// JSON report, schema version 1, pretty-printed with a 2-space indent and a final newline. Keys,
// in this order (every key always present):
//   schema_version: 1
//   target: {kind, name, digest, platform, os: {family, version, ecosystem}}
//   layers: [{digest, diff_id, created_by}]
//   packages: [{name, version, type, ecosystem, source_name, source_version, purl, layer}]
//   vulnerabilities: [{id, advisory_id, aliases: [..], package, installed_version,
//                      fixed_version ("" when no fix), status ("fixed" | "affected"; derived from
//                      fixed_version when the finding has none), severity ("CRITICAL" | "HIGH" |
//                      "MEDIUM" | "LOW" | "UNKNOWN"), cvss_score (number or null), layer,
//                      links: [..]}]
//   warnings: [string]
//   db: {built}            ("" when no database was used)
//   summary: {critical, high, medium, low, unknown, total}   (counts of vulnerabilities)
// Strings that are not valid UTF-8 are written with U+FFFD replacements (never throws).
void write_json(const model::ScanResult& result, std::ostream& out);

// Human table: a header line "NAME (OS), N packages"; then either the aligned columns PACKAGE,
// INSTALLED, FIXED ("-" when none), VULNERABILITY, SEVERITY, or "No vulnerabilities found"
// (which points at the warnings when there are any); then the warnings; then
// "Total: N (CRITICAL: a, HIGH: b, MEDIUM: c, LOW: d, UNKNOWN: e)". `color` adds ANSI colours
// to severities and warnings (the caller decides, e.g. only on a terminal).
void write_table(const model::ScanResult& result, std::ostream& out, bool color);

struct SeverityCounts {
  std::size_t critical = 0;
  std::size_t high = 0;
  std::size_t medium = 0;
  std::size_t low = 0;
  std::size_t unknown = 0;
  std::size_t total = 0;
};

// Number of findings per severity.
SeverityCounts count_by_severity(const model::ScanResult& result);

// The most severe finding's severity; nullopt when there are no findings.
std::optional<model::Severity> highest_severity(const model::ScanResult& result);

// Whether any finding is at or above `threshold` (for --fail-on; UNKNOWN is the lowest level,
// so a threshold of UNKNOWN means "any finding").
bool has_findings_at_or_above(const model::ScanResult& result, model::Severity threshold);

// The ordered copies both writers use (see the ordering above).
std::vector<model::Package> sorted_packages(const std::vector<model::Package>& packages);
std::vector<model::Finding> sorted_findings(const std::vector<model::Finding>& findings);

}  // namespace strata::report
