// db update against the in-process TestHttpServer serving the real demo OSV exports: conditional
// requests, fallbacks, faults (the database untouched), and bundles.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "support/test_http_server.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "vulndb/bundle.hpp"
#include "vulndb/database.hpp"
#include "vulndb/import.hpp"
#include "vulndb/update.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

const std::string k_alpine_zip =
    std::string(STRATA_TESTDATA_DIR) + "/demo/osv-alpine-v3.10/all.zip";

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-update") {}
};

std::string read_all(const std::string& path) {
  auto r = util::read_file(path);
  REQUIRE(r.ok());
  return *r;
}

// Serves /Alpine/all.zip with an ETag, answering If-None-Match with 304.
test::Handler export_server(const std::string& zip) {
  const std::string etag = "\"" + util::sha256_hex(zip).substr(0, 16) + "\"";
  return [zip, etag](const test::RecordedRequest& req) {
    if (req.target != "/Alpine/all.zip") {
      return test::text_response(404, "not found");
    }
    if (req.header("If-None-Match") == etag) {
      return test::ScriptedResponse{304, {{"ETag", etag}}, ""};
    }
    return test::ScriptedResponse{
        200, {{"ETag", etag}, {"Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"}}, zip};
  };
}

vulndb::UpdateOptions options(const std::string& dir, std::vector<std::string> sources) {
  vulndb::UpdateOptions o;
  o.db_dir = dir;
  o.sources = std::move(sources);
  o.ecosystems = {"Alpine"};
  o.http.retries = 1;
  o.http.sleep = [](std::chrono::milliseconds) {};
  return o;
}

