#include <catch2/catch.hpp>

#include "policy/policy.hpp"

using namespace strata;
using namespace strata::policy;

namespace {

model::Finding finding(std::string id, std::string pkg, std::string purl,
                       model::Severity sev = model::Severity::high, std::string fixed = "1.1") {
  model::Finding f;
  f.id = std::move(id);
  f.advisory_id = "ALPINE-" + f.id;
  f.aliases = {"GHSA-aaaa-bbbb-cccc"};
  f.package = std::move(pkg);
  f.purl = std::move(purl);
  f.severity = sev;
  f.fixed_version = std::move(fixed);
  return f;
}

const char* k_musl = "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64&distro=alpine-3.10.2";
const char* k_busybox = "pkg:apk/alpine/busybox@1.30.1-r1?arch=x86_64&distro=alpine-3.10.2";

model::ScanResult two_findings() {
  model::ScanResult r;
  r.findings.push_back(finding("CVE-2019-14697", "musl", k_musl, model::Severity::critical));
  r.findings.push_back(finding("CVE-2019-5747", "busybox", k_busybox, model::Severity::low));
  return r;
}

std::vector<IgnoreEntry> ignores(std::string_view text) {
  auto parsed = parse_ignore_file(text, ".strataignore");
  INFO((parsed ? std::string() : parsed.error().message));
  REQUIRE(parsed);
  return *parsed;
}

std::vector<VexStatement> vex(std::string_view text) {
  auto parsed = parse_vex(text, "vex.json");
  INFO((parsed ? std::string() : parsed.error().message));
  REQUIRE(parsed);
  return *parsed;
}

std::string error_of(std::string_view text) {
  auto parsed = parse_ignore_file(text, ".strataignore");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().category == util::ErrorCategory::input);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("plain ignore files: one id per line, comments, exp:") {
  auto e = ignores(
      "# accepted\n\nCVE-2019-14697   # musl: not reachable\n  CVE-2019-5747 "
      "exp:2030-01-01\n");
  REQUIRE(e.size() == 2);
  CHECK(e[0].id == "CVE-2019-14697");
  CHECK(e[0].reason == "musl: not reachable");
  CHECK(e[0].origin == ".strataignore:3");
  CHECK(e[0].expires.empty());
  CHECK(e[1].id == "CVE-2019-5747");
  CHECK(e[1].expires == "2030-01-01");
  CHECK(e[1].reason.empty());
  CHECK(ignores("").empty());
  CHECK(ignores("# only a comment\n").empty());
  CHECK(error_of("CVE-1 CVE-2\n") ==
        ".strataignore:1: expected a vulnerability id and an optional exp:YYYY-MM-DD, found "
        "'CVE-2'");
  CHECK(error_of("CVE-1 exp:2023-02-30\n").find("exp:2023-02-30") != std::string::npos);
}

TEST_CASE("YAML ignore files") {
  auto e = ignores(R"(# accepted risks
vulnerabilities:
  - id: CVE-2019-14697
    packages: [musl, "pkg:apk/alpine/busybox"]
    reason: not reachable
    expires: 2030-01-31
  - id: CVE-2019-5747
)");
  REQUIRE(e.size() == 2);
  CHECK(e[0].id == "CVE-2019-14697");
  CHECK(e[0].packages == std::vector<std::string>{"musl", "pkg:apk/alpine/busybox"});
  CHECK(e[0].reason == "not reachable");
  CHECK(e[0].expires == "2030-01-31");
  CHECK(e[0].origin == ".strataignore:3");
  CHECK(e[1].packages.empty());
  CHECK(ignores("vulnerabilities:\n").empty());
  CHECK(ignores("---\nvulnerabilities: []\n").empty());
}

TEST_CASE("malformed YAML ignore files are errors, never plain lines") {
  CHECK(error_of("vulnerabilities:\n  - id: [CVE-1\n").starts_with(".strataignore:"));
  CHECK(error_of("vulnerabilities:\n  - id: CVE-1\n    reson: typo\n") ==
        ".strataignore:3: unknown key 'reson' (id, packages, reason, expires)");
  CHECK(error_of("vulnerabilities:\n  - reason: no id\n") ==
        ".strataignore:2: an entry without an id");
  CHECK(error_of("vulnerabilities:\n  - id: CVE-1\n    expires: soon\n") ==
        ".strataignore:3: expires 'soon' is not a date (YYYY-MM-DD)");
  CHECK(error_of("vulnerabilities: CVE-1\n") == ".strataignore:1: vulnerabilities must be a list");
  CHECK(error_of("ignore:\n  - CVE-1\n") ==
        ".strataignore:1: unknown key 'ignore' (vulnerabilities)");
  CHECK(error_of("- CVE-1\n") == ".strataignore: expected a mapping with a 'vulnerabilities' list");
}

TEST_CASE("load_ignore_file names a missing file") {
  auto r = load_ignore_file("/nonexistent/.strataignore");
  REQUIRE_FALSE(r);
  CHECK(r.error().category == util::ErrorCategory::input);
  CHECK(r.error().message.find("/nonexistent/.strataignore") != std::string::npos);
}

TEST_CASE("ignore entries match the id, advisory id or an alias, in any case") {
  for (const char* id :
       {"CVE-2019-14697", "cve-2019-14697", "ALPINE-CVE-2019-14697", "GHSA-aaaa-bbbb-cccc"}) {
    Policy p;
    p.today = "2024-01-01";
    p.ignores = ignores(id);
    auto r = two_findings();
    apply(p, r);
    INFO(id);
    REQUIRE(r.findings[0].suppressed);
    CHECK(r.findings[0].suppressed->kind == "ignore");
    CHECK(r.findings[0].suppressed->reason == "listed in .strataignore:1");
    // the alias is shared by both test findings; the CVE ids are not
    CHECK(r.findings[1].suppressed.has_value() == (std::string(id) == "GHSA-aaaa-bbbb-cccc"));
  }
}

TEST_CASE("ignore entries scoped to packages by name or purl") {
  auto scoped = [](std::string packages) {
    Policy p;
    p.today = "2024-01-01";
    p.ignores = ignores(
        "vulnerabilities:\n  - id: GHSA-aaaa-bbbb-cccc\n    reason: r\n"
        "    packages: " +
        packages + "\n");
    auto r = two_findings();
    apply(p, r);
    return std::pair{r.findings[0].suppressed.has_value(), r.findings[1].suppressed.has_value()};
  };
  CHECK(scoped("[musl]") == std::pair{true, false});
  CHECK(scoped("[busybox]") == std::pair{false, true});
  CHECK(scoped("[openssl]") == std::pair{false, false});
  CHECK(scoped("['pkg:apk/alpine/musl']") == std::pair{true, false});
  CHECK(scoped("['pkg:apk/alpine/musl@1.1.22-r2']") == std::pair{true, false});
  CHECK(scoped("['pkg:apk/alpine/musl@1.1.22-r1']") == std::pair{false, false});
  CHECK(scoped("['pkg:apk/alpine/busybox?distro=alpine-3.10.2&arch=x86_64', musl]") ==
        std::pair{true, true});
}

TEST_CASE("expired ignore entries warn and do not suppress") {
  Policy p;
  p.ignores = ignores(
      "vulnerabilities:\n  - id: CVE-2019-14697\n    expires: 2024-06-01\n"
      "  - id: CVE-2019-5747\n    expires: 2024-06-02\n");
  SECTION("before the date: suppressed, no warning") {
    p.today = "2024-05-31";
    auto r = two_findings();
    apply(p, r);
    CHECK(r.findings[0].suppressed);
    CHECK(r.findings[1].suppressed);
    CHECK(r.warnings.empty());
  }
  SECTION("on and after the date: expired") {
    p.today = "2024-06-01";
    auto r = two_findings();
    apply(p, r);
    CHECK_FALSE(r.findings[0].suppressed);
    CHECK(r.findings[1].suppressed);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] ==
          "ignore file .strataignore:2: the entry for CVE-2019-14697 expired on 2024-06-01 and "
          "no longer suppresses findings");
  }
}

