#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "vulndb/database.hpp"
#include "vulndb/import.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

const std::string k_osv = std::string(STRATA_TESTDATA_DIR) + "/osv";

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-vulndb") {}
};

std::vector<std::string> ids(const std::vector<vulndb::Advisory>& advisories) {
  std::vector<std::string> out;
  for (const auto& a : advisories) {
    out.push_back(a.id);
  }
  return out;
}

std::vector<std::string> query_ids(const vulndb::Database& db, const char* eco, const char* name) {
  auto r = db.query(eco, name);
  REQUIRE(r.ok());
  return ids(*r);
}

std::size_t count_json_files(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    n += e.path().extension() == ".json" ? 1 : 0;
  }
  return n;
}

// Writes a zip with libarchive's zip writer: (name, content) entries.
void write_zip(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& entries) {
  archive* a = archive_write_new();
  REQUIRE(archive_write_set_format_zip(a) == ARCHIVE_OK);
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  for (const auto& [name, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, content.data(), content.size()) ==
            static_cast<la_ssize_t>(content.size()));
    archive_entry_free(e);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
}

std::vector<std::pair<std::string, std::string>> dir_entries(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto text = util::read_file(e.path().string());
    REQUIRE(text.ok());
    out.emplace_back(e.path().filename().string(), *text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct QuietLogs {
  util::log::Level saved = util::log::level();
  QuietLogs() { util::log::set_level(util::log::Level::off); }
  ~QuietLogs() { util::log::set_level(saved); }
};

}  // namespace

TEST_CASE("Import the testdata/osv tree and query it") {
  TempDir tmp;
  auto stats = vulndb::import_records({k_osv}, tmp.path);
  REQUIRE(stats.ok());
  const std::size_t files = count_json_files(k_osv);
  CHECK(files == 1294);
  CHECK(stats->files == files);
  CHECK(stats->failed == 0);
  CHECK(stats->withdrawn == 30);  // 10 PyPI, 17 Go, 3 Ubuntu
  CHECK(stats->records == files - 30);
  CHECK(stats->duplicates == 0);

  auto db = vulndb::Database::open(tmp.path);
  REQUIRE(db.ok());
  // Expected sets computed from the records by hand (grep of the JSON), see SOURCE.md.
  CHECK(query_ids(*db, "Debian:10", "openssl") ==
        std::vector<std::string>{"DLA-3325-1", "DSA-4539-1", "DSA-4539-3", "DSA-4661-1",
                                 "DSA-4807-1", "DSA-4855-1", "DSA-4875-1", "DSA-4963-1",
                                 "DSA-5103-1", "DSA-5139-1", "DSA-5169-1"});
  CHECK(query_ids(*db, "Debian:11", "openssl") ==
        std::vector<std::string>{"DSA-4963-1", "DSA-5103-1", "DSA-5139-1", "DSA-5169-1",
                                 "DSA-5343-1"});
  CHECK(query_ids(*db, "Debian:10", "curl") == std::vector<std::string>{"DLA-3085-1", "DLA-3288-1",
                                                                        "DLA-3341-1", "DSA-4633-1",
                                                                        "DSA-4881-1"});
  CHECK(query_ids(*db, "Debian:7", "nginx") == std::vector<std::string>{"DSA-3029-1"});
  CHECK(query_ids(*db, "PyPI", "django") ==
        std::vector<std::string>{"PYSEC-2007-1", "PYSEC-2008-1", "PYSEC-2008-2"});
  CHECK(query_ids(*db, "Debian:12", "openssl").empty());
  CHECK(query_ids(*db, "debian:10", "openssl").empty());    // ecosystems are exact
  CHECK(query_ids(*db, "Debian:10", "libssl1.1").empty());  // advisories name source packages

  // Only the entries for the queried (ecosystem, name) come back.
  auto dsa = db->query("Debian:11", "openssl");
  REQUIRE(dsa.ok());
  const auto& a = dsa->back();
  CHECK(a.id == "DSA-5343-1");
  REQUIRE(a.affected.size() == 1);
  CHECK(a.affected[0].ecosystem == "Debian:11");
  CHECK(a.affected[0].name == "openssl");
  CHECK(a.upstream == std::vector<std::string>{"DEBIAN-CVE-2022-2097", "CVE-2022-2097",
                                               "DEBIAN-CVE-2022-4304", "CVE-2022-4304",
                                               "DEBIAN-CVE-2022-4450", "CVE-2022-4450",
                                               "DEBIAN-CVE-2023-0215", "CVE-2023-0215",
                                               "DEBIAN-CVE-2023-0286", "CVE-2023-0286"});

  CHECK(db->has_ecosystem("Alpine:v3.10"));
  CHECK(db->has_ecosystem("Ubuntu:22.04:LTS"));
  CHECK_FALSE(db->has_ecosystem("Alpine:v3.18"));
  CHECK_FALSE(db->has_ecosystem("Debian"));

  auto info = db->info();
  CHECK(info.format_version == 2);
  CHECK(info.record_count == files - 30);
  CHECK(info.withdrawn == 30);
  CHECK(info.sources == std::vector<std::string>{fs::path(k_osv).lexically_normal().string()});
  CHECK(info.built.size() == 20);
  CHECK(info.built.back() == 'Z');
  CHECK(info.size_bytes > 0);
  auto count_for = [&](const std::string& eco) -> std::uint64_t {
    for (const auto& e : info.ecosystems) {
      if (e.ecosystem == eco) return e.advisories;
    }
    return 0;
  };
  CHECK(count_for("Debian:10") == 945);
  CHECK(count_for("Debian:11") == 410);
  CHECK(count_for("Debian:9") == 133);
  CHECK(count_for("PyPI") == 22);
  CHECK(count_for("Go") == 15);
  CHECK(count_for("Ubuntu:Pro:14.04:LTS") == 4);
  CHECK(db->ecosystems().size() == 29);
}

TEST_CASE("Withdrawn records are dropped") {
  TempDir tmp;
  // PYSEC-2019-144 is withdrawn; PYSEC-2007-1 is not.
  auto stats = vulndb::import_records(
      {k_osv + "/pypi/PYSEC-2019-144.json", k_osv + "/pypi/PYSEC-2007-1.json"}, tmp.path);
  REQUIRE(stats.ok());
  CHECK(stats->records == 1);
  CHECK(stats->withdrawn == 1);
  auto db = vulndb::Database::open(tmp.path);
  REQUIRE(db.ok());
  CHECK(db->info().record_count == 1);
  CHECK(query_ids(*db, "PyPI", "django") == std::vector<std::string>{"PYSEC-2007-1"});
}

TEST_CASE("Import from an OSV zip export, streamed; malformed entries are counted and named") {
  TempDir tmp;
  auto entries = dir_entries(k_osv + "/pypi");
  REQUIRE(entries.size() == 32);
  entries.emplace_back("BROKEN-1.json", "{\"id\": \"BROKEN-1\", \"affected\": [");
  entries.emplace_back("README.txt", "not a record");  // non-JSON entries are ignored
  write_zip(tmp.sub("all.zip"), entries);

  QuietLogs quiet;
  auto stats = vulndb::import_records({tmp.sub("all.zip")}, tmp.sub("db"));
  REQUIRE(stats.ok());
  CHECK(stats->files == 33);
  CHECK(stats->failed == 1);
  REQUIRE(stats->failures.size() == 1);
  CHECK(stats->failures[0].name == tmp.sub("all.zip") + "!BROKEN-1.json");
  CHECK(stats->failures[0].reason.find("malformed JSON") != std::string::npos);
  CHECK(stats->withdrawn == 10);
  CHECK(stats->records == 22);

  auto db = vulndb::Database::open(tmp.sub("db"));
  REQUIRE(db.ok());
  CHECK(db->info().failed == 1);
  CHECK(query_ids(*db, "PyPI", "django") ==
        std::vector<std::string>{"PYSEC-2007-1", "PYSEC-2008-1", "PYSEC-2008-2"});
}

TEST_CASE("A malformed file in a directory is skipped and the import goes on") {
  TempDir tmp;
  fs::create_directories(tmp.sub("in"));
  fs::copy_file(k_osv + "/debian-real/DSA-3029-1.json", tmp.sub("in/DSA-3029-1.json"));
  REQUIRE(util::write_file_atomic(tmp.sub("in/bad.json"), "not json").ok());
  REQUIRE(util::write_file_atomic(tmp.sub("in/noid.json"), "{\"summary\": \"x\"}").ok());
  QuietLogs quiet;
  auto stats = vulndb::import_records({tmp.sub("in")}, tmp.sub("db"));
  REQUIRE(stats.ok());
  CHECK(stats->records == 1);
  CHECK(stats->failed == 2);
  auto db = vulndb::Database::open(tmp.sub("db"));
  REQUIRE(db.ok());
  CHECK(query_ids(*db, "Debian:7", "nginx") == std::vector<std::string>{"DSA-3029-1"});
}

TEST_CASE("Import replaces the database; a failing import leaves the old one untouched") {
  TempDir tmp;
  const std::string db_dir = tmp.sub("db");
  REQUIRE(vulndb::import_records({k_osv + "/debian-real"}, db_dir).ok());
  REQUIRE(vulndb::import_records({k_osv + "/ubuntu-real"}, db_dir).ok());
  {
    auto db = vulndb::Database::open(db_dir);
    REQUIRE(db.ok());
    CHECK_FALSE(db->has_ecosystem("Debian:7"));  // replaced, not merged
    CHECK(db->has_ecosystem("Ubuntu:22.04:LTS"));
    CHECK(db->info().record_count == 7);  // 10 files, 3 withdrawn
  }
  // A missing path fails before anything is built.
  auto missing = vulndb::import_records({k_osv + "/debian-real", tmp.sub("nope")}, db_dir);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == tmp.sub("nope") + ": no such file or directory");
  // A corrupt zip fails in the middle of the build.
  auto entries = dir_entries(k_osv + "/go");
  write_zip(tmp.sub("all.zip"), entries);
  fs::resize_file(tmp.sub("all.zip"), fs::file_size(tmp.sub("all.zip")) / 2);
  auto corrupt = vulndb::import_records({k_osv + "/debian-real", tmp.sub("all.zip")}, db_dir);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().message.find("all.zip") != std::string::npos);

  auto db = vulndb::Database::open(db_dir);
  REQUIRE(db.ok());
  CHECK(db->has_ecosystem("Ubuntu:22.04:LTS"));
  CHECK_FALSE(db->has_ecosystem("Debian:7"));
  CHECK(db->info().record_count == 7);
  // No temp files are left behind; only the writers' lock file stays.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(db_dir)) {
    left.push_back(e.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"lock", "strata.db"});
}

