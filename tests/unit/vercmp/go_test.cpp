// Go module versions against golang.org/x/mod/semver's own table (testdata/vercmp/go-semver).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/go.hpp"
#include "vercmp/osv_range.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"

using namespace strata::vercmp;

namespace {

std::string data_path(const char* name) {
  return std::string(STRATA_TESTDATA_DIR) + "/vercmp/go-semver/" + name;
}

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
      std::size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) {
        break;
      }
      start = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::vector<vercmp_testlib::SignedRow> read_rows() {
  return vercmp_testlib::read_signed_rows(data_path("go_semver.tsv"));
}

using vercmp_testlib::sign;

}  // namespace

TEST_CASE("go: every x/mod semver comparison row, both directions") {
  auto rows = read_rows();
  CHECK(rows.size() == 1024);
  std::size_t pass = 0;
  std::size_t both_valid = 0;
  for (const auto& row : rows) {
    INFO(row.left << " ? " << row.right);
    bool ok = sign(go::compare_x_mod(row.left, row.right)) == row.op &&
              sign(go::compare_x_mod(row.right, row.left)) == -row.op;
    CHECK(ok);
    // The dataset encodes x/mod's invalid versions (canonical "") as equal to each other and
    // below every valid one; compare_strings() reports them as errors instead.
    auto l = go::parse(row.left);
    auto r = go::parse(row.right);
    auto dispatched = compare(SchemeId::go, row.left, row.right);
    if (l.ok() && r.ok()) {
      ++both_valid;
      REQUIRE(dispatched.ok());
      CHECK(sign(*dispatched) == row.op);
      CHECK(sign(go::compare(*l, *r)) == row.op);
      CHECK(sign(go::compare(*r, *l)) == -row.op);
      ok = ok && sign(*dispatched) == row.op && sign(go::compare(*r, *l)) == -row.op;
    } else {
      CHECK_FALSE(dispatched.ok());
      ok = ok && !dispatched.ok();
    }
    pass += ok ? 1 : 0;
  }
  std::cout << "go_semver.tsv: " << rows.size() << " rows (" << both_valid
            << " with both sides valid), " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("go: canonical forms and validity as x/mod semver.Canonical") {
  auto rows = read_tsv(data_path("go_semver_canonical.tsv"));
  CHECK(rows.size() == 32);
  std::size_t pass = 0;
  for (auto& f : rows) {
    std::string expected = f.size() > 1 ? f[1] : "";
    auto v = go::parse(f[0]);
    INFO(f[0]);
    std::string got = v.ok() ? go::canonical(*v) : "";
    CHECK(got == expected);
    pass += got == expected ? 1 : 0;
  }
  std::cout << "go_semver_canonical.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("go: strict weak ordering over every version in the files (x/mod Compare)") {
  std::set<std::string> unique;
  for (const auto& row : read_rows()) {
    unique.insert(row.left);
    unique.insert(row.right);
  }
  std::vector<std::string> versions(unique.begin(), unique.end());
  std::size_t bad = vercmp_testlib::sort_and_count_inconsistent(versions, go::compare_x_mod);
  std::cout << "go ordering: " << versions.size() << " distinct versions, " << bad
            << " inconsistent pairs\n";
  CHECK(bad == 0);
}

TEST_CASE("go: OSV-style versions without the leading v") {
  auto cmp = [](const char* a, const char* b) {
    auto r = go::compare_strings(a, b);
    REQUIRE(r.ok());
    return sign(*r);
  };
  CHECK(cmp("0", "v0.0.1") < 0);  // "introduced": "0"
  CHECK(cmp("1.2.3", "v1.2.3") == 0);
  CHECK(cmp("1.16.0-0", "1.16.0") < 0);
  CHECK(cmp("1.16.0-0", "1.16.0-rc.1") < 0);
  CHECK(cmp("2.0.0+incompatible", "2.0.1") < 0);
  CHECK(cmp("0.0.0-20191109021931-daa7c04131f5", "0.0.1") < 0);
  CHECK(cmp("1.2.4-0.20191109021931-daa7c04131f5", "1.2.3") > 0);
  CHECK(validate(SchemeId::go, "1.2.3").ok());
  CHECK_FALSE(validate(SchemeId::go, "1.2.3-01").ok());
  CHECK_FALSE(go::parse("1.2.3").ok());  // parse() is strict by default
  auto err = go::compare_strings("v1.0.0", "x1");
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().message.find("(right)") != std::string::npos);
}

TEST_CASE("go: +incompatible and pseudo-versions") {
  auto v = go::parse("v2.0.0+incompatible");
  REQUIRE(v.ok());
  CHECK(v->incompatible());
  CHECK(go::canonical(*v) == "v2.0.0");
  for (const char* p :
       {"v0.0.0-20191109021931-daa7c04131f5", "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.3-pre.0.20191109021931-daa7c04131f5",
        "v1.2.4-0.20191109021931-daa7c04131f5+incompatible"}) {
    auto pv = go::parse(p);
    INFO(p);
    REQUIRE(pv.ok());
    CHECK(go::is_pseudo_version(*pv));
  }
  for (const char* p : {"v1.2.3", "v1.2.3-pre", "v0.0.0-2019110902193-daa7c04131f5"}) {
    auto pv = go::parse(p);
    INFO(p);
    REQUIRE(pv.ok());
    CHECK_FALSE(go::is_pseudo_version(*pv));
  }
}

