// Python metadata: the shared fixtures (testdata/pkgdb/python, copies of pkgdb-python) against
// their expected.tsv, the candidate paths, the header grammar, truncated and damaged inputs, and
// Debian's python3 (importlib.metadata, email) as the oracle for the header reading.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../fixtures.hpp"
#include "detect/lang/python.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

const std::string k_dir = "pkgdb/python/";
const std::string k_site = "/usr/local/lib/python3.11/site-packages/";

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

NameVersions expected(const std::string& folder) {
  NameVersions out;
  for (auto& row : expected_rows(k_dir + folder + "/expected.tsv")) {
    REQUIRE(row.size() == 3);
    out.emplace(row[1], row[2]);
  }
  return out;
}

NameVersions name_versions(const std::vector<model::Package>& pkgs) {
  NameVersions out;
  for (auto& p : pkgs) {
    out.emplace(p.name, p.version);
  }
  return out;
}

// Every file of the flat fixture folder `folder` (but expected.tsv), parsed by parse_python.
NameVersions parse_flat_folder(const std::string& folder, std::vector<std::string>& warnings) {
  NameVersions out;
  for (auto& row : expected_rows(k_dir + folder + "/expected.tsv")) {
    auto pkgs = parse_python(testdata(k_dir + folder + "/" + row[0]), k_site + row[0], warnings);
    auto got = name_versions(pkgs);
    out.insert(got.begin(), got.end());
  }
  return out;
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out);
}

}  // namespace

TEST_CASE("python fixtures: single metadata files (trivy) match expected.tsv", "[python]") {
  std::vector<std::string> warnings;
  CHECK(parse_flat_folder("trivy-metadata-files", warnings) == expected("trivy-metadata-files"));
  CHECK(warnings.empty());
}

TEST_CASE("python fixtures: dist-info, egg-info, egg and wheel (scalibr) match expected.tsv",
          "[python]") {
  // scalibr's testdata includes a .whl; it is not a candidate path, but parse_python reads the
  // wheel's .dist-info/METADATA like an egg's EGG-INFO/PKG-INFO, so the whole table holds.
  std::vector<std::string> warnings;
  CHECK(parse_flat_folder("scalibr-wheelegg", warnings) == expected("scalibr-wheelegg"));
  CHECK(warnings.empty());
}

TEST_CASE("python fixtures: zipped eggs (trivy) match expected.tsv", "[python]") {
  std::vector<std::string> warnings;
  CHECK(parse_flat_folder("trivy-egg-zips", warnings) == expected("trivy-egg-zips"));
  CHECK(warnings.empty());
}

TEST_CASE("python fixtures: site-packages trees (trivy) match expected.tsv", "[python]") {
  // Each sub-folder stands for a site-packages directory: every candidate file in it is parsed
  // (LICENSE.txt beside METADATA is not a candidate).
  const std::string root =
      std::string(STRATA_TESTDATA_DIR) + "/" + k_dir + "trivy-site-packages-dirs";
  NameVersions got;
  std::vector<std::string> warnings;
  std::size_t candidates = 0;
  for (auto& row : expected_rows(k_dir + "trivy-site-packages-dirs/expected.tsv")) {
    for (auto& entry : std::filesystem::recursive_directory_iterator(root + "/" + row[0])) {
      if (!entry.is_regular_file()) {
        continue;
      }
      std::string rel = std::filesystem::relative(entry.path(), root + "/" + row[0]).string();
      std::string path = "/opt/venv/lib/python3.11/site-packages/" + rel;
      if (!is_python_candidate(path)) {
        continue;
      }
      ++candidates;
      std::string content = testdata(k_dir + "trivy-site-packages-dirs/" + row[0] + "/" + rel);
      auto pkgs = parse_python(content, path, warnings);
      for (auto& p : pkgs) {
        CHECK(p.location == path);
      }
      auto nv = name_versions(pkgs);
      got.insert(nv.begin(), nv.end());
    }
  }
  CHECK(candidates == 5);
  CHECK(got == expected("trivy-site-packages-dirs"));
  CHECK(warnings.empty());
}