TEST_CASE("The same record twice: one advisory, counted as a duplicate") {
  TempDir tmp;
  const std::string f = k_osv + "/debian-real/DSA-3029-1.json";
  auto stats = vulndb::import_records({f, f}, tmp.path);
  REQUIRE(stats.ok());
  CHECK(stats->records == 1);
  CHECK(stats->duplicates == 1);
  auto db = vulndb::Database::open(tmp.path);
  REQUIRE(db.ok());
  CHECK(query_ids(*db, "Debian:7", "nginx") == std::vector<std::string>{"DSA-3029-1"});
}

TEST_CASE("A newer duplicate replaces the older one") {
  TempDir tmp;
  REQUIRE(
      util::write_file_atomic(tmp.sub("a.json"), R"({"id":"X-1","modified":"2020-01-01T00:00:00Z",
    "affected":[{"package":{"ecosystem":"PyPI","name":"old"}}]})")
          .ok());
  REQUIRE(
      util::write_file_atomic(tmp.sub("b.json"), R"({"id":"X-1","modified":"2021-01-01T00:00:00Z",
    "affected":[{"package":{"ecosystem":"PyPI","name":"new"}}]})")
          .ok());
  auto stats = vulndb::import_records({tmp.sub("b.json"), tmp.sub("a.json"), tmp.sub("b.json")},
                                      tmp.sub("db"));
  REQUIRE(stats.ok());
  CHECK(stats->records == 1);
  stats = vulndb::import_records({tmp.sub("a.json"), tmp.sub("b.json")}, tmp.sub("db"));
  REQUIRE(stats.ok());
  CHECK(stats->records == 1);
  CHECK(stats->duplicates == 1);
  auto db = vulndb::Database::open(tmp.sub("db"));
  REQUIRE(db.ok());
  CHECK(query_ids(*db, "PyPI", "old").empty());
  CHECK(query_ids(*db, "PyPI", "new") == std::vector<std::string>{"X-1"});
  CHECK(db->info().record_count == 1);
}