TEST_CASE("date_of") {
  CHECK(date_of(0) == "1970-01-01");
  CHECK(date_of(1704067199) == "2023-12-31");
  CHECK(date_of(1704067200) == "2024-01-01");
  CHECK(date_of(1709164800) == "2024-02-29");
}

TEST_CASE("--severity") {
  auto s = parse_severities("critical, HIGH");
  REQUIRE(s);
  CHECK(*s == std::set{model::Severity::critical, model::Severity::high});
  CHECK_FALSE(parse_severities("HIGH,SEVERE"));
  CHECK(parse_severities("HIGH,SEVERE").error().category == util::ErrorCategory::usage);
  CHECK_FALSE(parse_severities(" , "));
  Policy p;
  p.severities = {model::Severity::low};
  auto r = two_findings();
  apply(p, r);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].package == "busybox");
}

TEST_CASE("purl_matches") {
  CHECK(purl_matches("pkg:apk/alpine/musl", k_musl));
  CHECK(purl_matches("pkg:APK/alpine/musl@1.1.22-r2", k_musl));
  CHECK(purl_matches("pkg:apk/alpine/musl@1.1.22-r2?distro=alpine-3.10.2&arch=x86_64", k_musl));
  CHECK(purl_matches("pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64", k_musl));
  CHECK_FALSE(purl_matches("pkg:apk/alpine/musl@1.1.22-r2?arch=aarch64", k_musl));
  CHECK_FALSE(purl_matches("pkg:apk/alpine/musl-utils", k_musl));
  CHECK_FALSE(purl_matches("pkg:deb/alpine/musl", k_musl));
  CHECK_FALSE(purl_matches("musl", k_musl));
  CHECK(purl_matches("pkg:npm/%40babel/core@7.0.0", "pkg:npm/@babel/core@7.0.0"));
  CHECK(purl_matches("pkg:rpm/redhat/openssl@1:1.1.1k-7.el8?arch=x86_64",
                     "pkg:rpm/redhat/openssl@1%3A1.1.1k-7.el8?arch=x86_64&distro=rhel-8.9"));
}

