#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "report/report.hpp"

using namespace strata;
using namespace strata::report;

namespace {

model::ScanResult image_with_history() {
  model::ScanResult r;
  r.target.kind = "registry";
  r.target.config_digest = "sha256:c0ffee";
  r.target.digest = "sha256:d1e5e1";
  r.target.os = {"debian", "12", "Debian:12", "Debian GNU/Linux 12 (bookworm)"};
  r.target.history = {{"ADD rootfs.tar /", false},
                      {"ENV A=1", true},
                      {"RUN apt-get install -y curl", false},
                      {"CMD [\"bash\"]", true}};
  r.target.env = {"PATH=/usr/bin", "A=1"};
  r.target.labels = {{"org.example.team", "infra"}};
  r.target.created = "2024-05-06T07:08:09.123Z";
  for (int i = 1; i <= 2; ++i) {
    model::LayerInfo l;
    l.digest = "sha256:blob" + std::to_string(i);
    l.diff_id = "sha256:diff" + std::to_string(i);
    l.size = 1000u * static_cast<unsigned>(i);
    r.layers.push_back(l);
  }
  model::Package libc{"libc6",          "2.36-9", "dpkg", "Debian:12",    "glibc",
                      "2.36-9+deb12u1", "amd64",  "",     "sha256:diff1", "",
                      std::nullopt,     ""};
  model::Package curl{"curl",  "7.88.1-10", "dpkg",         "Debian:12", "curl",       "7.88.1-10",
                      "amd64", "",          "sha256:diff2", "",          std::nullopt, ""};
  r.packages = {libc, curl};
  model::Finding f1;
  f1.id = "CVE-2024-0001";
  f1.package = "libc6";
  f1.installed_version = "2.36-9";
  f1.fixed_version = "2.36-9+deb12u2";
  f1.severity = model::Severity::critical;
  f1.cvss_score = 9.8;
  f1.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  f1.published = "2024-01-01T00:00:00Z";
  f1.modified = "2024-01-02T00:00:00+01:00";
  f1.links = {"https://security-tracker.debian.org/tracker/CVE-2024-0001", "https://x"};
  f1.layer = "sha256:diff1";
  model::Finding f2;
  f2.id = "CVE-2024-0002";
  f2.package = "curl";
  f2.installed_version = "7.88.1-10";
  f2.severity = model::Severity::unknown;
  f2.summary = "curl problem";
  f2.layer = "sha256:diff2";
  r.findings = {f1, f2};
  r.db_built = "2026-11-20T00:00:00Z";
  r.os_data = true;
  return r;
}

nlohmann::json render(const model::ScanResult& r, NeuVectorOptions o) {
  std::ostringstream out;
  write_neuvector(r, o, out);
  return nlohmann::json::parse(out.str());
}

}  // namespace