TEST_CASE("Opening a missing or foreign database is a clear input error") {
  TempDir tmp;
  auto missing = vulndb::Database::open(tmp.sub("none"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().category == util::ErrorCategory::input);
  CHECK(missing.error().message == "no vulnerability database at " + tmp.sub("none") +
                                       ": run `strata db update` or `strata db import`");

  fs::create_directories(tmp.sub("junk"));
  REQUIRE(util::write_file_atomic(tmp.sub("junk/strata.db"), std::string(4096, 'x')).ok());
  auto junk = vulndb::Database::open(tmp.sub("junk"));
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.error().message.find("not a strata vulnerability database") != std::string::npos);
}

TEST_CASE("zip_kind: a zip, an empty zip, or not a zip, by the first four bytes") {
  using vulndb::ZipKind;
  CHECK(vulndb::zip_kind(std::string_view("PK\x03\x04", 4)) == ZipKind::zip);
  CHECK(vulndb::zip_kind(std::string_view("PK\x05\x06\0\0", 6)) == ZipKind::empty_zip);
  CHECK(vulndb::zip_kind("PK") == ZipKind::not_zip);
  CHECK(vulndb::zip_kind("{\"id\":") == ZipKind::not_zip);
  CHECK(vulndb::zip_kind("") == ZipKind::not_zip);
}
