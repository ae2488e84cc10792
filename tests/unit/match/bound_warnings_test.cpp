// An advisory bound that does not parse under its scheme is skipped -- the record's other
// ranges still match -- and becomes a warning in the result: never a silent skip.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "match/matcher.hpp"
#include "match_support.hpp"
#include "vulndb/database.hpp"
#include "vulndb/import.hpp"

using namespace strata;
using match_test::package;
using match_test::summarize;

namespace {

// One npm record for `name` with two ECOSYSTEM ranges: [introduced "0", fixed `bad_fix`] and
// [introduced "2.0.0", fixed "2.5.0"].
std::string npm_record(const std::string& id, const std::string& name, const std::string& bad_fix) {
  return R"({"id": ")" + id + R"(", "modified": "2024-01-01T00:00:00Z", "affected": [{
    "package": {"ecosystem": "npm", "name": ")" +
         name + R"("},
    "ranges": [
      {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": ")" +
         bad_fix + R"("}]},
      {"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.5.0"}]}
    ]}]})";
}

// A database of the records `files` (name, JSON), in temp dirs of its own.
struct Fixture {
  explicit Fixture(const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [name, body] : files) {
      std::ofstream out(records.sub(name));
      out << body;
      REQUIRE(out.good());
    }
    auto stats = vulndb::import_records({records.path}, db_dir.path);
    REQUIRE(stats.ok());
    REQUIRE(stats->failed == 0);
    auto opened = vulndb::Database::open(db_dir.path);
    REQUIRE(opened.ok());
    db.emplace(std::move(opened).value());
  }
  match_test::TempDir records;
  match_test::TempDir db_dir;
  std::optional<vulndb::Database> db;
};

// No OS: the language packages are matched all the same (the result warns about the OS too).
model::OsInfo no_os() {
  return {};
}

// The warnings about advisory bounds (the OS one left out).
std::vector<std::string> bound_warnings(const match::MatchOutput& out) {
  std::vector<std::string> kept;
  for (const auto& w : out.warnings) {
    if (w.find("cannot compare") != std::string::npos || w.rfind("... and ", 0) == 0) {
      kept.push_back(w);
    }
  }
  REQUIRE(kept.size() + 1 == out.warnings.size());
  return kept;
}

}  // namespace

TEST_CASE("match: an unparseable advisory bound is a warning, and the other ranges still match") {
  Fixture f({{"GHSA-aaaa-0000-0001.json", npm_record("GHSA-aaaa-0000-0001", "foo", "1.x")}});
  auto out = match::match_packages({package("foo", "2.1.0", "npm")}, no_os(), *f.db);
  CHECK(summarize(out) ==
        std::vector<std::string>{"foo GHSA-aaaa-0000-0001 GHSA-aaaa-0000-0001 2.5.0"});
  CHECK(bound_warnings(out) ==
        std::vector<std::string>{"GHSA-aaaa-0000-0001: package foo: cannot compare fixed version "
                                 "'1.x': invalid semver version '1.x': bad minor version"});

  // The same package twice (two paths) warns once.
  auto a = package("foo", "2.1.0", "npm");
  a.location = "/app/a/node_modules/foo/package.json";
  auto b = package("foo", "2.1.0", "npm");
  b.location = "/app/b/node_modules/foo/package.json";
  auto twice = match::match_packages({a, b}, no_os(), *f.db);
  CHECK(twice.findings.size() == 2);
  CHECK(bound_warnings(twice).size() == 1);
}

TEST_CASE("match: bound warnings are capped at 20, then one line counts the others") {
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 25; ++i) {
    std::string id = fmt::format("GHSA-bbbb-0000-{:04}", i);
    files.emplace_back(id + ".json", npm_record(id, "bar", fmt::format("x{}", i)));
  }
  Fixture f(files);
  auto out = match::match_packages({package("bar", "3.0.0", "npm")}, no_os(), *f.db);
  // Range 1 without its bad fix is "introduced 0", open: every record still affects bar 3.0.0.
  CHECK(out.findings.size() == 25);
  auto warnings = bound_warnings(out);
  REQUIRE(warnings.size() == 21);
  CHECK(warnings[0] ==
        "GHSA-bbbb-0000-0000: package bar: cannot compare fixed version 'x0': invalid semver "
        "version 'x0': bad major version");
  CHECK(warnings[20].rfind("... and 5 more advisory versions that could not be compared", 0) == 0);
}
