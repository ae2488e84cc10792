#pragma once
// What the user accepts or filters out of a scan's findings (issue 16): --severity, an ignore file
// (.strataignore) and VEX documents. Files are parsed into plain values first (before any image
// is read: a policy that does not load stops the scan), then apply() marks or drops findings.
//
// Ignore file, recognised by its content: YAML when its first line that is neither blank nor a
// `#` comment starts like YAML ("---", "%", "{", "[", "- ", or a mapping key "word:"), else
// plain text. A YAML file that does not parse is an error, never read as plain lines.
//   plain  one entry per line: ID [exp:YYYY-MM-DD]; "#" starts a comment (the comment on an
//          entry's line is its reason); blank lines skipped; anything else on a line is an error
//   YAML   vulnerabilities:
//            - id: CVE-2019-1234            (required)
//              packages: [busybox, "pkg:apk/alpine/musl@1.1.22-r2"]   (optional: name or purl)
//              reason: "not reachable"      (optional)
//              expires: 2025-01-31          (optional, YYYY-MM-DD)
//          unknown keys are errors (typos should not silently ignore nothing)
//
// VEX (JSON): OpenVEX (0.2.0; 0.0.x string forms accepted) when the document has `statements`,
// CycloneDX when it has `bomFormat: "CycloneDX"` or `vulnerabilities`. Only `not_affected`
// statements are kept; `affected`, `fixed`, `under_investigation` never suppress.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/result.hpp"

namespace strata::policy {

struct IgnoreEntry {
  std::string id;
  std::vector<std::string> packages;  // package names or purls ("pkg:..."); empty = every package
  std::string reason;                 // "" when the file gives none
  std::string expires;                // YYYY-MM-DD, "" = never
  std::string origin;                 // "FILE:LINE", for warnings
};

struct VexStatement {
  std::vector<std::string> vulnerabilities;  // name, @id and aliases (OpenVEX); id and
                                             // references[].id (CycloneDX)
  std::vector<std::string> purls;            // products and subcomponents / resolved affects refs
  std::string justification;                 // the reason a finding gets ("not_affected" if none)
};

struct Policy {
  std::set<model::Severity> severities;  // --severity; empty = every severity
  std::vector<IgnoreEntry> ignores;
  std::vector<VexStatement> vex;
  std::string today;  // YYYY-MM-DD: expiry is compared with it
};

// --severity: "CRITICAL,HIGH" (any case, blanks around words ignored). Errors (usage) name an
// unknown word or an empty list.
util::Result<std::set<model::Severity>> parse_severities(std::string_view text);

// The UTC date of `unix_seconds` as YYYY-MM-DD.
std::string date_of(std::int64_t unix_seconds);

// Parses an ignore file's text (see above). `origin` (the path) prefixes errors and origins.
// Errors (input): "ORIGIN:LINE: <problem>".
util::Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text,
                                                         std::string_view origin);
// Reads and parses the ignore file at `path`. Errors (input): unreadable, or as parse_ignore_file.
util::Result<std::vector<IgnoreEntry>> load_ignore_file(const std::string& path);

// Parses a VEX document (JSON) and returns its not_affected statements. Errors (input): not JSON,
// neither OpenVEX nor CycloneDX, or a statement without a vulnerability or status.
util::Result<std::vector<VexStatement>> parse_vex(std::string_view text, std::string_view origin);
util::Result<std::vector<VexStatement>> load_vex(const std::string& path);

// Whether package URL `pattern` names the package of purl `actual`: same type, namespace and
// name (type case-insensitive, percent-escapes decoded); the version must be equal unless
// `pattern` has none; every qualifier of `pattern` must be in `actual` with the same value (in
// any order; `actual` may have more); a subpath in `pattern` must be equal.
bool purl_matches(std::string_view pattern, std::string_view actual);

// Applies `policy` to `result`: drops findings whose severity is not in `severities` (when set);
// marks each remaining finding an unexpired ignore entry matches as suppressed {ignore, reason}
// and, failing that, one a VEX statement matches as {vex, justification}. An ignore entry
// matches a finding when its id equals (ASCII case-insensitively) the finding's id, advisory id
// or one of its aliases, and, when it lists packages, one of them is the finding's package name
// or matches its purl. Adds one warning per expired entry to result.warnings:
// "ignore file F:L: the entry for ID expired on DATE and no longer suppresses findings".
void apply(const Policy& policy, model::ScanResult& result);

}  // namespace strata::policy
