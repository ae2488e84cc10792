#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/report.hpp"

using namespace strata;
using namespace strata::report;

namespace {

model::Finding finding(std::string id, std::string pkg, std::string installed, std::string fixed,
                       model::Severity sev, std::optional<double> score = std::nullopt) {
  model::Finding f;
  f.id = std::move(id);
  f.advisory_id = "ALPINE-" + f.id;
  f.aliases = {f.id};
  f.package = std::move(pkg);
  f.source_name = f.package;
  f.installed_version = std::move(installed);
  f.fixed_version = std::move(fixed);
  f.severity = sev;
  f.cvss_score = score;
  f.layer = "sha256:diff1";
  f.links = {"https://security.alpinelinux.org/vuln/" + f.id};
  return f;
}

model::Package package(std::string name, std::string version, std::string origin) {
  model::Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.type = "apk";
  p.ecosystem = "Alpine:v3.10";
  p.source_name = std::move(origin);
  p.source_version = p.version;
  p.arch = "x86_64";
  p.purl = "pkg:apk/alpine/" + p.name + "@" + p.version + "?arch=x86_64&distro=3.10.9";
  p.layer = "sha256:diff1";
  p.location = "/lib/apk/db/installed";
  return p;
}

model::ScanResult sample() {
  model::ScanResult r;
  r.target.kind = "image-archive";
  r.target.name = "testdata/demo/alpine-3.10.tar.gz";
  r.target.digest = "sha256:abc";
  r.target.platform = "linux/amd64";
  r.target.os = {"alpine", "3.10.9", "Alpine:v3.10", "Alpine Linux v3.10"};
  model::LayerInfo layer;
  layer.digest = "sha256:blob1";
  layer.diff_id = "sha256:diff1";
  layer.created_by = "/bin/sh -c #(nop) ADD file:abc in / ";
  r.layers.push_back(layer);
  // Deliberately unsorted input: the writers order their output.
  r.packages = {package("musl", "1.1.22-r3", "musl"),
                package("libcrypto1.1", "1.1.1c-r0", "openssl"),
                package("busybox", "1.30.1-r2", "busybox")};
  r.findings = {
      finding("CVE-2019-1547", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r0", model::Severity::medium,
              4.7),
      finding("CVE-2019-14697", "musl", "1.1.22-r3", "1.1.22-r3x", model::Severity::critical, 9.8),
      finding("CVE-2019-1549", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r0", model::Severity::medium,
              5.3),
      finding("CVE-2021-0000", "busybox", "1.30.1-r2", "", model::Severity::unknown),
  };
  r.warnings = {"layer sha256:diff1: skipped an apk entry at line 3 without V: (version)"};
  r.db_built = "2024-01-02T03:04:05Z";
  return r;
}

}  // namespace