std::vector<std::string> temp_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (name.starts_with(".download-") || name.find(".tmp.") != std::string::npos) {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("export_url percent-encodes the ecosystem directory") {
  CHECK(vulndb::export_url("https://h/b/", "Rocky Linux") == "https://h/b/Rocky%20Linux/all.zip");
  CHECK(vulndb::export_url("http://h", "crates.io") == "http://h/crates.io/all.zip");
  CHECK(vulndb::export_url("http://h", "Red Hat") == "http://h/Red%20Hat/all.zip");
}

TEST_CASE("db update downloads, then sends If-None-Match and keeps the records on 304") {
  TempDir tmp;
  const std::string zip = read_all(k_alpine_zip);
  auto server = test::TestHttpServer::start_tcp(export_server(zip));
  auto o = options(tmp.path, {server->base_url()});
  o.ecosystems = {"Alpine", "Alpine"};  // a name given twice is fetched once
  auto first = vulndb::update_database(o);
  REQUIRE(first.ok());
  REQUIRE(first->ecosystems.size() == 1);
  CHECK(first->ecosystems.at(0).downloaded);
  CHECK(first->import.records == 1724);
  CHECK(first->import.duplicates == 0);
  CHECK(read_all(tmp.sub("osv/Alpine.zip")) == zip);

  auto second = vulndb::update_database(options(tmp.path, {server->base_url()}));
  REQUIRE(second.ok());
  CHECK_FALSE(second->ecosystems.at(0).downloaded);
  CHECK(second->import.records == 1724);
  auto reqs = server->requests();
  REQUIRE(reqs.size() == 2);
  CHECK_FALSE(reqs[0].header("If-None-Match"));
  CHECK(reqs[1].header("If-None-Match") == "\"" + util::sha256_hex(zip).substr(0, 16) + "\"");
  CHECK(reqs[1].header("If-Modified-Since") == "Mon, 01 Jan 2024 00:00:00 GMT");
  auto db = vulndb::Database::open(tmp.path);
  REQUIRE(db.ok());
  REQUIRE(db->info().exports.size() == 1);
  CHECK(db->info().exports[0].sha256 == util::sha256_hex(zip));
  CHECK(db->has_ecosystem("Alpine:v3.10"));

  SECTION("a cached zip that no longer matches its checksum is downloaded whole") {
    REQUIRE(util::write_file_atomic(tmp.sub("osv/Alpine.zip"), "garbage").ok());
    auto third = vulndb::update_database(options(tmp.path, {server->base_url()}));
    REQUIRE(third.ok());
    CHECK(third->ecosystems.at(0).downloaded);
    CHECK_FALSE(server->requests().back().header("If-None-Match"));
  }
}

TEST_CASE("db update falls back to the next source on 429/5xx and connection errors") {
  TempDir tmp;
  const std::string zip = read_all(k_alpine_zip);
  auto flaky = test::TestHttpServer::start_tcp(
      test::sequence({test::ScriptedResponse{429, {{"Retry-After", "0"}}, "slow down"},
                      test::text_response(500, "broken")}));
  test::RefusingPort refusing;
  auto good = test::TestHttpServer::start_tcp(export_server(zip));
  auto r = vulndb::update_database(
      options(tmp.path, {"http://127.0.0.1:" + std::to_string(refusing.port()), flaky->base_url(),
                         good->base_url()}));
  REQUIRE(r.ok());
  CHECK(flaky->request_count() == 2);  // the first try and one retry
  REQUIRE(r->ecosystems.at(0).skipped.size() == 2);
  CHECK(r->ecosystems.at(0).skipped[1] == flaky->base_url() + ": HTTP 500");
  CHECK(r->ecosystems.at(0).source == good->base_url());
}

TEST_CASE("a transfer cut mid-way moves on to the next source") {
  TempDir tmp;
  const std::string zip = read_all(k_alpine_zip);
  test::ScriptedResponse cut{200, {}, zip};
  cut.fault = test::Fault::close_mid_body;
  cut.fault_after = zip.size() / 2;
  auto broken =
      test::TestHttpServer::start_tcp([cut](const test::RecordedRequest&) { return cut; });
  auto good = test::TestHttpServer::start_tcp(export_server(zip));
  auto r = vulndb::update_database(options(tmp.path, {broken->base_url(), good->base_url()}));
  REQUIRE(r.ok());
  CHECK(broken->request_count() == 1);  // bytes reached the file: no retry on the same source
  CHECK(r->ecosystems.at(0).source == good->base_url());
  CHECK(r->import.records == 1724);
  CHECK(read_all(tmp.sub("osv/Alpine.zip")) == zip);
  CHECK(temp_files(tmp.path).empty());
}

TEST_CASE("a failed update leaves the database and the cache untouched") {
  TempDir tmp;
  const std::string zip = read_all(k_alpine_zip);
  auto good = test::TestHttpServer::start_tcp(export_server(zip));
  REQUIRE(vulndb::update_database(options(tmp.path, {good->base_url()})).ok());
  const std::string db_before = read_all(tmp.sub("strata.db"));

  test::ScriptedResponse resp{200, {}, zip};
  std::string want;
  SECTION("connection cut mid-body") {
    resp.fault = test::Fault::close_mid_body;
    resp.fault_after = zip.size() / 3;
    want = "Alpine: no source could deliver it";
  }
  SECTION("connection reset mid-body") {
    resp.fault = test::Fault::reset_mid_body;
    resp.fault_after = 1000;
    want = "Alpine: no source could deliver it";
  }
  SECTION("a truncated zip delivered whole") {
    resp.body = zip.substr(0, zip.size() / 2);
    want = "Alpine (";
  }
  SECTION("a body that is not a zip") {
    resp.body = "<html>oops</html>";
    want = "the download is not a zip file";
  }
  SECTION("404") {
    resp = test::text_response(404, "no");
    want = "HTTP 404";
  }
  auto bad = test::TestHttpServer::start_tcp([resp](const test::RecordedRequest&) { return resp; });
  auto r = vulndb::update_database(options(tmp.path, {bad->base_url()}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(want) != std::string::npos);
  CHECK(r.error().message.find('\n') == std::string::npos);
  CHECK(read_all(tmp.sub("strata.db")) == db_before);
  CHECK(read_all(tmp.sub("osv/Alpine.zip")) == zip);
  CHECK(temp_files(tmp.path).empty());
}

TEST_CASE("db update with wait=false fails while another writer holds the lock") {
  TempDir tmp;
  auto held = vulndb::lock_database_dir(tmp.path, true);
  REQUIRE(held.ok());
  auto o = options(tmp.path, {"http://127.0.0.1:1"});
  o.wait = false;
  auto r = vulndb::update_database(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("another `strata db update` or `strata db import`") !=
        std::string::npos);
}

TEST_CASE("bundles round-trip and every corruption is a clean error") {
  TempDir tmp;
  REQUIRE(vulndb::import_records({k_alpine_zip}, tmp.sub("a")).ok());
  auto stats = vulndb::export_bundle(tmp.sub("a"), tmp.sub("b.sdb"));
  REQUIRE(stats.ok());
  CHECK(vulndb::is_bundle(tmp.sub("b.sdb")));
  CHECK_FALSE(vulndb::is_bundle(k_alpine_zip));
  REQUIRE(vulndb::import_bundle(tmp.sub("b.sdb"), tmp.sub("c")).ok());
  CHECK(read_all(tmp.sub("c/strata.db")) == read_all(tmp.sub("a/strata.db")));

  const std::string bundle = read_all(tmp.sub("b.sdb"));
  const std::string before = read_all(tmp.sub("c/strata.db"));
  // A flipped byte anywhere (header or payload), and every truncation at a 64 KiB boundary.
  std::vector<std::string> bad;
  for (std::size_t pos = 0; pos < bundle.size(); pos += bundle.size() / 97 + 1) {
    std::string b = bundle;
    b[pos] = static_cast<char>(b[pos] ^ 0x20);
    bad.push_back(std::move(b));
  }
  for (std::size_t len = 0; len < bundle.size(); len += 1 << 16) {
    bad.push_back(bundle.substr(0, len));
  }
  bad.push_back(bundle + "x");
  for (const auto& b : bad) {
    REQUIRE(util::write_file_atomic(tmp.sub("bad.sdb"), b).ok());
    auto r = vulndb::import_bundle(tmp.sub("bad.sdb"), tmp.sub("c"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::input);
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
  CHECK(read_all(tmp.sub("c/strata.db")) == before);
  CHECK(temp_files(tmp.sub("c")).empty());
}
