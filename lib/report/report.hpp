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
#include <cstdint>
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
//                      links: [..]}]
//   secrets: [{rule_id, category, severity, title, path, line, match (redacted), layer,
//             deleted}]   (present only when the secret scanner ran: ScanResult::secrets_scanned)
//   setid_perms: [{path, mode ("4755"), setuid, setgid, owner, layer}]
//   checks: [the CIS image items, NeuVector's RESTBenchItem shape]
//   warnings: [string]
//   db: {built}            ("" when no database was used)
//   summary: {critical, high, medium, low, unknown, total}   (counts of vulnerabilities)
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
// Targets without findings get no section; with no findings at all, "No vulnerabilities found"
// (which points at the warnings when there are any) instead. Then, when there are some, the
// secrets ("Secrets: N": SEVERITY, RULE, FILE (path:line), MATCH (redacted), NOTE (deleted by a
// later layer)) and the set-id files ("Set-id files: N": FILE, MODE, KIND, OWNER). Then the
// warnings; then, as the
// last line, the Total line of the whole report. `color` adds ANSI colours to severities and
// warnings (the caller decides, e.g. only on a terminal). With `hide_base` (--hide-base), the
// findings in_base_image are left out (of the sections and the totals), and a line after the
// sections counts them: "N findings of the base image not shown (--hide-base)".
void write_table(const model::ScanResult& result, std::ostream& out, bool color,
                 bool hide_base = false);

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
//   vulnerabilities   [{name (CVE id when there is one), score and score_v3 (the CVSS v3 base
//                     score: OSV data carries no v2 scores), severity ("Critical" only with
//                     cap_critical, else "High"; "High", "Medium", "Low", "Unknown"), vectors ("")
//                     and vectors_v3, description, file_name (""), package_name ("source/binary"
//                     for a dpkg package whose source differs, the origin for apk, the name
//                     otherwise), package_version (the source version for dpkg), fixed_version
//                     ("" when unfixed), link, published_timestamp and last_modified_timestamp
//                     (Unix seconds, 0 when unknown), feed_rating (strata's severity name),
//                     in_base_image (false)}]
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

// What the document formats (SARIF, CycloneDX, SPDX, JUnit) say about their own making. Their
// only time stamps are this one (SARIF invocations[0].endTimeUtc, CycloneDX metadata.timestamp,
// SPDX creationInfo.created, JUnit testsuite timestamp); with the same ScanResult and
// DocumentInfo every writer's output is byte-identical.
struct DocumentInfo {
  std::int64_t timestamp = 0;  // seconds since the epoch: SOURCE_DATE_EPOCH when set, else now
  std::string tool_version;    // strata's version ("0.1.0")
};

// SARIF 2.1.0 (errata 01), one run. tool.driver.rules: one rule per vulnerability id, in
// sorted_findings order of the id's first finding: id, shortDescription (summary, else the id),
// fullDescription (details, else the summary), helpUri (first link), help (text and markdown:
// severity, CVSS, each affected package with its fixed version, links), defaultConfiguration.level,
// properties {security-severity: the highest CVSS score of the id's findings as a string ("7.5"),
// left out when no finding has a score; tags: ["vulnerability", "security", SEVERITY]}.
// results: one per finding (sorted_findings order): ruleId, ruleIndex, level (CRITICAL and HIGH
// "error", MEDIUM "warning", LOW and UNKNOWN "note"), message ("Package NAME VERSION (PURL) is
// affected by ID (SEVERITY); fixed in X" / "no fix yet"), one location: the package's file in the
// image (Finding::path, else the package's location: for OS packages their database) as a URI
// relative to uriBaseId "ROOTFS" (run.originalUriBaseIds: file:///, the image's root), and
// properties {package, installed_version, fixed_version, severity, purl, layer, in_base_image
// (only when known)}. A suppressed finding keeps its result, with
// suppressions: [{kind: "external", status: "accepted", justification: "KIND: REASON"}] (SARIF
// viewers hide it). invocations: [{executionSuccessful: true, endTimeUtc}]. run.properties names
// the target (name, digest, os).
void write_sarif(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out);