TEST_CASE("json report: keys, order, types and values") {
  std::ostringstream out;
  write_json(sample(), out);
  auto text = out.str();
  REQUIRE(text.back() == '\n');
  auto doc = nlohmann::ordered_json::parse(text);

  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    keys.push_back(it.key());
  }
  CHECK(keys == std::vector<std::string>{"schema_version", "target", "layers", "packages",
                                         "vulnerabilities", "warnings", "db", "summary"});
  CHECK(doc["schema_version"] == 1);
  CHECK(
      doc["target"].dump() ==
      R"({"kind":"image-archive","name":"testdata/demo/alpine-3.10.tar.gz","digest":"sha256:abc",)"
      R"("platform":"linux/amd64","os":{"family":"alpine","version":"3.10.9","ecosystem":"Alpine:v3.10"},"kernel":""})");
  CHECK(
      doc["layers"].dump() ==
      R"([{"digest":"sha256:blob1","diff_id":"sha256:diff1","created_by":"/bin/sh -c #(nop) ADD file:abc in / ","from_cache":false}])");

  REQUIRE(doc["packages"].size() == 3);
  CHECK(doc["packages"][0]["name"] == "busybox");
  CHECK(doc["packages"][1]["name"] == "libcrypto1.1");
  CHECK(doc["packages"][2]["name"] == "musl");
  CHECK(doc["packages"][1].dump() ==
        R"({"name":"libcrypto1.1","version":"1.1.1c-r0","type":"apk","arch":"x86_64",)"
        R"("ecosystem":"Alpine:v3.10",)"
        R"("source_name":"openssl","source_version":"1.1.1c-r0",)"
        R"("purl":"pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64&distro=3.10.9",)"
        R"("path":"/lib/apk/db/installed","layer":"sha256:diff1"})");

  auto& v = doc["vulnerabilities"];
  REQUIRE(v.size() == 4);
  // Severity desc, then package, then id.
  CHECK(v[0]["id"] == "CVE-2019-14697");
  CHECK(v[1]["id"] == "CVE-2019-1547");
  CHECK(v[2]["id"] == "CVE-2019-1549");
  CHECK(v[3]["id"] == "CVE-2021-0000");
  CHECK(
      v[0].dump() ==
      R"({"id":"CVE-2019-14697","advisory_id":"ALPINE-CVE-2019-14697","aliases":["CVE-2019-14697"],)"
      R"("package":"musl","installed_version":"1.1.22-r3","fixed_version":"1.1.22-r3x","status":"fixed",)"
      R"("severity":"CRITICAL","cvss_score":9.8,"layer":"sha256:diff1",)"
      R"("links":["https://security.alpinelinux.org/vuln/CVE-2019-14697"],)"
      R"("ecosystem":"","purl":"","path":""})");
  CHECK(v[3]["fixed_version"] == "");
  CHECK(v[3]["status"] == "affected");
  CHECK(v[3]["severity"] == "UNKNOWN");
  CHECK(v[3]["cvss_score"].is_null());
  CHECK(v[1]["cvss_score"].is_number_float());
  CHECK(v[1]["cvss_score"].get<double>() == Approx(4.7));

  CHECK(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0].is_string());
  CHECK(doc["db"].dump() == R"({"built":"2024-01-02T03:04:05Z"})");
  CHECK(doc["summary"].dump() ==
        R"({"critical":1,"high":0,"medium":2,"low":0,"unknown":1,"total":4})");
  // Pretty-printed with a 2-space indent.
  CHECK(text.rfind("{\n  \"schema_version\": 1,\n  \"target\": {\n    \"kind\": ", 0) == 0);
}

