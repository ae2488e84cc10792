// The database file format (vulndb/format.hpp): every record comes back exactly as imported, and
// every corruption (a flipped byte in any block or section, a truncation at any block boundary)
// is a clean one-line error that says to run `strata db update`.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <zstd.h>

#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "vulndb/database.hpp"
#include "vulndb/format.hpp"
#include "vulndb/import.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

const std::string k_osv = std::string(STRATA_TESTDATA_DIR) + "/osv";

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-store") {}
};

std::string read(const std::string& path) {
  auto r = util::read_file(path, 1u << 30);
  REQUIRE(r.ok());
  return *r;
}

void write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  REQUIRE(util::write_file_atomic(path, bytes).ok());
}

bool says_corrupt(const util::Error& e) {
  return e.category == util::ErrorCategory::input &&
         e.message.find("run `strata db update`") != std::string::npos &&
         e.message.find('\n') == std::string::npos;
}

std::string affected_bytes(const vercmp::OsvAffected& a) {
  std::string out;
  vulndb::encode_affected(a, out);
  return out;
}

// One database built from testdata/osv for the whole file.
struct Built {
  TempDir dir;
  std::string bytes;
  Built() {
    REQUIRE(vulndb::import_records({k_osv}, dir.path).ok());
    bytes = read(dir.sub("strata.db"));
  }
};
const Built& built() {
  static Built b;
  return b;
}

}  // namespace

