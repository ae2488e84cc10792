// Set-id files and secrets merged across layers, and the CIS image items (NeuVector's checks).
#include <catch2/catch.hpp>

#include "scan/image_checks.hpp"

using namespace strata;

namespace {

layer::LayerAnalysis layer_n(int n) {
  layer::LayerAnalysis l;
  l.diff_id = "sha256:l" + std::to_string(n);
  return l;
}

void add_entry(layer::LayerAnalysis& l, const std::string& path) {
  l.entry_hashes.push_back(layer::entry_hash(path));
  std::sort(l.entry_hashes.begin(), l.entry_hashes.end());
}

model::Secret secret(const std::string& path, std::uint32_t line) {
  model::Secret s;
  s.rule_id = "github-pat";
  s.title = "GitHub Personal Access Token";
  s.path = path;
  s.line = line;
  s.match = "ghp_*****";
  return s;
}

}  // namespace

TEST_CASE("set-id files of the final image: later layers remove, replace or chmod them",
          "[checks]") {
  auto l1 = layer_n(1), l2 = layer_n(2), l3 = layer_n(3);
  for (const char* p : {"/usr/bin/su", "/usr/bin/passwd", "/usr/bin/wall", "/opt/x/tool"}) {
    l1.setid.push_back(model::SetidFile{p, 04755, "root", ""});
    add_entry(l1, p);
  }
  add_entry(l2, "/usr/bin/passwd");  // chmod u-s: a new entry without the bit
  l2.whiteouts.push_back("/usr/bin/wall");
  l3.opaque_dirs.push_back("/opt/x");
  l3.setid.push_back(model::SetidFile{"/usr/bin/newgrp", 02755, "root", ""});
  add_entry(l3, "/usr/bin/newgrp");
  auto got = scan::image_setid_files({l1, l2, l3});
  REQUIRE(got.size() == 2);
  CHECK(got[0] == model::SetidFile{"/usr/bin/newgrp", 02755, "root", "sha256:l3"});
  CHECK(got[1] == model::SetidFile{"/usr/bin/su", 04755, "root", "sha256:l1"});
}

TEST_CASE("secrets keep their layer and are marked deleted when a later layer removes the file",
          "[checks]") {
  auto l1 = layer_n(1), l2 = layer_n(2);
  l1.secrets = {secret("/root/.netrc", 2), secret("/app/.env", 1), secret("/app/config", 4)};
  l2.whiteouts.push_back("/root/.netrc");
  add_entry(l2, "/app/config");  // overwritten: the old content is still in layer 1's blob
  auto got = scan::image_secrets({l1, l2});
  REQUIRE(got.size() == 3);
  CHECK((got[0].path == "/app/.env" && !got[0].deleted && got[0].layer == "sha256:l1"));
  CHECK((got[1].path == "/app/config" && got[1].deleted));
  CHECK((got[2].path == "/root/.netrc" && got[2].deleted));
}

TEST_CASE("image checks: root user, no HEALTHCHECK, set-id files, ADD, secrets", "[checks]") {
  model::ScanResult r;
  r.target.kind = "oci-layout";
  r.target.history = {{"/bin/sh -c #(nop) ADD file:abc in / ", false},
                      {"/bin/sh -c #(nop)  CMD [\"sh\"]", true}};
  auto ids = [](const std::vector<model::Check>& checks) {
    std::vector<std::string> out;
    for (const auto& c : checks) {
      out.push_back(c.test_number);
    }
    return out;
  };
  // A base image: root, no healthcheck, its rootfs ADD does not count.
  CHECK(ids(scan::image_checks(r)) == std::vector<std::string>{"I.4.1", "I.4.6"});
  r.target.user = "app:app";
  r.target.healthcheck = true;
  CHECK(scan::image_checks(r).empty());
  r.target.user = "0:0";
  r.target.history.push_back({"ADD https://example.org/x.tgz /opt/ # buildkit", false});
  r.setid = {model::SetidFile{"/usr/bin/su", 04755, "root", "sha256:l1"}};
  r.secrets = {secret("/app/.env", 3)};
  auto checks = scan::image_checks(r);
  CHECK(ids(checks) == std::vector<std::string>{"I.4.1", "I.4.8", "I.4.9", "I.4.10"});
  CHECK(checks[1].evidence == "urwxr-xr-x");
  CHECK(checks[1].message == std::vector<std::string>{"File /usr/bin/su has setuid mode: "
                                                      "urwxr-xr-x"});
  CHECK(checks[1].profile == "Level 2");
  CHECK(checks[3].type == "secret");
  CHECK(checks[3].location == "/app/.env");
  CHECK(checks[3].evidence == "ghp_*****");
  // A tree has no image config: only the file items.
  r.target.kind = "rootfs";
  CHECK(ids(scan::image_checks(r)) == std::vector<std::string>{"I.4.8", "I.4.10"});
  CHECK(model::setid_mode_string(06750) == "ugrwxr-x---");
  CHECK(model::setid_kind(06750) == "setuid setgid");
}