TEST_CASE("python packages: type, ecosystem, PEP 503 purl, location", "[python]") {
  std::vector<std::string> warnings;
  const std::string path = k_site + "pyOpenSSL-26.0.0.dist-info/METADATA";
  auto pkgs =
      parse_python(testdata(k_dir + "scalibr-wheelegg/pyopenssl-26.0.0.dist-info"), path, warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].name == "pyOpenSSL");
  CHECK(pkgs[0].version == "26.0.0");
  CHECK(pkgs[0].type == "python");
  CHECK(pkgs[0].ecosystem == "PyPI");
  CHECK(pkgs[0].purl == "pkg:pypi/pyopenssl@26.0.0");
  CHECK(pkgs[0].location == path);
  CHECK(pkgs[0].layer.empty());
  CHECK(pkgs[0].source_name.empty());
  CHECK(pkgs[0].arch.empty());

  pkgs = parse_python(testdata(k_dir + "scalibr-wheelegg/special_chars"), "/x", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].purl == "pkg:pypi/backports-ssl-match-hostname@3.5.0.1");
  CHECK(pep503_normalise("Foo.__Bar-_-baz") == "foo-bar-baz");
  CHECK(pep503_normalise("zope.interface") == "zope-interface");

  pkgs = parse_python(testdata(k_dir + "trivy-egg-zips/kitchen-1.2.6-py2.7.egg"),
                      k_site + "kitchen-1.2.6-py2.7.egg", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].location == k_site + "kitchen-1.2.6-py2.7.egg");
  CHECK(pkgs[0].purl == "pkg:pypi/kitchen@1.2.6");
  CHECK(warnings.empty());
}

TEST_CASE("python candidates: metadata files under site-packages or dist-packages", "[python]") {
  for (const char* yes : {
           "/usr/lib/python3/dist-packages/six-1.16.0.egg-info",
           "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
           "/usr/local/lib/python3.11/site-packages/Django-4.2.dist-info/METADATA",
           "/opt/venv/lib/python3.11/site-packages/pip-23.0.dist-info/METADATA",
           "/home/u/.local/lib/python3.9/site-packages/x-1.dist-info/METADATA",
           "/usr/lib/python3.11/site-packages/setuptools-40.egg/EGG-INFO/PKG-INFO",
           "/usr/lib/python2.7/site-packages/kitchen-1.2.6-py2.7.egg",
           "/usr/lib/python3/dist-packages/pip/_vendor/x-1.0.dist-info/METADATA",
           "/site-packages/a.dist-info/METADATA",
       }) {
    INFO(yes);
    CHECK(is_python_candidate(yes));
  }
  for (const char* no : {
           "/app/mypkg.egg-info/PKG-INFO",  // a source tree (pip install -e), not site-packages
           "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD",
           "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/LICENSE",
           "/usr/lib/python3/dist-packages/six.py",
           "/usr/lib/python3/site-packages-old/x-1.dist-info/METADATA",
           "/usr/lib/python3/my-site-packages/x-1.dist-info/METADATA",
           "/usr/lib/python3/site-packages/x-1.dist-info/METADATA.bak",
           "/usr/lib/python3/site-packages/x-1.whl",
           "/root/.cache/pip/wheels/x-1.dist-info/METADATA",
           "METADATA",
           "",
           "/",
       }) {
    INFO(no);
    CHECK_FALSE(is_python_candidate(no));
  }
}

TEST_CASE("python metadata: the header grammar", "[python]") {
  SECTION("folded values, the description not read") {
    auto md = read_python_metadata(
        "Metadata-Version: 1.1\nName: demo\nLicense: MIT\n   and more\nVersion: 1.0\n"
        "Description: text\n        Version: 6.6\n        |\n\nVersion: 9.9\n");
    CHECK(md.name == "demo");
    CHECK(md.version == "1.0");
    CHECK(md.stray_line == 0);
  }
  SECTION("case-insensitive names, first value wins, CRLF") {
    auto md = read_python_metadata("NAME: a\r\nversion: 1\r\nVersion: 2\r\nname: b\r\n");
    CHECK(md.name == "a");
    CHECK(md.version == "1");
  }
  SECTION("CR line ends, BOM, tab folding") {
    auto md = read_python_metadata("\xEF\xBB\xBFName: a\rVersion: 1.0\r\tpost1\r");
    CHECK(md.name == "a");
    CHECK(md.version == "1.0 post1");
  }
  SECTION("a stray line ends the headers") {
    auto md = read_python_metadata("Name: a\nKeywords: x\ncrypt md5\nVersion: 1\n");
    CHECK(md.name == "a");
    CHECK(md.version.empty());
    CHECK(md.stray_line == 3);
    std::vector<std::string> warnings;
    CHECK(parse_python_metadata("Name: a\nKeywords: x\ncrypt md5\nVersion: 1\n", "/p/METADATA",
                                warnings)
              .empty());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] ==
          "/p/METADATA: Python metadata without Version (the headers end at line 3, which is not "
          "a header)");
  }
  SECTION("a blank-only line folds, a space before ':' is not a header") {
    CHECK(read_python_metadata("Name: a\n  \nVersion: 1\n").version == "1");
    CHECK(read_python_metadata("Name : a\nVersion: 1\n").name.empty());
  }
  SECTION("envelope and empty-name lines are dropped") {
    auto md = read_python_metadata("From x\n folded\n:odd\nName: n\nVersion: 2\n");
    CHECK(md.name == "n");
    CHECK(md.version == "2");
  }
  SECTION("missing fields warn") {
    std::vector<std::string> warnings;
    CHECK(parse_python_metadata("", "/e", warnings).empty());
    CHECK(parse_python_metadata("Name: x\n", "/x", warnings).empty());
    CHECK(warnings == std::vector<std::string>{"/e: Python metadata without Name and Version",
                                               "/x: Python metadata without Version"});
  }
}