TEST_CASE("go: toolchain versions as go/version.Compare") {
  // Expectations from go/version's documentation and its compare table.
  struct Case {
    const char* a;
    const char* b;
    int want;
  };
  // clang-format off
  const Case cases[] = {
      {"go1", "go1.1", -1},          {"go1.5", "go1.6", -1},
      {"go1.5", "go1.10", -1},       {"go1.6", "go1.6.1", -1},
      {"go1.19", "go1.19.0", 0},     {"go1.19rc1", "go1.19", -1},
      {"go1.20", "go1.20.0", 0},     {"go1.20", "go1.20.0-bigcorp", 0},
      {"go1.20rc1", "go1.20", -1},   {"go1.21", "go1.21.0", -1},
      {"go1.21", "go1.21rc1", -1},   {"go1.21rc1", "go1.21.0", -1},
      {"go1.19rc1", "go1.19beta1", 1}, {"go1.19beta2", "go1.19beta1", 1},
      {"go1.1", "go1.99999999999999998", -1},
      {"go1.99999999999999998", "go1.99999999999999999", -1},
      {"go1.21.3", "1.21.3", 0},     {"go1.22rc1", "go1.21.10", 1},
      {"go1.20beta1", "go1.20rc1", -1},
  };
  // clang-format on
  for (const auto& c : cases) {
    INFO(c.a << " ? " << c.b);
    auto r = go::compare_toolchain(c.a, c.b);
    REQUIRE(r.ok());
    CHECK(sign(*r) == c.want);
    auto back = go::compare_toolchain(c.b, c.a);
    REQUIRE(back.ok());
    CHECK(sign(*back) == -c.want);
  }
  for (const char* bad : {"", "go", "go1.21.3rc1", "go1.021", "go1.21.", "gox", "go1.21RC1"}) {
    INFO(bad);
    CHECK_FALSE(go::compare_toolchain(bad, "go1.21").ok());
  }
  CHECK(*go::toolchain_to_semver("go1.21.3") == "1.21.3");
  CHECK(*go::toolchain_to_semver("go1.22rc1") == "1.22.0-rc.1");
  CHECK(*go::toolchain_to_semver("go1.20beta1") == "1.20.0-beta.1");
  CHECK(*go::toolchain_to_semver("go1.21") == "1.21.0");
  CHECK(*go::toolchain_to_semver("go1") == "1.0.0");
  // The converted forms order like the toolchain versions.
  auto sv = [](const char* t) { return *go::toolchain_to_semver(t); };
  CHECK(sign(*go::compare_strings(sv("go1.22rc1"), sv("go1.22.0"))) == -1);
  CHECK(sign(*go::compare_strings(sv("go1.20beta1"), sv("go1.20rc1"))) == -1);
}

TEST_CASE("go: pseudo-versions and +incompatible order as x/mod semver.Compare") {
  // x/mod orders a pseudo-version as the prerelease it is; semver_test.go's table (go_semver.tsv)
  // has none, so these follow from semver.Compare's rules: vX.Y.Z-0.T.H sorts after vX.Y.(Z-1)
  // and before vX.Y.Z; v0.0.0-T.H before every release; timestamps in order; build ignored.
  auto cmp = [](const char* a, const char* b) {
    auto r = go::compare_strings(a, b);
    INFO(a << " ? " << b);
    REQUIRE(r.ok());
    return sign(*r);
  };
  const char* base = "v0.0.0-20210121094942-22b2f8951d46";
  const char* next = "v1.2.4-0.20191109021931-daa7c04131f5";
  CHECK(cmp(base, "v0.0.0") < 0);
  CHECK(cmp(base, "v0.0.1") < 0);
  CHECK(cmp(base, "v0.0.0-20210121094943-00000000000") < 0);  // later timestamp
  CHECK(cmp("v0.0.0-20191109021931-daa7c04131f5", base) < 0);
  CHECK(cmp(next, "v1.2.3") > 0);
  CHECK(cmp(next, "v1.2.4") < 0);
  CHECK(cmp(next, "v1.2.4-0.20191109021932-aaaaaaaaaaaa") < 0);
  CHECK(cmp(next, "v1.2.4-rc.1") < 0);  // "0" is numeric: below "rc"
  CHECK(cmp("v1.2.4-pre.0.20191109021931-daa7c04131f5", "v1.2.4-pre") > 0);
  // +incompatible is build metadata: v2.0.0+incompatible compares as v2.0.0.
  CHECK(cmp("v2.0.0+incompatible", "v2.0.0") == 0);
  CHECK(cmp("v2.0.0+incompatible", "v2.0.0+meta") == 0);
  CHECK(cmp("v2.0.0+incompatible", "v1.9.9") > 0);
  CHECK(cmp("v2.0.0+incompatible", "v2.0.1") < 0);
  CHECK(cmp("v2.0.0-rc.1+incompatible", "v2.0.0+incompatible") < 0);
  CHECK(cmp("v2.0.1-0.20191109021931-daa7c04131f5+incompatible", "v2.0.0+incompatible") > 0);
  // Numbers of any length, also in prereleases (x/mod compares them by length, then digits).
  CHECK(cmp("v1234567890123456789012345.0.0", "v1234567890123456789012346.0.0") < 0);
  CHECK(cmp("v1.0.0-1234567890123456789012345", "v1.0.0-999") > 0);

  // As OSV bounds: a pseudo-version fix closes a range of pseudo-versions.
  OsvAffected a;
  a.ecosystem = "Go";
  a.name = "example.com/m";
  a.ranges.push_back({"SEMVER",
                      {{OsvEvent::Kind::introduced, "0"},
                       {OsvEvent::Kind::fixed, "0.0.0-20210121094942-22b2f8951d46"}}});
  auto before = evaluate(a, SchemeId::go, "v0.0.0-20200101000000-abcdefabcdef");
  REQUIRE(before.ok());
  CHECK(before->affected);
  auto at = evaluate(a, SchemeId::go, base);
  REQUIRE(at.ok());
  CHECK_FALSE(at->affected);
}