TEST_CASE("Every record comes back from the store exactly as it was imported") {
  auto db = vulndb::Database::open(built().dir.path);
  REQUIRE(db.ok());
  REQUIRE(db->verify().ok());
  std::size_t records = 0;
  std::size_t packages = 0;
  for (const auto& e : fs::recursive_directory_iterator(k_osv)) {
    if (e.path().extension() != ".json") {
      continue;
    }
    auto doc = vulndb::parse_osv_document(read(e.path().string()));
    REQUIRE(doc.ok());
    for (const auto& rec : *doc) {
      if (!rec.withdrawn.empty()) {
        continue;
      }
      ++records;
      std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_package;
      for (const auto& a : rec.affected) {
        by_package[{a.ecosystem, a.name}].push_back(affected_bytes(a));
      }
      for (const auto& [key, entries] : by_package) {
        ++packages;
        auto found = db->query(key.first, key.second);
        REQUIRE(found.ok());
        auto it = std::find_if(found->begin(), found->end(),
                               [&](const vulndb::Advisory& a) { return a.id == rec.id; });
        INFO(rec.id << " " << key.first << "/" << key.second);
        REQUIRE(it != found->end());
        CHECK(it->has_details);
        CHECK(it->modified == rec.modified);
        CHECK(it->published == rec.published);
        CHECK(it->summary == rec.summary);
        CHECK(it->details == rec.details);
        CHECK(it->aliases == rec.aliases);
        CHECK(it->upstream == rec.upstream);
        CHECK(it->related == rec.related);
        CHECK(it->severity == rec.severity);
        CHECK(it->cvss_score == rec.cvss_score);
        CHECK(it->cvss_vector == rec.cvss_vector);
        CHECK(it->links == rec.links);
        std::vector<std::string> got;
        for (const auto& a : it->affected) {
          CHECK(a.ecosystem == key.first);
          CHECK(a.name == key.second);
          got.push_back(affected_bytes(a));
        }
        CHECK(got == entries);
        // Ids are sorted and unique within a package.
        CHECK(std::is_sorted(found->begin(), found->end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
      }
    }
  }
  CHECK(records == db->info().record_count);
  CHECK(packages > 1000);
  // Several blocks of each kind, so the corruption tests below cover block boundaries.
  auto blocks = db->blocks();
  CHECK(std::count_if(blocks.begin(), blocks.end(), [](const auto& b) { return b.package; }) > 2);
  CHECK(std::count_if(blocks.begin(), blocks.end(), [](const auto& b) { return !b.package; }) > 2);
}

TEST_CASE("A lookup without details reads only the package block; load_details fills the rest") {
  auto db = vulndb::Database::open(built().dir.path);
  REQUIRE(db.ok());
  auto light = db->query("Debian:11", "openssl", vulndb::Database::Details::none);
  REQUIRE(light.ok());
  REQUIRE(light->size() == 5);
  auto& a = light->back();
  CHECK(a.id == "DSA-5343-1");
  CHECK_FALSE(a.has_details);
  CHECK(a.upstream.empty());
  CHECK(a.affected.size() == 1);
  REQUIRE(db->load_details(a).ok());
  CHECK(a.has_details);
  CHECK(a.upstream.size() == 10);
  CHECK(db->query("Nope", "openssl")->empty());
  CHECK(db->query("Debian:11", "")->empty());
  CHECK(db->query("Debian:11", "zzzzzz-not-a-package")->empty());
  CHECK(db->query("AAA", "a")->empty());  // before the first fence
}

TEST_CASE("A flipped byte in any block is detected by the lookup that reads it and by verify") {
  const std::string& good = built().bytes;
  auto db = vulndb::Database::open(built().dir.path);
  REQUIRE(db.ok());
  // One query per package block (its first package) and one advisory per body block.
  std::vector<std::pair<std::string, std::string>> probes;
  std::map<std::uint32_t, vulndb::Advisory> body_probe;
  for (const auto& eco : db->ecosystems()) {
    for (const char* name : {"openssl", "curl", "django", "linux", "musl", "golang.org/x/net"}) {
      auto r = db->query(eco, name, vulndb::Database::Details::none);
      REQUIRE(r.ok());
      for (auto& a : *r) {
        body_probe.emplace(a.body.block, a);
      }
    }
  }
  std::mt19937 rng(7);
  TempDir tmp;
  const std::string path = tmp.sub("strata.db");
  for (const auto& b : db->blocks()) {
    INFO((b.package ? "package" : "body") << " block " << b.index);
    std::string bad = good;
    std::uniform_int_distribution<std::uint64_t> pick(b.offset, b.offset + b.size - 1);
    bad[pick(rng)] ^= static_cast<char>(1u << (rng() % 8));
    write(path, bad);
    auto broken = vulndb::Database::open(tmp.path);
    REQUIRE(broken.ok());  // blocks are checked when read, not on open
    auto v = broken->verify();
    REQUIRE_FALSE(v.ok());
    CHECK(says_corrupt(v.error()));
    CHECK(v.error().message.find(fmt::format("{} block {}", b.package ? "package" : "body",
                                             b.index)) != std::string::npos);
    if (!b.package) {
      if (auto it = body_probe.find(b.index); it != body_probe.end()) {
        vulndb::Advisory a = it->second;
        auto st = broken->load_details(a);
        REQUIRE_FALSE(st.ok());
        CHECK(says_corrupt(st.error()));
      }
    }
  }
  // And a lookup in a damaged package block fails instead of answering "no advisories".
  auto blocks = db->blocks();
  auto first_package =
      std::find_if(blocks.begin(), blocks.end(), [](auto& b) { return b.package; });
  REQUIRE(first_package != blocks.end());
  std::string bad = good;
  bad[first_package->offset + first_package->size / 2] ^= 0x10;
  write(path, bad);
  auto broken = vulndb::Database::open(tmp.path);
  REQUIRE(broken.ok());
  std::size_t failures = 0;
  for (const auto& eco : db->ecosystems()) {
    auto r = broken->query(eco, "");
    failures += r.ok() ? 0 : 1;
  }
  CHECK(failures >= 1);
}

TEST_CASE("A flipped byte in the header, fences, body table or meta fails the open") {
  const std::string& good = built().bytes;
  auto h = vulndb::decode_header(good, "x");
  REQUIRE(h.ok());
  TempDir tmp;
  const std::string path = tmp.sub("strata.db");
  std::vector<std::uint64_t> spots = {0,
                                      9,
                                      40,
                                      vulndb::k_header_size - 1,
                                      h->fences_offset,
                                      h->fences_offset + h->fences_size - 1,
                                      h->body_table_offset,
                                      h->body_table_offset + h->body_count * 24 - 1,
                                      h->meta_offset,
                                      h->meta_offset + h->meta_size - 1};
  for (std::uint64_t spot : spots) {
    INFO("byte " << spot);
    std::string bad = good;
    bad[spot] ^= 0x01;
    write(path, bad);
    auto db = vulndb::Database::open(tmp.path);
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().category == util::ErrorCategory::input);
    CHECK(db.error().message.find("run `strata db update`") != std::string::npos);
  }
}

TEST_CASE("A truncation at any block boundary, or anywhere in the last sections, fails the open") {
  const std::string& good = built().bytes;
  auto db = vulndb::Database::open(built().dir.path);
  REQUIRE(db.ok());
  std::set<std::uint64_t> cuts = {0, 1, 8, vulndb::k_header_size - 1, vulndb::k_header_size};
  for (const auto& b : db->blocks()) {
    cuts.insert(b.offset);
    cuts.insert(b.offset + b.size);
    cuts.insert(b.offset + b.size / 2);
  }
  for (std::uint64_t i = good.size() - 300; i < good.size(); ++i) {
    cuts.insert(i);
  }
  TempDir tmp;
  for (std::uint64_t cut : cuts) {
    INFO("cut at " << cut << " of " << good.size());
    write(tmp.sub("strata.db"), good.substr(0, cut));
    auto r = vulndb::Database::open(tmp.path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::input);
    CHECK(r.error().message.find("run `strata db update`") != std::string::npos);
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
  // Bytes appended are caught too.
  write(tmp.sub("strata.db"), good + "x");
  CHECK_FALSE(vulndb::Database::open(tmp.path).ok());
}

TEST_CASE("Random damage never crashes a reader") {
  const std::string& good = built().bytes;
  std::mt19937 rng(11);
  TempDir tmp;
  for (int round = 0; round < 200; ++round) {
    std::string bad = good;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) {
      bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    write(tmp.sub("strata.db"), bad);
    auto db = vulndb::Database::open(tmp.path);
    if (!db.ok()) {
      CHECK(db.error().message.find("run `strata db update`") != std::string::npos);
      continue;
    }
    (void)db->verify();
    for (const auto& eco : db->ecosystems()) {
      (void)db->query(eco, "openssl");
    }
  }
}

TEST_CASE("A database of the old SQLite format says to rebuild it") {
  TempDir tmp;
  write(tmp.sub("strata.db"), std::string("SQLite format 3\0", 16) + std::string(4000, '\0'));
  auto r = vulndb::Database::open(tmp.path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("older strata format") != std::string::npos);
  CHECK(r.error().message.find("strata db update") != std::string::npos);
}

TEST_CASE("A reader that opened the database before an update keeps reading the old one") {
  TempDir tmp;
  REQUIRE(vulndb::import_records({k_osv + "/debian-10-11"}, tmp.path).ok());
  auto old_db = vulndb::Database::open(tmp.path);
  REQUIRE(old_db.ok());
  auto before = old_db->query("Debian:10", "openssl");
  REQUIRE(before.ok());
  REQUIRE_FALSE(before->empty());
  // The update replaces the file with one that has no Debian data at all.
  REQUIRE(vulndb::import_records({k_osv + "/pypi"}, tmp.path).ok());
  auto after = old_db->query("Debian:10", "openssl");
  REQUIRE(after.ok());
  CHECK(after->size() == before->size());
  REQUIRE(old_db->verify().ok());
  auto new_db = vulndb::Database::open(tmp.path);
  REQUIRE(new_db.ok());
  CHECK(new_db->query("Debian:10", "openssl")->empty());
  CHECK_FALSE(new_db->query("PyPI", "django")->empty());
}

TEST_CASE("PyPI names are stored and looked up PEP 503-normalised") {
  TempDir tmp;
  write(tmp.sub("in/a.json"),
        R"({"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z", "affected": [
             {"package": {"ecosystem": "PyPI", "name": "Django"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.2"}]}]}]})");
  write(tmp.sub("in/b.json"),
        R"({"id": "PYSEC-2024-1", "modified": "2024-01-01T00:00:00Z", "affected": [
             {"package": {"ecosystem": "PyPI", "name": "django"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.1"}]}]},
             {"package": {"ecosystem": "PyPI", "name": "Zope.Interface"}, "versions": ["1.0"]}]})");
  REQUIRE(vulndb::import_records({tmp.sub("in")}, tmp.sub("db")).ok());
  auto db = vulndb::Database::open(tmp.sub("db"));
  REQUIRE(db.ok());
  for (const char* name : {"django", "Django", "DJANGO"}) {
    auto r = db->query("PyPI", name);
    REQUIRE(r.ok());
    CHECK(r->size() == 2);
  }
  CHECK(db->query("PyPI", "zope-interface")->size() == 1);
  CHECK(db->query("PyPI", "zope_interface")->size() == 1);
  CHECK(db->query("PyPI", "zopeinterface")->empty());
  CHECK(db->info().ecosystems.at(0).packages == 2);
}

// A block edited to say something else (a package dropped, a vulnerability marked fixed), as
// someone with write access to the file would do it without recomputing the checksums: the
// checksum in the fence rejects the block before anything in it is used. (Checksums are not
// signatures: an editor who also recomputes every xxh3 is not detected; the README says so.)
TEST_CASE("A package block rewritten to drop a package or mark a vulnerability fixed is rejected") {
  const std::string& good = built().bytes;
  auto db = vulndb::Database::open(built().dir.path);
  REQUIRE(db.ok());
  auto before = db->query("Debian:11", "openssl", vulndb::Database::Details::none);
  REQUIRE(before.ok());
  REQUIRE_FALSE(before->empty());
  // the fixed version of the first openssl advisory
  std::string fixed;
  for (const auto& r : before->front().affected.front().ranges) {
    for (const auto& e : r.events) {
      if (e.kind == vercmp::OsvEvent::Kind::fixed && fixed.empty()) {
        fixed = e.version;
      }
    }
  }
  REQUIRE(fixed.size() > 2);
  // the package block that holds it, decompressed
  std::optional<vulndb::Database::BlockInfo> block;
  std::string raw;
  for (const auto& b : db->blocks()) {
    if (!b.package) {
      continue;
    }
    std::string out(b.raw_size, '\0');
    REQUIRE(ZSTD_decompress(out.data(), out.size(), good.data() + b.offset, b.size) == b.raw_size);
    if (out.find("openssl") != std::string::npos && out.find(fixed) != std::string::npos) {
      block = b;
      raw = std::move(out);
      break;
    }
  }
  REQUIRE(block);
  auto rewrite = [&](std::string edited) {
    std::string frame(ZSTD_compressBound(edited.size()), '\0');
    std::size_t n = ZSTD_compress(frame.data(), frame.size(), edited.data(), edited.size(), 19);
    REQUIRE_FALSE(ZSTD_isError(n));
    frame.resize(std::min<std::size_t>(n, block->size));  // in place, the fence left as it was
    std::string bad = good;
    bad.replace(block->offset, frame.size(), frame);
    return bad;
  };
  TempDir tmp;
  SECTION("openssl renamed away (dropped)") {
    std::string edited = raw;
    edited.replace(edited.find("openssl"), 7, "opensss");
    write(tmp.sub("strata.db"), rewrite(edited));
  }
  SECTION("the fixed version lowered (the installed version then counts as fixed)") {
    std::string edited = raw;
    std::string lower(fixed.size(), '0');
    edited.replace(edited.find(fixed), fixed.size(), lower);
    write(tmp.sub("strata.db"), rewrite(edited));
  }
  auto broken = vulndb::Database::open(tmp.path);
  REQUIRE(broken.ok());  // blocks are checked when read
  auto r = broken->query("Debian:11", "openssl", vulndb::Database::Details::none);
  REQUIRE_FALSE(r.ok());
  CHECK(says_corrupt(r.error()));
  auto v = broken->verify();
  REQUIRE_FALSE(v.ok());
  CHECK(says_corrupt(v.error()));
}
