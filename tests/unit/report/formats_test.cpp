// The document writers: SARIF, CycloneDX, SPDX, JUnit. Their mapping (report.hpp), determinism,
// suppressed findings, escaping; and each fixture's output against the official schema
// (third_party/schemas, through tests/golden/validate_report.py when python3-jsonschema is
// installed).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/report.hpp"

using namespace strata;
using namespace strata::report;
using Json = nlohmann::json;

namespace {

model::Package package(std::string name, std::string version, std::string type = "apk",
                       std::string location = "/lib/apk/db/installed") {
  model::Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.type = std::move(type);
  p.source_name = p.name;
  p.source_version = p.version;
  p.purl = "pkg:" + p.type + "/alpine/" + p.name + "@" + p.version;
  p.layer = "sha256:diff1";
  p.location = std::move(location);
  return p;
}

model::Finding finding(std::string id, const model::Package& p, std::string fixed,
                       model::Severity sev, std::optional<double> score = std::nullopt) {
  model::Finding f;
  f.id = std::move(id);
  f.advisory_id = "ALPINE-" + f.id;
  f.package = p.name;
  f.source_name = p.name;
  f.installed_version = p.version;
  f.fixed_version = std::move(fixed);
  f.severity = sev;
  f.cvss_score = score;
  if (score) {
    f.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  }
  f.summary = f.id + " summary";
  f.published = "2019-09-27T15:21:47Z";
  f.layer = p.layer;
  f.links = {"https://osv.dev/vulnerability/" + f.advisory_id};
  f.purl = p.purl;
  f.path = p.location;
  return f;
}

model::ScanResult sample() {
  model::ScanResult r;
  r.target.kind = "docker-archive";
  r.target.name = "demo/alpine <3.10> & \"x\"";
  r.target.digest = "sha256:" + std::string(64, 'a');
  r.target.os = {"alpine", "3.10.9", "Alpine:v3.10", "Alpine Linux v3.10"};
  auto musl = package("musl", "1.1.22-r3");
  auto ssl = package("libssl1.1", "1.1.1d-r0");
  musl.license = "MIT";
  ssl.license = "OpenSSL";
  auto npm = package("lodash", "4.17.4", "npm", "/app/package-lock.json");
  npm.in_base_image = false;
  r.packages = {npm, musl, ssl};
  r.findings = {finding("CVE-2019-14697", musl, "1.1.22-r4", model::Severity::critical, 9.8),
                finding("CVE-2019-1549", ssl, "1.1.1d-r1", model::Severity::medium, 5.3),
                finding("CVE-2019-1551", ssl, "", model::Severity::low),
                finding("GHSA-jf85-cpcp-j695", npm, "4.17.12", model::Severity::high, 9.1)};
  r.findings[2].suppressed = model::Finding::Suppression{"vex", "vulnerable_code_not_present"};
  r.findings[3].in_base_image = false;
  r.findings[3].description = "bad \xff UTF-8 <and> & \x01 control";
  return r;
}

DocumentInfo info() {
  return DocumentInfo{1700000000, "9.9.9"};
}

std::string sarif(const model::ScanResult& r) {
  std::ostringstream out;
  write_sarif(r, info(), out);
  return out.str();
}
std::string cyclonedx(const model::ScanResult& r) {
  std::ostringstream out;
  write_cyclonedx(r, info(), out);
  return out.str();
}
std::string spdx(const model::ScanResult& r) {
  std::ostringstream out;
  write_spdx(r, info(), out);
  return out.str();
}
std::string junit(const model::ScanResult& r, std::optional<model::Severity> fail_on) {
  std::ostringstream out;
  write_junit(r, info(), fail_on, out);
  return out.str();
}

// Validates `text` as FORMAT with tests/golden/validate_report.py under Debian's python3 and its
// python3-jsonschema (scripts/install-deps.sh --test); false, with a message, when it is missing.
bool schema_valid(const std::string& format, const std::string& text) {
  if (std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
    FAIL_CHECK("python3-jsonschema is not installed (scripts/install-deps.sh --test): "
               << format << " not validated");
    return false;
  }
  std::string src = STRATA_TESTDATA_DIR "/..";
  char tmpl[] = "/tmp/strata-formats-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  std::ofstream(tmpl) << text;
  std::string cmd = "/usr/bin/python3 " + src + "/tests/golden/validate_report.py " + src +
                    "/third_party/schemas " + format + " " + tmpl;
  int rc = std::system(cmd.c_str());
  std::remove(tmpl);
  return rc == 0;
}

std::vector<model::Finding> reversed(std::vector<model::Finding> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("sarif: rules, results, levels, locations, suppressions") {
  auto text = sarif(sample());
  auto doc = Json::parse(text);
  CHECK(doc["version"] == "2.1.0");
  const auto& run = doc["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "strata");
  CHECK(run["tool"]["driver"]["version"] == "9.9.9");
  CHECK(run["invocations"][0]["endTimeUtc"] == "2023-11-14T22:13:20Z");
  const auto& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 4);
  CHECK(rules[0]["id"] == "CVE-2019-14697");  // CRITICAL first
  CHECK(rules[0]["properties"]["security-severity"] == "9.8");
  CHECK(rules[0]["properties"]["tags"][2] == "CRITICAL");
  CHECK(rules[0]["help"]["text"].get<std::string>().find("fixed in 1.1.22-r4") !=
        std::string::npos);
  CHECK_FALSE(rules[3]["properties"].contains("security-severity"));  // no score
  const auto& results = run["results"];
  REQUIRE(results.size() == 4);
  CHECK(results[0]["level"] == "error");
  CHECK(results[1]["level"] == "error");  // HIGH
  CHECK(results[2]["level"] == "warning");
  CHECK(results[3]["level"] == "note");
  CHECK(results[1]["ruleIndex"] == 1);
  CHECK(results[0]["message"]["text"].get<std::string>().find("musl 1.1.22-r3") !=
        std::string::npos);
  const auto& loc = results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(loc["uri"] == "lib/apk/db/installed");
  CHECK(loc["uriBaseId"] == "ROOTFS");
  CHECK(results[1]["properties"]["in_base_image"] == false);
  CHECK_FALSE(results[0]["properties"].contains("in_base_image"));
  CHECK(results[3]["suppressions"][0]["justification"] == "vex: vulnerable_code_not_present");
  CHECK_FALSE(results[0].contains("suppressions"));
  CHECK(schema_valid("sarif", text));
}

TEST_CASE("cyclonedx: metadata, components, vulnerabilities, analysis") {
  auto text = cyclonedx(sample());
  auto doc = Json::parse(text);
  CHECK(doc["specVersion"] == "1.5");
  CHECK(doc["serialNumber"].get<std::string>().starts_with("urn:uuid:"));
  CHECK(doc["metadata"]["timestamp"] == "2023-11-14T22:13:20Z");
  CHECK(doc["metadata"]["component"]["type"] == "container");
  CHECK(doc["metadata"]["component"]["hashes"][0]["content"] == std::string(64, 'a'));
  const auto& comps = doc["components"];
  REQUIRE(comps.size() == 4);
  CHECK(comps[0]["type"] == "operating-system");
  CHECK(comps[1]["name"] == "libssl1.1");  // sorted by name
  CHECK(comps[1]["bom-ref"] == "pkg:apk/alpine/libssl1.1@1.1.1d-r0");
  CHECK(comps[1]["properties"][1] == Json{{"name", "strata:layer"}, {"value", "sha256:diff1"}});
  CHECK(comps[1]["licenses"] == Json::parse(R"([{"license": {"name": "OpenSSL"}}])"));
  CHECK(comps[3]["name"] == "musl");
  CHECK(comps[3]["licenses"][0]["license"]["name"] == "MIT");
  CHECK_FALSE(comps[2].contains("licenses"));  // lodash: npm, no license in a database
  const auto& vulns = doc["vulnerabilities"];
  REQUIRE(vulns.size() == 4);
  CHECK(vulns[0]["id"] == "CVE-2019-14697");
  CHECK(vulns[0]["source"]["url"] == "https://osv.dev/vulnerability/ALPINE-CVE-2019-14697");
  CHECK(vulns[0]["ratings"][0]["method"] == "CVSSv31");
  CHECK(vulns[0]["ratings"][0]["score"] == 9.8);
  CHECK(vulns[0]["recommendation"] == "Upgrade musl to 1.1.22-r4");
  CHECK(vulns[0]["affects"][0]["ref"] == "pkg:apk/alpine/musl@1.1.22-r3");
  CHECK(vulns[3]["analysis"]["state"] == "not_affected");
  CHECK(vulns[3]["analysis"]["justification"] == "code_not_present");
  CHECK_FALSE(vulns[0].contains("analysis"));
  CHECK(schema_valid("cyclonedx", text));
}

TEST_CASE("cyclonedx: two packages with one purl get distinct bom-refs") {
  auto r = sample();
  auto copy = package("lodash", "4.17.4", "npm", "/other/package-lock.json");
  r.packages.push_back(copy);
  r.findings.push_back(finding("GHSA-jf85-cpcp-j695", copy, "4.17.12", model::Severity::high));
  auto text = cyclonedx(r);
  auto doc = Json::parse(text);
  std::set<std::string> refs;
  for (const auto& c : doc["components"]) {
    CHECK(refs.insert(c["bom-ref"].get<std::string>()).second);
  }
  CHECK(schema_valid("cyclonedx", text));
}

TEST_CASE("spdx: root package, purls, relationships, deterministic namespace") {
  auto text = spdx(sample());
  auto doc = Json::parse(text);
  CHECK(doc["spdxVersion"] == "SPDX-2.3");
  CHECK(doc["creationInfo"]["created"] == "2023-11-14T22:13:20Z");
  const auto& pkgs = doc["packages"];
  REQUIRE(pkgs.size() == 5);
  CHECK(pkgs[0]["SPDXID"] == "SPDXRef-Image");
  CHECK(pkgs[0]["primaryPackagePurpose"] == "CONTAINER");
  CHECK(pkgs[2]["externalRefs"][0]["referenceType"] == "purl");
  CHECK(pkgs[2]["externalRefs"][0]["referenceCategory"] == "PACKAGE-MANAGER");
  CHECK(pkgs[2]["downloadLocation"] == "NOASSERTION");
  const auto& rel = doc["relationships"];
  REQUIRE(rel.size() == 5);
  CHECK(rel[0]["relationshipType"] == "DESCRIBES");
  CHECK(rel[4]["relationshipType"] == "CONTAINS");
  CHECK(doc["documentNamespace"].get<std::string>().starts_with(
      "https://spdx.org/spdxdocs/strata/demo-alpine--3.10-----x--"));
  auto other = sample();
  other.packages.pop_back();
  CHECK(Json::parse(spdx(other))["documentNamespace"] != doc["documentNamespace"]);
  CHECK(schema_valid("spdx", text));
}

TEST_CASE("junit: one suite per target, failures at or above --fail-on, escaping") {
  auto text = junit(sample(), std::nullopt);
  CHECK(
      text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"strata\" "
                       "tests=\"3\" failures=\"3\""));
  CHECK(text.find("<testsuite name=\"alpine 3.10.9 (apk)\" tests=\"2\" failures=\"2\"") !=
        std::string::npos);
  CHECK(text.find("<testsuite name=\"/app/package-lock.json (npm)\" tests=\"1\" failures=\"1\"") !=
        std::string::npos);
  CHECK(text.find("name=\"musl@1.1.22-r3\"") != std::string::npos);
  CHECK(text.find("CVE-2019-14697 CRITICAL installed 1.1.22-r3 fixed 1.1.22-r4\n") !=
        std::string::npos);
  CHECK(text.find("CVE-2019-1551") == std::string::npos);  // suppressed
  auto high = junit(sample(), model::Severity::high);
  CHECK(high.find("tests=\"3\" failures=\"2\"") != std::string::npos);  // libssl: MEDIUM only
  auto r = sample();
  r.packages[0].name = "a<b>&\"c'\x01\xff";
  r.findings[3].package = r.packages[0].name;
  auto escaped = junit(r, std::nullopt);
  CHECK(escaped.find("name=\"a&lt;b&gt;&amp;&quot;c&apos;\xEF\xBF\xBD\xEF\xBF\xBD@4.17.4\"") !=
        std::string::npos);
  CHECK(schema_valid("junit", escaped));
}

TEST_CASE("document formats: same input in another order, same bytes") {
  auto a = sample();
  auto b = sample();
  std::reverse(b.packages.begin(), b.packages.end());
  b.findings = reversed(b.findings);
  CHECK(sarif(a) == sarif(b));
  CHECK(cyclonedx(a) == cyclonedx(b));
  CHECK(spdx(a) == spdx(b));
  CHECK(junit(a, std::nullopt) == junit(b, std::nullopt));
}

TEST_CASE("document formats: an empty result is schema-valid") {
  model::ScanResult r;
  CHECK(schema_valid("sarif", sarif(r)));
  CHECK(schema_valid("cyclonedx", cyclonedx(r)));
  CHECK(schema_valid("spdx", spdx(r)));
  CHECK(junit(r, std::nullopt) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"strata\" tests=\"0\" "
        "failures=\"0\" errors=\"0\" time=\"0\">\n</testsuites>\n");
}
