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
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::report {

// JSON report, schema version 1, pretty-printed with a 2-space indent and a final newline. Keys,
// in this order (every key always present):
//   schema_version: 1
//   target: {kind, name, digest, platform, os: {family, version, ecosystem}, kernel}
//           (kernel: the running kernel's release for a host scan, else "")
//   layers: [{digest, diff_id, created_by, from_cache (the analysis came from the layer cache:
//            the layer was not read)}]
//   packages: [{name, version, type, ecosystem, source_name, source_version, purl, layer}]
//   vulnerabilities: [{id, advisory_id, aliases: [..], package, installed_version,
//                      fixed_version ("" when no fix), status ("fixed" | "affected"; derived from
//                      fixed_version when the finding has none), severity ("CRITICAL" | "HIGH" |
//                      "MEDIUM" | "LOW" | "UNKNOWN"), cvss_score (number or null), layer,
//                      links: [..], in_base_image (only when known: --base-image),
//                      suppressed: {kind: "ignore" | "vex", reason} (only when a policy accepted
//                      the finding)}]
//                    (packages[] carry in_base_image too, only when known)
//   secrets: [{rule_id, category, severity, title, path, line, match (redacted), layer,
//             deleted}]   (present only when the secret scanner ran: ScanResult::secrets_scanned)
//   setid_perms: [{path, mode ("4755"), setuid, setgid, owner, layer}]
//   checks: [the CIS image items, NeuVector's RESTBenchItem shape]
//   warnings: [string]
//   db: {built}            ("" when no database was used)
//   summary: {critical, high, medium, low, unknown, total}   (counts of vulnerabilities that
//            are not suppressed)
// Strings that are not valid UTF-8 are written with U+FFFD replacements (never throws).
// With `layer_details` (--scan-layers), each layers[] entry also lists what the layer introduced:
//   packages: [{name, version}], vulnerabilities: [{id, package}]   (in the orders above)
void write_json(const model::ScanResult& result, std::ostream& out, bool layer_details = false);

// Human table: a header line "NAME (OS), N packages"; then the findings grouped by target, as
// Trivy does: first the OS packages' (title "alpine 3.10.9 (apk)", "unknown OS (dpkg)"), then
// one section per language file, by path (title "/app/package-lock.json (npm)": the finding's
// `path`, with the types of the packages read from it). A finding is a language file's when its
// path is the location of a package whose type is not an OS one (model::is_os_package_type);
// every other finding is in the OS section. Each section: its title, a line of '=' as wide,
// "Total: N (CRITICAL: a, HIGH: b, MEDIUM: c, LOW: d, UNKNOWN: e)" for the section, a blank
// line, the aligned columns PACKAGE, INSTALLED, FIXED ("-" when none), VULNERABILITY, SEVERITY.
// Suppressed findings are not listed: one line "N suppressed finding(s) (ignore file, VEX) not
// shown: see the JSON report" follows the sections when there are any.
// Targets without findings get no section; with no (unsuppressed) findings at all, "No
// vulnerabilities found" (which points at the warnings when there are any) instead. Then, when
// there are some, the secrets ("Secrets: N": SEVERITY, RULE, FILE (path:line), MATCH (redacted),
// NOTE (deleted by a later layer)) and the set-id files ("Set-id files: N": FILE, MODE, KIND,
// OWNER). Then the warnings; then, as the last line, the Total line of the whole report. `color`
// adds ANSI colours to severities and warnings (the caller decides, e.g. only on a terminal).
void write_table(const model::ScanResult& result, std::ostream& out, bool color);

// Per-layer section (--scan-layers): "LAYERS (top first):" then one line per layer with its
// number (1 = bottom), short digest, the packages and vulnerabilities it introduced, and the
// build step that created it (cut to 60 characters).
void write_layer_table(const model::ScanResult& result, std::ostream& out);

// The NeuVector scanner's result file (/var/neuvector/scan_result.json), so scripts written for
// `docker run ... neuvector/scanner` keep working: {"error_message": "", "report": {...}}, with
// the field names of NeuVector's REST type RESTScanRepoReport. What strata puts in them:
//   image_id          config digest without "sha256:"; registry, repository, tag: as given
//   digest            manifest digest; size: sum of the layers' compressed sizes
//   author, created_at, envs, labels, cmds (newest first): from the image config
//   base_os           "family:version" ("ubuntu:18.04"), "" when unknown
//   cvedb_version, cvedb_create_time: the database build time (strata has no numbered versions)
//   os_scan_status    "OSScanStatusSupported" (the database has the OS's ecosystem),
//                     "OSScanStatusUnsupported" (it does not), "OSScanStatusUnknown" (no OS
//                     found, or no matching was done)
//   layers            [] unless scan_layers; then one row per history step, newest (top) first,
//                     {digest ("" for a step that added no layer), cmds, size, vulnerabilities
//                     (those the layer introduced)}
//   vulnerabilities   (suppressed findings left out, in modules and layers too)
//                     [{name (CVE id when there is one), score and score_v3 (the CVSS v3 base
//                     score: OSV data carries no v2 scores), severity ("Critical" only with
//                     cap_critical, else "High"; "High", "Medium", "Low", "Unknown"), vectors ("")
//                     and vectors_v3, description, file_name (""), package_name ("source/binary"
//                     for a dpkg package whose source differs, the origin for apk, the name
//                     otherwise), package_version (the source version for dpkg), fixed_version
//                     ("" when unfixed), link, published_timestamp and last_modified_timestamp
//                     (Unix seconds, 0 when unknown), feed_rating (strata's severity name),
//                     in_base_image (the finding's in_base_image; false when unknown)}]
//   modules           one per package: {name, file (""), version, source (base_os), cves:
//                     [{name, status: "fix exists" | "unpatched"}], cpes: []}
//   checks            the CIS image items (ScanResult::checks) as RESTBenchItem objects
//   secrets           [{type (the rule's title), evidence (the redacted value), path,
//                     suggestion}]
//   setid_perms       [{type ("setuid", "setgid", "setuid setgid"), evidence (the mode as Go's
//                     FileMode writes it: "urwxr-xr-x"), path}]
struct NeuVectorOptions {
  std::string registry;    // registry URL ("https://127.0.0.1:5000/"), "" for a local image
  std::string repository;  // "library/alpine"
  std::string tag;         // tag or digest as asked for
  bool cap_critical = false;
  bool scan_layers = false;
};
void write_neuvector(const model::ScanResult& result, const NeuVectorOptions& options,
                     std::ostream& out);
// The same envelope for a scan that failed: {"error_message": message, "report": null}.
void write_neuvector_error(std::string_view message, std::ostream& out);

struct SeverityCounts {
  std::size_t critical = 0;
  std::size_t high = 0;
  std::size_t medium = 0;
  std::size_t low = 0;
  std::size_t unknown = 0;
  std::size_t total = 0;
};

// Number of findings per severity. Suppressed findings (Finding::suppressed) are not counted here
// nor by highest_severity / has_findings_at_or_above (so never by --fail-on), and the table and
// the NeuVector envelope leave them out; only the JSON report lists them.
SeverityCounts count_by_severity(const model::ScanResult& result);
SeverityCounts count_by_severity(const std::vector<model::Finding>& findings);

// The number of suppressed findings.
std::size_t count_suppressed(const model::ScanResult& result);

// The most severe finding's severity; nullopt when there are no findings.
std::optional<model::Severity> highest_severity(const model::ScanResult& result);

// Whether any finding is at or above `threshold` (for --fail-on; UNKNOWN is the lowest level,
// so a threshold of UNKNOWN means "any finding").
bool has_findings_at_or_above(const model::ScanResult& result, model::Severity threshold);

// The ordered copies both writers use (see the ordering above).
std::vector<model::Package> sorted_packages(const std::vector<model::Package>& packages);
std::vector<model::Finding> sorted_findings(const std::vector<model::Finding>& findings);

}  // namespace strata::report