TEST_CASE("python eggs: not a zip, no metadata, limits", "[python]") {
  std::vector<std::string> warnings;
  CHECK(parse_python_egg("not a zip", "/a.egg", warnings).empty());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("/a.egg: not a zip archive", 0) == 0);

  warnings.clear();
  const std::string egg = testdata(k_dir + "scalibr-wheelegg/monotonic-1.6-py3.10.egg");
  PythonZipLimits limits;
  limits.max_entries = 1;  // EGG-INFO/PKG-INFO is the second entry
  CHECK(parse_python_egg(egg, "/m.egg", warnings, limits).empty());
  CHECK(warnings ==
        std::vector<std::string>{"/m.egg: more than 1 zip entries; the rest is not read",
                                 "/m.egg: no EGG-INFO/PKG-INFO in the archive"});

  warnings.clear();
  limits = {};
  limits.max_metadata_size = 40;  // "Metadata-Version: 2.1\nName: monotonic\nV" -- no Version
  CHECK(parse_python_egg(egg, "/m.egg", warnings, limits).empty());
  CHECK(warnings ==
        std::vector<std::string>{
            "/m.egg: EGG-INFO/PKG-INFO in the archive is larger than 40 bytes; only its start is "
            "read",
            "/m.egg!/EGG-INFO/PKG-INFO: Python metadata without Version (the headers end at line "
            "3, which is not a header)"});
}

TEST_CASE("python: every prefix and damaged copies of the fixtures parse safely", "[python]") {
  for (const char* file :
       {"trivy-metadata-files/asyncssh-2.14.2.METADATA", "scalibr-wheelegg/malformed_pkginfo",
        "scalibr-wheelegg/egginfo", "trivy-egg-zips/sample_package.egg",
        "scalibr-wheelegg/monotonic-1.6-py3.10.egg"}) {
    CAPTURE(file);
    const std::string content = testdata(k_dir + file);
    std::vector<std::string> w;
    auto full = parse_python(content, "/f", w);
    REQUIRE(full.size() == 1);
    std::size_t bad = 0;
    for (std::size_t len = 0; len < content.size(); ++len) {
      std::vector<std::string> warnings;
      auto pkgs = parse_python(std::string_view(content.data(), len), "/f", warnings);
      // A prefix yields nothing (with a warning) or the package, its version possibly cut short.
      if (pkgs.size() > 1 || (pkgs.empty() && warnings.empty()) ||
          (pkgs.size() == 1 &&
           (pkgs[0].name.empty() || full[0].version.rfind(pkgs[0].version, 0) != 0))) {
        ++bad;
      }
    }
    CHECK(bad == 0);
    // Random byte flips: no crash, at most one package.
    std::mt19937 rng(42);
    for (int round = 0; round < 300; ++round) {
      std::string damaged = content;
      for (int i = 0; i < 8; ++i) {
        damaged[rng() % damaged.size()] = static_cast<char>(rng());
      }
      std::vector<std::string> warnings;
      CHECK(parse_python(damaged, "/f", warnings).size() <= 1);
    }
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string noise(rng() % 600, '\0');
    for (auto& c : noise) {
      c = static_cast<char>(rng());
    }
    if (round % 2 == 0 && noise.size() >= 4) {
      noise.replace(0, 4, "PK\x03\x04");
    }
    std::vector<std::string> warnings;
    CHECK(parse_python(noise, "/n", warnings).size() <= 1);
  }
}