TEST_CASE("OpenVEX: not_affected statements suppress, other statuses do not") {
  auto statements = vex(R"({
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "someone",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"@id": "https://nvd.nist.gov/vuln/detail/CVE-2019-14697",
                       "name": "CVE-2019-14697", "aliases": ["GHSA-xxxx"]},
     "products": [{"@id": "pkg:oci/app@sha256:abc",
                   "subcomponents": [{"@id": "pkg:apk/alpine/musl@1.1.22-r2"}]}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2019-5747"},
     "products": [{"@id": "pkg:apk/alpine/busybox"}], "status": "affected",
     "action_statement": "upgrade"},
    {"vulnerability": {"name": "CVE-2019-5747"},
     "products": [{"@id": "pkg:apk/alpine/busybox"}], "status": "under_investigation"},
    {"vulnerability": {"name": "CVE-2019-5747"},
     "products": [{"@id": "pkg:apk/alpine/busybox"}], "status": "fixed"}
  ]
})");
  REQUIRE(statements.size() == 1);
  CHECK(statements[0].justification == "vulnerable_code_not_in_execute_path");
  Policy p;
  p.vex = statements;
  auto r = two_findings();
  apply(p, r);
  REQUIRE(r.findings[0].suppressed);
  CHECK(*r.findings[0].suppressed ==
        model::Finding::Suppression{"vex", "vulnerable_code_not_in_execute_path"});
  CHECK_FALSE(r.findings[1].suppressed);

  SECTION("a statement for another package version does not suppress") {
    auto other = vex(R"({"statements": [{"vulnerability": "CVE-2019-14697",
      "products": ["pkg:apk/alpine/musl@1.1.20-r4"], "status": "not_affected",
      "impact_statement": "old"}]})");
    REQUIRE(other.size() == 1);
    CHECK(other[0].justification == "old");
    Policy q;
    q.vex = other;
    auto r2 = two_findings();
    apply(q, r2);
    CHECK_FALSE(r2.findings[0].suppressed);
  }
  SECTION("an ignore entry wins over a VEX statement") {
    p.ignores = ignores("CVE-2019-14697 # accepted\n");
    auto r2 = two_findings();
    apply(p, r2);
    CHECK(r2.findings[0].suppressed->kind == "ignore");
  }
}

TEST_CASE("CycloneDX VEX: analysis.state not_affected with affects refs") {
  auto statements = vex(R"({
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "components": [{"bom-ref": "musl-1", "type": "library", "name": "musl",
                  "purl": "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64"}],
  "vulnerabilities": [
    {"id": "CVE-2019-14697", "analysis": {"state": "not_affected",
                                          "justification": "code_not_reachable"},
     "affects": [{"ref": "musl-1"}]},
    {"id": "GHSA-aaaa-bbbb-cccc", "analysis": {"state": "not_affected", "detail": "no"},
     "affects": [{"ref": "urn:cdx:3e671687/1#pkg:apk/alpine/busybox"}]},
    {"id": "CVE-2019-5747", "analysis": {"state": "exploitable"},
     "affects": [{"ref": "pkg:apk/alpine/busybox"}]},
    {"id": "CVE-2019-5747", "analysis": {"state": "in_triage"},
     "affects": [{"ref": "pkg:apk/alpine/busybox"}]}
  ]})");
  REQUIRE(statements.size() == 2);
  Policy p;
  p.vex = statements;
  auto r = two_findings();
  apply(p, r);
  REQUIRE(r.findings[0].suppressed);
  CHECK(*r.findings[0].suppressed == model::Finding::Suppression{"vex", "code_not_reachable"});
  REQUIRE(r.findings[1].suppressed);
  CHECK(r.findings[1].suppressed->reason == "no");
}

TEST_CASE("VEX errors") {
  for (const char* bad : {"not json", "{\"hello\": 1}", "[]",
                          R"({"statements": [{"vulnerability": {"name": "CVE-1"}}]})",
                          R"({"statements": [{"status": "not_affected"}]})",
                          R"({"bomFormat": "CycloneDX", "vulnerabilities": [{"analysis": {}}]})"}) {
    auto r = parse_vex(bad, "v.json");
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().category == util::ErrorCategory::input);
    CHECK(r.error().message.starts_with("v.json: "));
  }
  CHECK_FALSE(load_vex("/nonexistent/vex.json"));
}
