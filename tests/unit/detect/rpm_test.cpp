// The rpm header blob and the SQLite rpm database: a real CBL-Mariner 2.0 rpmdb.sqlite against
// the list Debian's rpm 4.18 prints for it (testdata/pkgdb/rpm/SOURCE.md), and hand-built
// headers for every way a header can be malformed.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "detect/rpm_header.hpp"
#include "detect/rpmdb_bdb.hpp"
#include "detect/rpmdb_ndb.hpp"
#include "detect/rpmdb_sqlite.hpp"

using namespace strata;

namespace {

const std::string k_mariner =
    std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/go-rpmdb-cbl-mariner2-sqlite";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

struct Entry {
  std::uint32_t tag;
  std::uint32_t type;
  std::string value;  // strings without their NUL; an INT32 as 4 big-endian bytes
};

// A header blob as rpm exports it: il, dl, the index, the data.
std::string header(const std::vector<Entry>& entries) {
  std::string index, data;
  for (const auto& e : entries) {
    put32(index, e.tag);
    put32(index, e.type);
    put32(index, static_cast<std::uint32_t>(data.size()));
    put32(index, 1);
    data += e.value;
    if (e.type != 4) {
      data.push_back('\0');
    }
  }
  std::string out;
  put32(out, static_cast<std::uint32_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(data.size()));
  return out + index + data;
}

std::string int32(std::uint32_t v) {
  std::string s;
  put32(s, v);
  return s;
}

const std::vector<Entry> k_openssl = {
    {63, 7, std::string(16, 'r')},  // a region tag: skipped
    {1000, 6, "openssl-libs"},
    {1001, 6, "3.0.7"},
    {1002, 6, "24.el9"},
    {1003, 4, int32(1)},
    {1022, 6, "x86_64"},
    {1044, 6, "openssl-3.0.7-24.el9.src.rpm"},
    {1014, 6, "ASL 2.0"},
    {1011, 6, "AlmaLinux"},
    {5096, 6, "perl:5.32:1:x"},
    {1004, 9, "Utilities from the general purpose cryptography library"},
};

// "name\tevr" as in expected.tsv (the epoch only when set and not 0).
std::string name_evr(const detect::RpmHeader& h) {
  std::string evr = h.epoch && *h.epoch != 0 ? std::to_string(*h.epoch) + ":" : "";
  return h.name + "\t" + evr + h.version + "-" + h.release;
}

// "name\tevr\tarch\tsourcerpm" as in expected_full.tsv.
std::string row(const detect::RpmHeader& h) {
  return name_evr(h) + "\t" + h.arch + "\t" + h.source_rpm;
}

// The rows of an expected(_full).tsv, without its column names.
std::multiset<std::string> expected_rows(const std::string& path) {
  std::ifstream tsv(path);
  REQUIRE(tsv);
  std::multiset<std::string> rows;
  std::string line;
  std::getline(tsv, line);  // the column names
  while (std::getline(tsv, line)) {
    if (!line.empty()) {
      rows.insert(line);
    }
  }
  return rows;
}

// The rows of `entries` as `format` writes them; every header must have decoded.
std::multiset<std::string> rows_of(const std::vector<detect::RpmdbEntry>& entries,
                                   std::string (*format)(const detect::RpmHeader&) = row) {
  std::multiset<std::string> rows;
  for (const auto& e : entries) {
    REQUIRE(e.header);
    rows.insert(format(*e.header));
  }
  return rows;
}

}  // namespace

TEST_CASE("parse_rpm_header: the tags strata reads, region and other tags skipped") {
  auto h = detect::parse_rpm_header(header(k_openssl));
  REQUIRE(h);
  CHECK(h->name == "openssl-libs");
  CHECK(h->version == "3.0.7");
  CHECK(h->release == "24.el9");
  CHECK(h->epoch == 1u);
  CHECK(h->arch == "x86_64");
  CHECK(h->source_rpm == "openssl-3.0.7-24.el9.src.rpm");
  CHECK(h->license == "ASL 2.0");
  CHECK(h->vendor == "AlmaLinux");
  CHECK(h->modularity_label == "perl:5.32:1:x");

  auto no_epoch = detect::parse_rpm_header(header({{1000, 6, "bash"}, {1001, 6, "5.1"}}));
  REQUIRE(no_epoch);
  CHECK_FALSE(no_epoch->epoch.has_value());
}

TEST_CASE("parse_rpm_header: every truncation and every malformed field is an error") {
  const std::string blob = header(k_openssl);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    CHECK_FALSE(detect::parse_rpm_header(blob.substr(0, n)));
  }
  CHECK_FALSE(detect::parse_rpm_header(header({{1001, 6, "1.0"}})));  // no NAME
  CHECK_FALSE(detect::parse_rpm_header(header({{1000, 6, "x"}})));    // no VERSION
  CHECK_FALSE(detect::parse_rpm_header(header({{1000, 4, int32(7)}, {1001, 6, "1"}})));  // type
  CHECK_FALSE(detect::parse_rpm_header(header({{1000, 6, "x"}, {1001, 6, "1"}, {1003, 6, "1"}})));

  std::string unterminated = header({{1000, 6, "x"}, {1001, 6, "1"}});
  unterminated.back() = 'z';  // the last string loses its NUL
  auto e = detect::parse_rpm_header(unterminated);
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "index entry 1: string at 2 has no end");

  std::string far = header({{1000, 6, "x"}, {1001, 6, "1"}});
  far[8 + 16 + 8 + 3] = 100;  // entry 1's offset points past the data
  e = detect::parse_rpm_header(far);
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "index entry 1: string offset 100 past the data (4 bytes)");

  std::string huge = blob;
  huge[0] = '\x7f';  // il far beyond rpm's limit
  CHECK_FALSE(detect::parse_rpm_header(huge));
}