TEST_CASE("neuvector envelope: header fields and vulnerabilities") {
  NeuVectorOptions o{"https://reg.example/", "team/app", "1.0", false, false};
  auto doc = render(image_with_history(), o);
  CHECK(doc["error_message"] == "");
  const auto& r = doc["report"];
  CHECK(r["image_id"] == "c0ffee");
  CHECK(r["registry"] == "https://reg.example/");
  CHECK(r["repository"] == "team/app");
  CHECK(r["tag"] == "1.0");
  CHECK(r["digest"] == "sha256:d1e5e1");
  CHECK(r["size"] == 3000);
  CHECK(r["base_os"] == "debian:12");
  CHECK(r["os_scan_status"] == "OSScanStatusSupported");
  CHECK(r["layers"].empty());
  CHECK(r["cmds"] == nlohmann::json::array({"CMD [\"bash\"]", "RUN apt-get install -y curl",
                                            "ENV A=1", "ADD rootfs.tar /"}));
  CHECK(r["labels"]["org.example.team"] == "infra");
  REQUIRE(r["vulnerabilities"].size() == 2);
  const auto& v = r["vulnerabilities"][0];  // critical first
  CHECK(v["name"] == "CVE-2024-0001");
  CHECK(v["severity"] == "High");  // Critical only with cap_critical
  CHECK(v["feed_rating"] == "CRITICAL");
  CHECK(v["package_name"] == "glibc/libc6");
  CHECK(v["package_version"] == "2.36-9+deb12u1");
  CHECK(v["fixed_version"] == "2.36-9+deb12u2");
  CHECK(v["score_v3"] == 9.8);
  CHECK(v["link"] == "https://security-tracker.debian.org/tracker/CVE-2024-0001");
  CHECK(v["published_timestamp"] == 1704067200);
  CHECK(v["last_modified_timestamp"] == 1704150000);
  const auto& u = r["vulnerabilities"][1];
  CHECK(u["package_name"] == "curl");  // source == binary: no "curl/curl"
  CHECK(u["fixed_version"] == "");
  CHECK(u["severity"] == "Unknown");
  CHECK(u["description"] == "curl problem");
  CHECK(u["published_timestamp"] == 0);
  // modules: every package, with statuses
  REQUIRE(r["modules"].size() == 2);
  CHECK(r["modules"][0]["name"] == "curl");
  CHECK(r["modules"][0]["cves"][0]["status"] == "unpatched");
  CHECK(r["modules"][1]["cves"][0]["status"] == "fix exists");
  CHECK(r["modules"][1]["source"] == "debian:12");
}

TEST_CASE("neuvector envelope: cap_critical and per-layer rows, newest first") {
  NeuVectorOptions o{"", "app", "latest", true, true};
  auto r = render(image_with_history(), o)["report"];
  CHECK(r["vulnerabilities"][0]["severity"] == "Critical");
  REQUIRE(r["layers"].size() == 4);  // one row per history step
  CHECK(r["layers"][0]["digest"] == "");
  CHECK(r["layers"][0]["cmds"] == "CMD [\"bash\"]");
  CHECK(r["layers"][1]["digest"] == "sha256:blob2");
  CHECK(r["layers"][1]["size"] == 2000);
  REQUIRE(r["layers"][1]["vulnerabilities"].size() == 1);
  CHECK(r["layers"][1]["vulnerabilities"][0]["name"] == "CVE-2024-0002");
  CHECK(r["layers"][2]["digest"] == "");
  CHECK(r["layers"][3]["digest"] == "sha256:blob1");
  CHECK(r["layers"][3]["vulnerabilities"][0]["name"] == "CVE-2024-0001");
}

TEST_CASE("neuvector envelope: history that does not fit the layers gives one row per layer") {
  auto result = image_with_history();
  result.target.history.pop_back();
  result.target.history.push_back({"RUN extra", false});  // 3 non-empty steps for 2 layers
  result.layers[1].created_by = "RUN apt-get install -y curl";
  auto r = render(result, NeuVectorOptions{"", "app", "1", false, true})["report"];
  REQUIRE(r["layers"].size() == 2);
  CHECK(r["layers"][0]["digest"] == "sha256:blob2");
  CHECK(r["layers"][0]["cmds"] == "RUN apt-get install -y curl");
}

TEST_CASE("neuvector envelope: status without OS or data, and the error form") {
  auto result = image_with_history();
  result.os_data = false;
  CHECK(render(result, {})["report"]["os_scan_status"] == "OSScanStatusUnsupported");
  result.target.os = {};
  CHECK(render(result, {})["report"]["os_scan_status"] == "OSScanStatusUnknown");
  CHECK(render(result, {})["report"]["base_os"] == "");
  std::ostringstream out;
  write_neuvector_error("registry.example/app:1: image not found (HTTP 404)", out);
  auto doc = nlohmann::json::parse(out.str());
  CHECK(doc["error_message"] == "registry.example/app:1: image not found (HTTP 404)");
  CHECK(doc["report"].is_null());
}