TEST_CASE("json report: empty result still has every key; bad UTF-8 never throws") {
  model::ScanResult r;
  r.warnings.push_back(std::string("bad \xff byte"));
  std::ostringstream out;
  REQUIRE_NOTHROW(write_json(r, out));
  auto doc = nlohmann::json::parse(out.str());
  CHECK(doc["packages"].is_array());
  CHECK(doc["packages"].empty());
  CHECK(doc["vulnerabilities"].is_array());
  CHECK(doc["layers"].is_array());
  CHECK(doc["target"]["os"]["ecosystem"] == "");
  CHECK(doc["db"]["built"] == "");
  CHECK(doc["summary"]["total"] == 0);
  CHECK(doc["warnings"][0] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("json report output is independent of input order") {
  auto a = sample();
  auto b = sample();
  std::reverse(b.packages.begin(), b.packages.end());
  std::reverse(b.findings.begin(), b.findings.end());
  std::ostringstream oa, ob;
  write_json(a, oa);
  write_json(b, ob);
  CHECK(oa.str() == ob.str());
}

TEST_CASE("table report: golden text") {
  std::ostringstream out;
  write_table(sample(), out, false);
  CHECK(out.str() ==
        "testdata/demo/alpine-3.10.tar.gz (alpine 3.10.9), 3 packages\n"
        "\n"
        "alpine 3.10.9 (apk)\n"
        "===================\n"
        "Total: 4 (CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, UNKNOWN: 1)\n"
        "\n"
        "PACKAGE       INSTALLED  FIXED       VULNERABILITY   SEVERITY\n"
        "musl          1.1.22-r3  1.1.22-r3x  CVE-2019-14697  CRITICAL\n"
        "libcrypto1.1  1.1.1c-r0  1.1.1d-r0   CVE-2019-1547   MEDIUM\n"
        "libcrypto1.1  1.1.1c-r0  1.1.1d-r0   CVE-2019-1549   MEDIUM\n"
        "busybox       1.30.1-r2  -           CVE-2021-0000   UNKNOWN\n"
        "\n"
        "WARNINGS (1):\n"
        "  ! layer sha256:diff1: skipped an apk entry at line 3 without V: (version)\n"
        "\n"
        "Total: 4 (CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, UNKNOWN: 1)\n");
}

TEST_CASE("table report: --hide-base leaves out the base image's findings and counts them") {
  auto r = sample();
  r.warnings.clear();
  for (auto& f : r.findings) {
    f.in_base_image = f.package != "busybox";
  }
  std::ostringstream out;
  write_table(r, out, false, true);
  CHECK(out.str() ==
        "testdata/demo/alpine-3.10.tar.gz (alpine 3.10.9), 3 packages\n"
        "\n"
        "alpine 3.10.9 (apk)\n"
        "===================\n"
        "Total: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 1)\n"
        "\n"
        "PACKAGE  INSTALLED  FIXED  VULNERABILITY  SEVERITY\n"
        "busybox  1.30.1-r2  -      CVE-2021-0000  UNKNOWN\n"
        "\n"
        "3 findings of the base image not shown (--hide-base)\n"
        "\n"
        "Total: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 1)\n");
  // without --hide-base, or without a base (in_base_image unset), the table is the usual one
  std::ostringstream all, plain;
  write_table(r, all, false, false);
  auto unmarked = sample();
  unmarked.warnings.clear();
  write_table(unmarked, plain, false, true);
  std::ostringstream want;
  write_table(unmarked, want, false);
  CHECK(all.str() == want.str());
  CHECK(plain.str() == want.str());
}

TEST_CASE("table report: one section per target, OS packages first") {
  auto r = sample();
  r.warnings.clear();
  auto lang = [](std::string name, std::string version, std::string type, std::string location) {
    model::Package p;
    p.name = std::move(name);
    p.version = std::move(version);
    p.type = std::move(type);
    p.location = std::move(location);
    return p;
  };
  const std::string metadata =
      "/usr/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA";
  r.packages.push_back(lang("requests", "2.25.0", "python", metadata));
  r.packages.push_back(lang("lodash", "4.17.4", "npm", "/app/package-lock.json"));
  r.packages.push_back(lang("minimist", "1.2.0", "npm", "/app/package-lock.json"));
  r.packages.push_back(lang("left-pad", "1.0.0", "npm", "/srv/package-lock.json"));  // clean
  auto in = [](model::Finding f, std::string path) {
    f.path = std::move(path);
    return f;
  };
  r.findings.push_back(
      in(finding("CVE-2021-23337", "lodash", "4.17.4", "4.17.21", model::Severity::high),
         "/app/package-lock.json"));
  r.findings.push_back(
      in(finding("CVE-2020-7598", "minimist", "1.2.0", "1.2.2", model::Severity::medium),
         "/app/package-lock.json"));
  r.findings.push_back(
      in(finding("CVE-2023-32681", "requests", "2.25.0", "2.31.0", model::Severity::medium),
         metadata));
  // An OS package's finding names its database: it stays in the OS section.
  r.findings[0].path = "/lib/apk/db/installed";
  std::ostringstream out;
  write_table(r, out, false);
  CHECK(out.str() ==
        "testdata/demo/alpine-3.10.tar.gz (alpine 3.10.9), 7 packages\n"
        "\n"
        "alpine 3.10.9 (apk)\n"
        "===================\n"
        "Total: 4 (CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, UNKNOWN: 1)\n"
        "\n"
        "PACKAGE       INSTALLED  FIXED       VULNERABILITY   SEVERITY\n"
        "musl          1.1.22-r3  1.1.22-r3x  CVE-2019-14697  CRITICAL\n"
        "libcrypto1.1  1.1.1c-r0  1.1.1d-r0   CVE-2019-1547   MEDIUM\n"
        "libcrypto1.1  1.1.1c-r0  1.1.1d-r0   CVE-2019-1549   MEDIUM\n"
        "busybox       1.30.1-r2  -           CVE-2021-0000   UNKNOWN\n"
        "\n"
        "/app/package-lock.json (npm)\n"
        "============================\n"
        "Total: 2 (CRITICAL: 0, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0)\n"
        "\n"
        "PACKAGE   INSTALLED  FIXED    VULNERABILITY   SEVERITY\n"
        "lodash    4.17.4     4.17.21  CVE-2021-23337  HIGH\n"
        "minimist  1.2.0      1.2.2    CVE-2020-7598   MEDIUM\n"
        "\n"
        "/usr/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA (python)\n"
        "=============================================================================\n"
        "Total: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, UNKNOWN: 0)\n"
        "\n"
        "PACKAGE   INSTALLED  FIXED   VULNERABILITY   SEVERITY\n"
        "requests  2.25.0     2.31.0  CVE-2023-32681  MEDIUM\n"
        "\n"
        "Total: 7 (CRITICAL: 1, HIGH: 1, MEDIUM: 4, LOW: 0, UNKNOWN: 1)\n");

  // Only language findings: no OS section.
  std::erase_if(r.findings, [](const model::Finding& f) {
    return f.path.empty() || f.path == "/lib/apk/db/installed";
  });
  std::ostringstream lang_only;
  write_table(r, lang_only, false);
  CHECK(lang_only.str().find("alpine 3.10.9 (apk)\n") == std::string::npos);
  CHECK(lang_only.str().rfind("\nTotal: 3 (CRITICAL: 0, HIGH: 1, MEDIUM: 2,") != std::string::npos);
}

TEST_CASE("table report: colours only severities and warnings") {
  std::ostringstream out;
  write_table(sample(), out, true);
  auto text = out.str();
  CHECK(text.find("\033[1;31mCRITICAL\033[0m\n") != std::string::npos);
  CHECK(text.find("\033[33mMEDIUM\033[0m\n") != std::string::npos);
  CHECK(text.find("  UNKNOWN\n") != std::string::npos);
  CHECK(text.find("\033[1;33mWARNINGS (1):\033[0m\n") != std::string::npos);
  CHECK(text.find("PACKAGE       INSTALLED") != std::string::npos);  // alignment unchanged
}

TEST_CASE("table report: no findings, with and without warnings") {
  auto r = sample();
  r.findings.clear();
  r.warnings.clear();
  std::ostringstream clean;
  write_table(r, clean, false);
  CHECK(clean.str() ==
        "testdata/demo/alpine-3.10.tar.gz (alpine 3.10.9), 3 packages\n"
        "\n"
        "No vulnerabilities found\n"
        "\n"
        "Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n");

  r.warnings = {
      "the vulnerability database has no records for Alpine:v3.10: findings cannot be "
      "reported for this image"};
  r.target.os = {};
  r.packages.resize(1);
  std::ostringstream warned;
  write_table(r, warned, false);
  CHECK(warned.str() ==
        "testdata/demo/alpine-3.10.tar.gz (OS: unknown), 1 package\n"
        "\n"
        "No vulnerabilities found, but read the 1 warning below\n"
        "\n"
        "WARNINGS (1):\n"
        "  ! the vulnerability database has no records for Alpine:v3.10: findings cannot be "
        "reported for this image\n"
        "\n"
        "Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n");
}

TEST_CASE("severity helpers") {
  auto r = sample();
  auto c = count_by_severity(r);
  CHECK(c.critical == 1);
  CHECK(c.medium == 2);
  CHECK(c.unknown == 1);
  CHECK(c.total == 4);
  CHECK(highest_severity(r) == model::Severity::critical);
  CHECK(has_findings_at_or_above(r, model::Severity::critical));
  r.findings.erase(r.findings.begin() + 1);  // drop the critical one
  CHECK(highest_severity(r) == model::Severity::medium);
  CHECK_FALSE(has_findings_at_or_above(r, model::Severity::high));
  CHECK(has_findings_at_or_above(r, model::Severity::medium));
  CHECK(has_findings_at_or_above(r, model::Severity::unknown));
  r.findings.clear();
  CHECK_FALSE(highest_severity(r).has_value());
  CHECK_FALSE(has_findings_at_or_above(r, model::Severity::unknown));
}
