// npm ranges against node-semver's range-include / range-exclude fixtures
// (testdata/vercmp/npm-semver/semver_range_{include,exclude}.jsonl).
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "vercmp/npm_range.hpp"

using namespace strata::vercmp;
using nlohmann::json;

namespace {

// JavaScript truthiness of a JSON value.
bool truthy(const json& j) {
  if (j.is_null()) {
    return false;
  }
  if (j.is_boolean()) {
    return j.get<bool>();
  }
  if (j.is_number()) {
    return j.get<double>() != 0;
  }
  if (j.is_string()) {
    return !j.get<std::string>().empty();
  }
  return true;
}

// node-semver's parseOptions: absent/falsy -> {}, a non-object truthy value -> {loose: true}.
npm_range::Options options_of(const json& row) {
  npm_range::Options o;
  o.loose = false;
  o.include_prerelease = false;
  if (row.size() < 3 || !truthy(row[2])) {
    return o;
  }
  const json& opt = row[2];
  if (!opt.is_object()) {
    o.loose = true;
    return o;
  }
  o.loose = opt.contains("loose") && truthy(opt["loose"]);
  o.include_prerelease = opt.contains("includePrerelease") && truthy(opt["includePrerelease"]);
  return o;
}

void run_file(const char* name, bool expected_in, std::size_t expected_rows) {
  std::ifstream in(std::string(STRATA_TESTDATA_DIR) + "/vercmp/npm-semver/" + name);
  REQUIRE(in.good());
  std::string line;
  std::size_t rows = 0;
  std::size_t pass = 0;
  std::size_t by_error = 0;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    json row = json::parse(line);
    ++rows;
    std::string range = row[0].get<std::string>();
    npm_range::Options o = options_of(row);
    bool in_range = false;
    bool error = false;
    if (row[1].is_string()) {  // node-semver: a non-string version satisfies nothing
      auto r = npm_range::satisfies(row[1].get<std::string>(), range, o);
      error = !r.ok();
      in_range = r.ok() && *r;
    } else {
      error = true;
    }
    INFO(name << ": " << line << (error ? " (error)" : ""));
    CHECK(in_range == expected_in);
    if (in_range == expected_in) {
      ++pass;
      by_error += error ? 1 : 0;
    }
  }
  std::cout << name << ": " << rows << " rows, " << pass << " pass";
  if (by_error > 0) {
    std::cout << " (" << by_error << " of them 'out' because the version or range is invalid)";
  }
  std::cout << "\n";
  CHECK(rows == expected_rows);
  CHECK(pass == rows);
}

bool sat(const char* version, const char* range, npm_range::Options o = {}) {
  auto r = npm_range::satisfies(version, range, o);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("npm ranges: node-semver range-include fixtures") {
  run_file("semver_range_include.jsonl", true, 126);
}

TEST_CASE("npm ranges: node-semver range-exclude fixtures") {
  run_file("semver_range_exclude.jsonl", false, 98);
}

TEST_CASE("npm ranges: desugaring matches node-semver's Range.range") {
  npm_range::Options strict{false, false};
  const std::pair<const char*, const char*> cases[] = {
      {"^1.2.3", ">=1.2.3 <2.0.0-0"},
      {"^0.1.2", ">=0.1.2 <0.2.0-0"},
      {"^0.0.1", ">=0.0.1 <0.0.2-0"},
      {"~1.2", ">=1.2.0 <1.3.0-0"},
      {"~> 1", ">=1.0.0 <2.0.0-0"},
      {"1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"},
      {"1.x || >=2.5.0 || 5.0.0 - 7.2.3", ">=1.0.0 <2.0.0-0||>=2.5.0||>=5.0.0 <=7.2.3"},
      {">1.2", ">=1.3.0"},
      {"<=1.2", "<1.3.0-0"},
      {"*", ""},
      {"* || 1.2.3", ""},
      {">= 1.0.0 < 2", ">=1.0.0 <2.0.0-0"},
  };
  for (const auto& [input, expected] : cases) {
    auto r = npm_range::parse_range(input, strict);
    INFO(input);
    REQUIRE(r.ok());
    CHECK(r->str() == expected);
  }
}

TEST_CASE("npm ranges: advisory-style ranges and errors") {
  CHECK(sat("4.17.20", "<4.17.21"));
  CHECK_FALSE(sat("4.17.21", "<4.17.21"));
  CHECK(sat("1.0.0", ">=1.0.0 <1.2.5 || >=2.0.0 <2.1.0"));
  CHECK_FALSE(sat("1.2.5", ">=1.0.0 <1.2.5 || >=2.0.0 <2.1.0"));
  CHECK(sat("2.0.0-beta.1", ">=2.0.0-alpha <2.0.0"));
  CHECK_FALSE(sat("2.0.1-beta.1", ">=2.0.0-alpha <3.0.0"));
  CHECK(sat("2.0.1-beta.1", ">=2.0.0-alpha <3.0.0", {true, true}));
  auto bad_range = npm_range::satisfies("1.0.0", ">=x.y.z zz", {false, false});
  REQUIRE_FALSE(bad_range.ok());
  CHECK(bad_range.error().message.find("(range)") != std::string::npos);
  auto bad_version = npm_range::satisfies("nope", "*");
  REQUIRE_FALSE(bad_version.ok());
  CHECK(bad_version.error().message.find("(version)") != std::string::npos);
  CHECK_FALSE(npm_range::parse_range(std::string(2000, '1')).ok());
}
