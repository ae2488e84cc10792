#pragma once
// Shared value types: what detectors find, what the database holds, what a scan reports.
// Plain data, no I/O. JSON (de)serialisation lives with the report writers and the vulndb.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/secret.hpp"

namespace strata::model {

enum class Severity { unknown = 0, low, medium, high, critical };

// "CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN".
const char* severity_name(Severity s);
// Case-insensitive; also accepts "moderate" (= medium) and "important" (= high).
std::optional<Severity> parse_severity(std::string_view text);
// CVSS base score to a qualitative severity (CVSS v3 table: 0.1-3.9 low, ... 9.0+ critical).
Severity severity_from_score(double score);

struct OsInfo {
  std::string family;       // "alpine", "debian", "ubuntu", "" when unknown
  std::string version;      // "3.18.9", "12", "22.04"
  std::string ecosystem;    // OSV ecosystem: "Alpine:v3.18", "Debian:12", "Ubuntu:22.04:LTS"
  std::string pretty_name;  // PRETTY_NAME from os-release, for reports
  bool empty() const { return family.empty(); }
};

struct Package {
  std::string name;
  std::string version;
  std::string type;            // "dpkg", "apk", "rpm", ...
  std::string ecosystem;       // OSV ecosystem the package is matched in ("Debian:12")
  std::string source_name;     // dpkg Source:, apk origin (o:), rpm source rpm name
  std::string source_version;  // defaults to version
  std::string arch;
  std::string purl;
  std::string layer;                  // diff_id of the layer that introduced this package (version)
  std::string location;               // the file the package was read from (a database, a
                                      // METADATA, a jar: "/app/x.jar!/BOOT-INF/lib/y.jar")
  std::optional<bool> in_base_image;  // as Finding::in_base_image
  std::string modularity_label;  // rpm MODULARITYLABEL ("nodejs:18:9020020230616:rhel9"), or ""
  // The license as the package database names it (apk L:, the rpm header's License: "MIT",
  // "GPL-2.0-or-later AND LGPL-2.1-or-later", "GPLv2+"), "" when it names none (dpkg, language
  // packages).
  std::string license;

  bool operator==(const Package&) const = default;
};

// Whether a package type is an OS package manager's ("dpkg", "apk", "rpm"): what
// `--pkg-types os` selects. Every other type ("python", "npm", "java", ...) is a library.
bool is_os_package_type(std::string_view type);

// One vulnerability finding: a package whose version falls in an advisory's affected ranges.
struct Finding {
  std::string id;           // CVE id when the advisory names one, else the advisory id
  std::string advisory_id;  // e.g. "DSA-3029-1", "ALPINE-CVE-2019-9020"
  std::vector<std::string> aliases;
  std::string package;      // the package's name as installed (binary name)
  std::string source_name;  // the name that matched (source / origin)
  std::string installed_version;
  std::string fixed_version;  // empty when no fix exists
  std::string status;         // "fixed" or "affected"
  model::Severity severity = Severity::unknown;
  std::optional<double> cvss_score;
  std::string cvss_vector;
  std::string summary;
  std::string description;  // the advisory's details (empty when it has none)
  std::string published;    // RFC 3339, as the advisory gives it ("" when unknown)
  std::string modified;     // RFC 3339
  std::string layer;        // the package's layer
  std::vector<std::string> links;
  std::string ecosystem;  // the package's (OSV ecosystem it matched in)
  std::string purl;       // the package's
  std::string path;       // the package's location: two copies of a library are two findings
  // Set when a policy accepted the finding (an ignore file entry, a VEX not_affected statement):
  // it stays in the JSON report but is left out of counts, the table, --fail-on and failures.
  struct Suppression {
    std::string kind;    // "ignore" | "vex"
    std::string reason;  // the ignore entry's reason, the VEX justification
    bool operator==(const Suppression&) const = default;
  };
  std::optional<Suppression> suppressed;
  // --base-image: whether the package's layer is one the base image has (nullopt: no base image
  // given, never guessed).
  std::optional<bool> in_base_image;
};

struct LayerInfo {
  std::string digest;      // compressed blob digest (manifest); empty for docker-save legacy
  std::string diff_id;     // uncompressed digest (config rootfs.diff_ids)
  std::string created_by;  // from config history (non-empty layers only)
  std::string media_type;
  std::uint64_t size = 0;  // compressed size when known
  bool from_cache = false;
};

// One step of the image's build history (config `history`), oldest first.
struct HistoryStep {
  std::string created_by;
  bool empty_layer = false;  // a step that added no layer (ENV, CMD, ...)
};

struct Target {
  std::string kind;    // "image-archive", "oci-layout", "registry", "docker", "host", ...
  std::string name;    // user-facing name: path, reference, host name
  std::string digest;  // manifest digest when known
  std::string config_digest;
  std::string platform;  // "linux/amd64"
  std::vector<std::string> repo_tags;
  // `strata registry`: every "repo:tag" (no registry host) that resolved to this image, sorted.
  std::vector<std::string> references;
  OsInfo os;
  // From the image config (empty for a host or a rootfs).
  std::string created;  // RFC 3339
  std::string author;
  std::vector<std::string> env;                             // "NAME=value"
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
  std::vector<HistoryStep> history;                         // oldest first
  std::string user;  // config User ("" = root, as the runtime takes it)
  // config Healthcheck: true when it sets a test that is not ["NONE"]
  bool healthcheck = false;
  std::string kernel;  // host scans: the running kernel's release ("6.1.0-13-amd64")
};

// A regular file of the final image (or tree) with the setuid or setgid bit, as the tar header
// (or stat) gives it.
struct SetidFile {
  std::string path;
  std::uint32_t mode = 0;  // permission bits with the set-id bits: 04755
  std::string owner;       // the user name the tar header records, else the uid ("0")
  std::string layer;       // diff_id of the layer that added it ("" for a tree)
  bool operator==(const SetidFile&) const = default;
};

// How NeuVector's result shows a set-id file: the kind ("setuid", "setgid", "setuid setgid") and
// the mode as Go's os.FileMode.String() writes it ("urwxr-xr-x": "u" for setuid, "g" for setgid,
// then rwxrwxrwx).
std::string setid_kind(std::uint32_t mode);
std::string setid_mode_string(std::uint32_t mode);

// One CIS Docker Benchmark image item that the image fails (NeuVector's RESTBenchItem).
struct Check {
  std::string test_number;  // "I.4.1"
  std::string category;     // "image"
  std::string type;         // "image" | "secret"
  std::string profile;      // "Level 1" | "Level 2"
  bool scored = false;
  bool automated = false;
  std::string description;
  std::string remediation;
  std::string level;  // "WARN"
  std::string evidence;
  std::string location;
  std::vector<std::string> message;
};

struct ScanResult {
  Target target;
  std::vector<LayerInfo> layers;
  std::vector<Package> packages;
  std::vector<Finding> findings;
  std::vector<std::string> warnings;
  std::string db_built;  // vulnerability database build time (RFC 3339), empty when no db
  // Whether the database has advisories for the OS's ecosystem (false too when nothing was
  // matched: no OS, or --packages-only).
  bool os_data = false;
  // The secret scanner's findings (secrets_scanned: it ran), set-id files, and the image checks.
  bool secrets_scanned = false;
  std::vector<Secret> secrets;
  std::vector<SetidFile> setid;
  std::vector<Check> checks;
};

}  // namespace strata::model