// CycloneDX 1.5 JSON. serialNumber: a UUID derived from the document's content (deterministic).
// metadata: timestamp, tools.components [strata], component: the image {type "container",
// bom-ref "strata:target", name, version (the manifest digest, else the config digest: a docker
// save archive has no manifest digest), hashes (its SHA-256),
// properties strata:digest, strata:config_digest, strata:platform, strata:kind}. components: the
// OS {type "operating-system", bom-ref "strata:os"} when known, then every package (sorted_packages
// order) {bom-ref (the purl, made unique with "|LOCATION" and "|N" when two packages share one),
// type "library", name, version, licenses [{license: {name: Package::license}}] when the package
// database names one (as written there: not always an SPDX id), purl, properties strata:type,
// strata:layer, strata:location, strata:arch, strata:source_name, strata:source_version,
// strata:in_base_image (when known)}. dependencies: the image depends on every component.
// vulnerabilities: one per (id, suppression) in sorted_findings order {bom-ref, id, source {name
// "OSV", url https://osv.dev/vulnerability/ADVISORY}, references (aliases), ratings
// [{score, severity, method (CVSSv2, CVSSv3, CVSSv31, CVSSv4 by the vector's prefix, else
// "other"), vector}] (a severity-only rating when there is no score), description, detail,
// recommendation ("Upgrade NAME to X"; one line per package), advisories (links), published,
// updated, affects [{ref, versions [{version, status "affected"}]}], analysis for suppressed
// ones {state "not_affected", justification (for a VEX justification CycloneDX names), detail
// "KIND: REASON"}, properties strata:in_base_image}.
void write_cyclonedx(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out);

// SPDX 2.3 JSON. The image is the root package "SPDXRef-Image" (primaryPackagePurpose CONTAINER,
// versionInfo and a SHA256 checksum from the manifest digest, else the config digest); the OS
// (when known)
// "SPDXRef-OperatingSystem" (OPERATING_SYSTEM); then every package (sorted_packages order) as
// "SPDXRef-Package-<16 hex of the SHA-256 of its purl, location and layer>" with
// downloadLocation, licenseConcluded, licenseDeclared and copyrightText NOASSERTION, filesAnalyzed
// false, externalRefs [{PACKAGE-MANAGER, purl}], sourceInfo naming its file and layer.
// relationships: DOCUMENT DESCRIBES Image, Image CONTAINS each package (and the OS).
// documentNamespace: https://spdx.org/spdxdocs/strata/NAME-UUID with the UUID derived from the
// document's content; creationInfo.created is the only time stamp. No vulnerabilities (SPDX 2.3
// has no place for them).
void write_spdx(const model::ScanResult& result, const DocumentInfo& info, std::ostream& out);

// JUnit XML (as GitLab and Jenkins read it). <testsuites name="strata"> with one <testsuite> per
// target, in the order of the table's sections: the OS packages ("alpine 3.10.9 (apk)"), then
// one per language file by path ("/app/package-lock.json (npm)"). Each suite has one <testcase>
// per package (sorted_packages order; classname: the suite's name, name: "NAME@VERSION"), with a
// <failure> when the package has a finding that is not suppressed and is at or above `fail_on`
// (any finding when nullopt): message "N vulnerabilities in PURL" ("1 vulnerability", no " in
// PURL" without a purl), type the highest severity, text one line per finding "ID SEVERITY
// installed X fixed Y" ("-" when unfixed; every non-suppressed finding of the package). Everything
// is XML-escaped; characters XML 1.0 cannot carry become U+FFFD.
void write_junit(const model::ScanResult& result, const DocumentInfo& info,
                 std::optional<model::Severity> fail_on, std::ostream& out);

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
SeverityCounts count_by_severity(const std::vector<model::Finding>& findings);

// The most severe finding's severity; nullopt when there are no findings.
std::optional<model::Severity> highest_severity(const model::ScanResult& result);

// Whether any finding is at or above `threshold` (for --fail-on; UNKNOWN is the lowest level,
// so a threshold of UNKNOWN means "any finding").
bool has_findings_at_or_above(const model::ScanResult& result, model::Severity threshold);

// The ordered copies both writers use (see the ordering above).
std::vector<model::Package> sorted_packages(const std::vector<model::Package>& packages);
std::vector<model::Finding> sorted_findings(const std::vector<model::Finding>& findings);

}  // namespace strata::report