// The oracle: Debian's python3 reads a site-packages tree with importlib.metadata (which parses
// with email.message_from_string, compat32) and the zipped eggs with zipfile + email, in one run;
// strata's read_python_metadata must find the same Name and Version for every distribution.
// Python keeps a folded value's line breaks; both sides compare with blank runs squeezed.
TEST_CASE("python oracle: importlib.metadata reads the same names and versions", "[python]") {
  auto python = util::find_on_path("python3", "/usr/bin:/bin");
  INFO("python3 is not installed (Debian package python3): scripts/install-deps.sh --test");
  REQUIRE(python);

  test_support::TempDir tmp("strata-python-oracle");
  const std::string site = tmp.sub("site-packages");
  // dist name -> metadata file content; a name ending ".egg-info" without "/" is a file.
  const std::vector<std::pair<std::string, std::string>> dists = {
      {"plain-1.0.dist-info/METADATA",
       "Metadata-Version: 2.1\nName: plain\nVersion: 1.0\nSummary: s\n\nText.\n"
       "Version: 9.9\nName: fake\n"},
      {"Foo_Bar.baz-2.0.dist-info/METADATA",
       "Metadata-Version: 2.1\nLicense: MIT\n  continued\n\tand more\nName: Foo_Bar.baz\n"
       "Version: 2.0\nClassifier: A\n\nVersion: 3.0\n"},
      {"olddesc-0.5.egg-info",
       "Metadata-Version: 1.0\nName: olddesc\nVersion: 0.5\nDescription: first\n"
       "        Version: 6.6\n        Name: fake\n        |\nPlatform: UNKNOWN\n"},
      {"crlf-1.2.egg-info/PKG-INFO",
       "Metadata-Version: 1.1\r\nname: crlf\r\nVERSION: 1.2\r\n\r\nVersion: 7\r\n"},
      {"repeated-1.dist-info/METADATA", "Name: repeated\nVersion: 1\nVersion: 2\nName: other\n"},
      {"stray-1.dist-info/METADATA", "Name: stray\nKeywords: password\ncrypt md5\nVersion: 1.0\n"},
      {"blankline-3.dist-info/METADATA", "Name: blankline\n   \nVersion: 3\n"},
      {"envelope-1.dist-info/METADATA", "From nobody\nName: envelope\nVersion: 1.1\n"},
      {"cr-4.dist-info/METADATA", "Name: cr\rVersion: 4.0\r\rVersion: 5\r"},
      {"foldedname-0.1.dist-info/METADATA", "Name:\n  foldedname\nVersion:\n\t0.1\n"},
      {"emptyname-1.dist-info/METADATA", ":odd\nName: emptyname\nVersion: 1\n"},
      {"spacecolon-1.dist-info/METADATA", "Name : spacecolon\nVersion: 1\n"},
      {"tabpost-1.dist-info/METADATA", "Name: tabpost\nVersion: 1.0\n\tpost1\n"},
      {"noversion-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: noversion\n"},
  };
  std::map<std::string, std::string> by_dist;  // dist dir -> metadata content
  for (auto& [rel, content] : dists) {
    write_file(site + "/" + rel, content);
    by_dist[rel.substr(0, rel.find('/'))] = content;
  }
  const std::vector<std::string> eggs = {"trivy-egg-zips/kitchen-1.2.6-py2.7.egg",
                                         "trivy-egg-zips/sample_package.egg",
                                         "scalibr-wheelegg/monotonic-1.6-py3.10.egg"};
  const std::string script = R"(
import email, sys, zipfile
import importlib.metadata as m
def norm(v):
    return '<none>' if v is None else ' '.join(v.split())
for d in m.distributions(path=[sys.argv[1]]):
    md = d.metadata
    print('%s\t%s\t%s' % (d._path.name, norm(md.get('Name')), norm(md.get('Version'))))
for egg in sys.argv[2:]:
    with zipfile.ZipFile(egg) as z:
        msg = email.message_from_string(z.read('EGG-INFO/PKG-INFO').decode('utf-8'))
    print('%s\t%s\t%s' % (egg.rsplit('/', 1)[1], norm(msg.get('Name')), norm(msg.get('Version'))))
)";
  std::vector<std::string> argv = {*python, "-c", script, site};
  for (auto& e : eggs) {
    argv.push_back(std::string(STRATA_TESTDATA_DIR) + "/" + k_dir + e);
  }
  auto r = util::run_process(argv, "", util::ProcessOptions{std::chrono::seconds(60), 1u << 20});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  std::set<std::string> want;
  std::istringstream lines(r->out);
  for (std::string line; std::getline(lines, line);) {
    want.insert(line);
  }
  CHECK(want.size() == dists.size() + eggs.size());

  auto or_none = [](const std::string& s) { return s.empty() ? std::string("<none>") : s; };
  std::set<std::string> got;
  for (auto& [dist, content] : by_dist) {
    auto md = read_python_metadata(content);
    got.insert(dist + "\t" + or_none(md.name) + "\t" + or_none(md.version));
  }
  for (auto& e : eggs) {
    std::vector<std::string> warnings;
    auto pkgs = parse_python_egg(testdata(k_dir + e), "/e.egg", warnings);
    REQUIRE(pkgs.size() == 1);
    got.insert(e.substr(e.rfind('/') + 1) + "\t" + pkgs[0].name + "\t" + pkgs[0].version);
  }
  CHECK(got == want);
}