TEST_CASE("parse_rpm_header: random damage never reads outside the blob") {
  const std::string blob = header(k_openssl);
  std::mt19937 rng(12);
  for (int round = 0; round < 20000; ++round) {
    std::string damaged = blob;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
      damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xff);
    }
    (void)detect::parse_rpm_header(damaged);  // an answer or an error, under ASan
  }
}

TEST_CASE("read_rpmdb_sqlite: CBL-Mariner 2.0, exactly the packages Debian's rpm lists") {
  auto entries = detect::read_rpmdb_sqlite(slurp(k_mariner + "/rpmdb.sqlite"));
  REQUIRE(entries);
  auto want = expected_rows(k_mariner + "/expected_full.tsv");
  CHECK(want.size() == 129);
  CHECK(rows_of(*entries) == want);
  for (std::size_t i = 1; i < entries->size(); ++i) {
    CHECK((*entries)[i - 1].hnum < (*entries)[i].hnum);
  }
}

TEST_CASE("read_rpmdb_sqlite: not a database, or a damaged one, is an error, never a crash") {
  auto none = detect::read_rpmdb_sqlite("not an sqlite file");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "rpmdb.sqlite: not an SQLite database");
  const std::string db = slurp(k_mariner + "/rpmdb.sqlite");
  for (std::size_t cut : {std::size_t{100}, std::size_t{4096}, db.size() / 2, db.size() - 1}) {
    auto r = detect::read_rpmdb_sqlite(std::string_view(db).substr(0, cut));
    if (r) {
      CHECK(r->size() <= 129);  // SQLite may answer from the pages it has
    } else {
      CHECK(r.error().message.rfind("rpmdb.sqlite: ", 0) == 0);
    }
  }
}

TEST_CASE("read_rpmdb_sqlite_in_place: the same packages without a copy, the bytes restored") {
  std::string db = slurp(k_mariner + "/rpmdb.sqlite");
  const std::string original = db;
  REQUIRE(original[18] == 2);  // a WAL-mode database: read as a rollback-journal one
  REQUIRE(original[19] == 2);
  auto entries = detect::read_rpmdb_sqlite_in_place(db);
  REQUIRE(entries);
  CHECK(rows_of(*entries) == expected_rows(k_mariner + "/expected_full.tsv"));
  CHECK(db == original);
  for (std::size_t cut : {std::size_t{10}, std::size_t{4096}, original.size() / 2}) {
    std::string part = original.substr(0, cut);
    auto r = detect::read_rpmdb_sqlite_in_place(part);
    CHECK(part == original.substr(0, cut));
    if (!r) {
      CHECK(r.error().message.rfind("rpmdb.sqlite: ", 0) == 0);
    }
  }
}

TEST_CASE("read_rpmdb_bdb: the BerkeleyDB fixtures, as Debian's rpm lists them") {
  const std::string base = std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/";
  for (const auto* dir : {"go-rpmdb-libuuid-bdb", "syft-dive-bdb", "scalibr-epoch-bdb"}) {
    INFO(dir);
    auto entries = detect::read_rpmdb_bdb(slurp(base + dir + "/Packages"));
    REQUIRE(entries);
    auto want = expected_rows(base + dir + "/expected.tsv");
    CHECK(want.size() == 1);
    CHECK(rows_of(*entries, name_evr) == want);
  }
}

TEST_CASE("read_rpmdb_bdb: damage is an error or a malformed entry, never a crash or a loop") {
  const std::string db =
      slurp(std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/go-rpmdb-libuuid-bdb/Packages");
  CHECK_FALSE(detect::read_rpmdb_bdb("short"));
  CHECK_FALSE(detect::read_rpmdb_bdb(std::string(4096, '\0')));
  for (std::size_t cut = 0; cut < db.size(); cut += 1024) {
    (void)detect::read_rpmdb_bdb(std::string_view(db).substr(0, cut));
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string damaged = db;
    for (int flips = 0; flips < 16; ++flips) {
      damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xff);
    }
    auto r = detect::read_rpmdb_bdb(damaged);
    if (r) {
      CHECK(r->size() < 64);  // bounded: a page holds few items
    }
  }
}

TEST_CASE("read_rpmdb_ndb: SLE 15 BCI, exactly the packages go-rpmdb's author listed with rpm") {
  const std::string dir = std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/go-rpmdb-sle15-bci-ndb";
  auto entries = detect::read_rpmdb_ndb(slurp(dir + "/Packages.db"));
  REQUIRE(entries);
  auto want = expected_rows(dir + "/expected_full.tsv");
  CHECK(want.size() == 35);
  CHECK(rows_of(*entries) == want);
}

TEST_CASE("read_rpmdb_ndb: damage is an error or a malformed entry, never a crash") {
  const std::string db =
      slurp(std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/go-rpmdb-sle15-bci-ndb/Packages.db");
  CHECK_FALSE(detect::read_rpmdb_ndb("RpmP"));
  CHECK_FALSE(detect::read_rpmdb_ndb(std::string(8192, '\0')));
  for (std::size_t cut = 0; cut < db.size(); cut += 4099) {
    auto r = detect::read_rpmdb_ndb(std::string_view(db).substr(0, cut));
    if (r) {
      CHECK(r->size() <= 35);
    }
  }
  std::mt19937 rng(5);
  for (int round = 0; round < 100; ++round) {
    std::string damaged = db;
    for (int flips = 0; flips < 32; ++flips) {
      damaged[rng() % 4096] = static_cast<char>(rng() & 0xff);  // the slot page
      damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xff);
    }
    (void)detect::read_rpmdb_ndb(damaged);
  }
}
