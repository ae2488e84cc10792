// strata's Java archive parser (lib/detect/lang/java.*):
//  - the Java properties and manifest syntax, case by case, as java.util.Properties and
//    java.util.jar.Manifest read them (checked by hand on OpenJDK 17);
//  - every fixture of the shared dataset pkgdb-java-jar (testdata/pkgdb/java) against its
//    expected.tsv, with the one expectation chosen differently written down below;
//  - archives built by testdata/pkgdb/java-built/make_jars.py (python3): a shaded jar, manifest-
//    and bundle-only jars, Spring Boot jars nested three levels deep (STORED, and behind a launch
//    script), an ear, nesting past the depth bound, zip bombs, central-directory cases the JVM
//    decides (a stale local entry, an appended entry, two concatenated zips), an encrypted
//    entry, an entry-count bound;
//  - the oracle: unzip and zipinfo (Debian package unzip) list and extract every archive,
//    nested ones included, and the packages made from what they extract are compared;
//  - truncated (every 97th prefix), corrupted and random inputs.
// scripts/install-deps.sh --test installs python3 and unzip.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../fixtures.hpp"
#include "../rpm_oracle.hpp"
#include "detect/lang/java.hpp"
#include "detect/lang/java_manifest.hpp"
#include "detect/lang/java_properties.hpp"
#include "support/temp_dir.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

// "name\tversion\tlocation" of each package, after checking the fields every package carries.
std::multiset<std::string> rows_of(const std::vector<model::Package>& pkgs) {
  std::multiset<std::string> out;
  for (const auto& p : pkgs) {
    CHECK(p.type == "java");
    CHECK(p.ecosystem == "Maven");
    auto colon = p.name.find(':');
    REQUIRE(colon != std::string::npos);
    CHECK(p.purl == "pkg:maven/" + p.name.substr(0, colon) + "/" + p.name.substr(colon + 1) + "@" +
                        p.version);
    CHECK(p.layer.empty());
    CHECK(p.source_name.empty());
    out.insert(p.name + "\t" + p.version + "\t" + p.location);
  }
  return out;
}

std::multiset<std::string> parse_rows(const std::string& bytes, const std::string& path,
                                      std::vector<std::string>& warnings,
                                      const JarLimits& limits = {}) {
  return rows_of(parse_java_archive(bytes, path, warnings, limits));
}

bool any_contains(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings) {
    if (w.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// expected.tsv's "maven.war/WEB-INF/lib/x.jar" as strata locates it: "maven.war!/WEB-INF/...".
std::string bang_path(const std::string& slash_path) {
  std::string out;
  std::size_t start = 0;
  while (start <= slash_path.size()) {
    auto slash = slash_path.find('/', start);
    std::string seg = slash_path.substr(start, slash == std::string::npos ? slash : slash - start);
    out += seg;
    if (slash == std::string::npos) {
      break;
    }
    out += is_java_candidate(seg) ? "!/" : "/";
    start = slash + 1;
  }
  return out;
}

// The archives make_jars.py builds, once per test run.
const std::string& built_dir() {
  static test_support::TempDir dir("strata-java-built");
  static bool made = false;
  if (!made) {
    const std::string python = detect::test::require_tool("python3", "python3");
    detect::test::run_ok(
        {python, std::string(STRATA_TESTDATA_DIR) + "/pkgdb/java-built/make_jars.py", dir.path});
    made = true;
  }
  return dir.path;
}

std::string built(const std::string& name) {
  return detect::test::slurp(built_dir() + "/" + name);
}

}  // namespace

TEST_CASE("java: candidates by extension, any case", "[java]") {
  for (const char* p :
       {"/app/app.jar", "/srv/x.WAR", "/a/b.ear", "/a/b.par", "/a/b.sar",
        "/var/jenkins_home/plugins/git.jpi", "/usr/share/jenkins/x.hpi", "/opt/Foo.Jar"}) {
    CAPTURE(p);
    CHECK(is_java_candidate(p));
  }
  for (const char* p : {"/app/app.zip", "/app/jar", "/app/x.jar/", "/app/x.jarx", "/x.jmod",
                        "/usr/lib/x.jar.sha1", "/"}) {
    CAPTURE(p);
    CHECK_FALSE(is_java_candidate(p));
  }
}

TEST_CASE("java: properties read as java.util.Properties reads them", "[java]") {
  auto v = [](std::string_view text) { return parse_java_properties(text).values; };
  using M = std::map<std::string, std::string>;
  // Separators: '=', ':', blanks, blanks around them; a key alone has an empty value.
  CHECK(v("a=1\nb:2\nc 3\nd = 4\ne : 5\n  f\t=\t6\ng\nh =\n") == M{{"a", "1"},
                                                                   {"b", "2"},
                                                                   {"c", "3"},
                                                                   {"d", "4"},
                                                                   {"e", "5"},
                                                                   {"f", "6"},
                                                                   {"g", ""},
                                                                   {"h", ""}});
  // Only one separator is skipped: "k==v" is "=v", "k = :v" is ":v"; blanks then '=' count as one.
  CHECK(v("k==v\nl = :v\nm   =v") == M{{"k", "=v"}, {"l", ":v"}, {"m", "v"}});
  // Comments (# and !, after blanks too), blank lines; a comment ending in '\' does not continue.
  CHECK(v("# c\n  ! c\n\n\t\na=1\n#x\\\nb=2") == M{{"a", "1"}, {"b", "2"}});
  // Continuations: an odd number of trailing backslashes; the next line's leading blanks go.
  CHECK(v("a=x\\\n   y\\\n\tz\nb=p\\\\\nc=q\\\\\\\n r") ==
        M{{"a", "xyz"}, {"b", "p\\"}, {"c", "q\\r"}});
  // A continuation line starting with '#' is not a comment; a backslash at the very end goes.
  CHECK(v("a=1\\\n#2\nb=3\\") == M{{"a", "1#2"}, {"b", "3"}});
  // Line ends: CRLF, CR alone, and CRLF after a continuation.
  CHECK(v("a=1\r\nb=2\rc=3\\\r\n  4\r") == M{{"a", "1"}, {"b", "2"}, {"c", "34"}});
  // Escapes in keys and values; an escaped separator belongs to the key.
  CHECK(v("a\\=b\\:c\\ d=e\\tf\\ng\\rh\\fi\\\\j\\qk") == M{{"a=b:c d", "e\tf\ng\rh\fi\\jqk"}});
  // \uXXXX to UTF-8, surrogate pairs combined, a lone surrogate replaced; ISO-8859-1 bytes.
  CHECK(v("a=\\u0041\\u00e9\\u20AC\nb=\\uD83D\\uDE00\nc=\\uD800x\nd=caf\xE9") ==
        M{{"a", "A\xC3\xA9\xE2\x82\xAC"},
          {"b", "\xF0\x9F\x98\x80"},
          {"c", "\xEF\xBF\xBDx"},
          {"d", "caf\xC3\xA9"}});
  // A later key replaces an earlier one.
  CHECK(v("version=1\nversion=2") == M{{"version", "2"}});
  // A malformed \u (Java throws) is kept as text and reported.
  auto bad = parse_java_properties("a=\\u00zz\nb=\\u12");
  CHECK(bad.malformed_escape);
  CHECK(bad.values == M{{"a", "u00zz"}, {"b", "u12"}});
  CHECK_FALSE(parse_java_properties("a=\\u0041").malformed_escape);
  CHECK(v("").empty());
  // A lone backslash is an empty key with an empty value (OpenJDK 17: {=}).
  CHECK(v("\\") == M{{"", ""}});
  CHECK(v("\\\n\\\n") == M{{"", ""}});
  CHECK(v("a\\") == M{{"a", ""}});
}

TEST_CASE("java: manifest main section, continuation lines and case-insensitive names", "[java]") {
  auto m = parse_manifest_main_section(
      "Manifest-Version: 1.0\r\nImplementation-Title: a-very-long-name-that-the-jar-tool-fold\r\n"
      " s-at-72-bytes\r\nimplementation-version:  1.2 \r\nNo colon here\r\n"
      "Implementation-Vendor-Id: org.x\r\n\r\nName: a/b/\r\nImplementation-Version: 9\r\n");
  CHECK(m.value("Implementation-Title") == "a-very-long-name-that-the-jar-tool-folds-at-72-bytes");
  CHECK(m.value("IMPLEMENTATION-VERSION") == "1.2");  // trimmed, names any case
  CHECK(m.value("Implementation-Vendor-Id") == "org.x");
  CHECK(m.value("Name").empty());  // a named section's attributes are not the main section's
  CHECK(m.malformed_lines == 1);
  // A continuation of a continuation; CR alone; a later attribute of the same name wins.
  auto m2 = parse_manifest_main_section("A: x\r y\r z\rB: 1\nb: 2\n");
  CHECK(m2.value("A") == "xyz");
  CHECK(m2.value("B") == "2");
  // A continuation with nothing before it, and a line starting with ':' are malformed.
  CHECK(parse_manifest_main_section(" x\n: y\n").malformed_lines == 2);
  CHECK(parse_manifest_main_section("").attributes.empty());
  CHECK(parse_manifest_main_section("\nA: 1\n").attributes.empty());
}

TEST_CASE("java: Maven coordinates from a manifest", "[java]") {
  auto coords = [](std::string_view text) -> std::string {
    auto c = coordinates_from_manifest(parse_manifest_main_section(text));
    return c ? c->group_id + ":" + c->artifact_id + "@" + c->version : "none";
  };
  // 1. Implementation-Vendor-Id, -Title, -Version (else Bundle-Version).
  CHECK(coords("Implementation-Vendor-Id: com.example\nImplementation-Title: jenkins-plugin\n"
               "Implementation-Version: 1.0.0\nBundle-SymbolicName: x.y\nBundle-Version: 7\n") ==
        "com.example:jenkins-plugin@1.0.0");
  CHECK(coords("Implementation-Vendor-Id: org.a\nImplementation-Title: b\nBundle-Version: 3\n") ==
        "org.a:b@3");
  // 2. Bundle-SymbolicName split at its last dot, directives dropped; Bundle-Version first.
  CHECK(coords("Bundle-SymbolicName: com.fasterxml.jackson.core.jackson-databind;singleton:=true\n"
               "Bundle-Version: 2.13.4\nImplementation-Version: 9\n") ==
        "com.fasterxml.jackson.core:jackson-databind@2.13.4");
  CHECK(coords("Bundle-SymbolicName: org.x.y\nImplementation-Version: 1\n") == "org.x:y@1");
  // Rule 1 fails on free text and falls to rule 2.
  CHECK(coords("Implementation-Vendor-Id: JBoss by Red Hat\nImplementation-Title: Gizmo\n"
               "Implementation-Version: 1.1\nBundle-SymbolicName: io.quarkus.gizmo\n"
               "Bundle-Version: 1.1.0\n") == "io.quarkus:gizmo@1.1.0");
  // Nothing usable: no dot, free text, variables, no version, vendor names only.
  CHECK(coords("Bundle-SymbolicName: nodot\nBundle-Version: 1\n") == "none");
  CHECK(coords("Bundle-SymbolicName: org.x.\nBundle-Version: 1\n") == "none");
  CHECK(coords("Implementation-Vendor-Id: org.a\nImplementation-Title: %title\n"
               "Implementation-Version: 1\n") == "none");
  CHECK(coords("Implementation-Vendor-Id: ${groupId}\nImplementation-Title: a\n"
               "Implementation-Version: 1\n") == "none");
  CHECK(coords("Implementation-Vendor-Id: org.a\nImplementation-Title: a\n") == "none");
  CHECK(coords("Implementation-Vendor: Oracle\nSpecification-Vendor: Sun\nImplementation-Title: "
               "x\nImplementation-Version: 1\n") == "none");
  CHECK(coords("") == "none");
  CHECK(is_maven_id("org.apache.commons-lang_3"));
  CHECK_FALSE(is_maven_id("a b"));
  CHECK_FALSE(is_maven_id("a/b"));
  CHECK_FALSE(is_maven_id(""));
}

// The one expectation chosen differently from trivy's: test.jar has no pom.properties and a
// manifest with no Implementation-Vendor-Id; trivy (offline) takes the groupId from
// Bundle-SymbolicName (org.springframework.core -> org.springframework) and the artifactId
// from Implementation-Title, and reports "org.springframework:Spring Framework". An artifactId
// with a space is not a Maven id, so no advisory can name it; strata takes both from
// Bundle-SymbolicName (java_manifest.hpp): org.springframework:core at Bundle-Version. (The
// real coordinates, org.springframework:spring-core, are in neither manifest field: only a
// Maven Central lookup by SHA-1, which trivy does online, finds them.)
TEST_CASE("java: trivy's jar parser fixtures", "[java]") {
  const std::string dir = "pkgdb/java/trivy-jar-parser/";
  std::map<std::string, std::multiset<std::string>> want;
  for (const auto& row : expected_rows(dir + "expected.tsv")) {
    REQUIRE(row.size() == 5);
    std::string name = row[1];
    if (row[0] == "test.jar") {
      CHECK(name == "org.springframework:Spring Framework");
      name = "org.springframework:core";
    }
    want[row[0]].insert(name + "\t" + row[2] + "\t" + bang_path(row[3]));
  }
  CHECK(want.size() == 8);
  std::size_t total = 0;
  for (const auto& [file, rows] : want) {
    CAPTURE(file);
    std::vector<std::string> warnings;
    CHECK(parse_rows(testdata(dir + file), file, warnings) == rows);
    CHECK(warnings.empty());
    total += rows.size();
  }
  CHECK(total == 28);
}

TEST_CASE("java: osv-scalibr's guava jar", "[java]") {
  auto rows = expected_rows("pkgdb/java/scalibr-guava/expected.tsv");
  REQUIRE(rows.size() == 1);
  std::vector<std::string> warnings;
  CHECK(parse_rows(testdata("pkgdb/java/scalibr-guava/guava-31.1-jre.jar"), "/g.jar", warnings) ==
        std::multiset<std::string>{rows[0][0] + "\t" + rows[0][1] + "\t/g.jar"});
  CHECK(warnings.empty());
}

TEST_CASE("java: a shaded jar lists every pom.properties, in each syntax", "[java]") {
  std::vector<std::string> warnings;
  CHECK(parse_rows(built("shaded-app-1.0.jar"), "/app/shaded-app-1.0.jar", warnings) ==
        std::multiset<std::string>{"com.example:shaded-app\t1.0\t/app/shaded-app-1.0.jar",
                                   "com.google.guava:guava\t31.1-jre\t/app/shaded-app-1.0.jar",
                                   "org.slf4j:slf4j-api\t1.7.36\t/app/shaded-app-1.0.jar"});
  CHECK(warnings ==
        std::vector<std::string>{"/app/shaded-app-1.0.jar!/META-INF/maven/org.broken/broken/"
                                 "pom.properties: no valid version; skipped"});
}

TEST_CASE("java: manifest-only and bundle-only jars", "[java]") {
  std::vector<std::string> warnings;
  CHECK(parse_rows(built("manifest-only.jar"), "/m.jar", warnings) ==
        std::multiset<std::string>{"org.example.very.long.group:manifest-only\t2.0.1\t/m.jar"});
  CHECK(parse_rows(built("bundle-only.jar"), "/b.jar", warnings) ==
        std::multiset<std::string>{"com.fasterxml.jackson.core:jackson-databind\t2.13.4\t/b.jar"});
  CHECK(warnings.empty());
}

TEST_CASE("java: Spring Boot jars nested three levels deep, and an ear", "[java]") {
  const std::multiset<std::string> boot{
      "com.example:boot-app\t0.1\t/app.jar",
      "org.level:one\t1.0\t/app.jar!/BOOT-INF/lib/level1.jar",
      "org.level:two\t2.0\t/app.jar!/BOOT-INF/lib/level1.jar!/BOOT-INF/lib/level2.jar",
      "org.level:three\t3.0\t/app.jar!/BOOT-INF/lib/level1.jar!/BOOT-INF/lib/level2.jar!/lib/"
      "level3.jar"};
  const std::vector<std::string> not_zip{
      "/app.jar!/BOOT-INF/lib/not-a-zip.jar: not a readable zip archive (Unrecognized archive "
      "format)"};
  for (const char* file : {"boot-app.jar", "boot-app-executable.jar"}) {
    CAPTURE(file);
    std::vector<std::string> warnings;
    CHECK(parse_rows(built(file), "/app.jar", warnings) == boot);
    CHECK(warnings == not_zip);
  }
  std::vector<std::string> warnings;
  CHECK(parse_rows(built("a.ear"), "/srv/a.ear", warnings) ==
        std::multiset<std::string>{"org.a:a\t1\t/srv/a.ear",
                                   "org.c:c\t3\t/srv/a.ear!/lib/b.war!/WEB-INF/lib/c.JAR"});
  CHECK(warnings.empty());
}

TEST_CASE("java: a STORED nested jar larger than the bomb threshold is read", "[java]") {
  // Spring Boot stores BOOT-INF/lib/*.jar uncompressed: 3 MiB out of 3 MiB is no bomb.
  std::vector<std::string> warnings;
  CHECK(parse_rows(built("boot-large.jar"), "/app.jar", warnings) ==
        std::multiset<std::string>{"com.example:boot-large\t0.2\t/app.jar",
                                   "org.large:large\t9.1\t/app.jar!/BOOT-INF/lib/large-9.1.jar"});
  CHECK(warnings.empty());
}

TEST_CASE("java: nesting is read down to max_depth levels", "[java]") {
  const std::string deep = built("deep.jar");
  for (int max_depth : {0, 1, 4, 6}) {
    CAPTURE(max_depth);
    JarLimits limits;
    limits.max_depth = max_depth;
    std::vector<std::string> warnings;
    auto rows = parse_rows(deep, "d0.jar", warnings, limits);
    std::multiset<std::string> want;
    std::string location = "d0.jar";
    for (int level = 0; level <= max_depth; ++level) {
      want.insert("org.deep:d" + std::to_string(level) + "\t" + std::to_string(level) + "\t" +
                  location);
      location += "!/d" + std::to_string(level + 1) + ".jar";
    }
    CHECK(rows == want);
    if (max_depth < 6) {
      CHECK(warnings ==
            std::vector<std::string>{location + ": archive nested more than " +
                                     std::to_string(max_depth) + " levels deep not read"});
    } else {
      CHECK(warnings.empty());
    }
  }
}

TEST_CASE("java: zip bombs are skipped fast, naming the entry, and the rest is read", "[java]") {
  const std::string ok = "org.ok:ok\t1\tb.jar!/BOOT-INF/lib/ok.jar";
  struct Case {
    const char* file;
    const char* warning;
  };
  for (auto c : {Case{"bomb-honest.jar",
                      "b.jar!/BOOT-INF/lib/bomb.jar: declares 3221225472 bytes, more than the "
                      "268435456 read at most; not read"},
                 Case{"bomb-lying.jar", "b.jar!/BOOT-INF/lib/bomb.jar: 1114112 bytes from "},
                 Case{"bomb-pom.jar",
                      "b.jar!/META-INF/maven/x/y/pom.properties: decompresses to more than "
                      "1048576 bytes; not read"}}) {
    CAPTURE(c.file);
    const std::string bytes = built(c.file);
    std::vector<std::string> warnings;
    auto t0 = std::chrono::steady_clock::now();
    CHECK(parse_rows(bytes, "b.jar", warnings) == std::multiset<std::string>{ok});
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].rfind(c.warning, 0) == 0);
  }
  // Under a larger cap, the honest bomb is still refused before reading: 3 GiB from a 3 MB
  // archive is more than 100 times the archive.
  JarLimits limits;
  limits.max_archive_bytes = 8ull << 30;
  std::vector<std::string> warnings;
  auto t0 = std::chrono::steady_clock::now();
  CHECK(parse_rows(built("bomb-honest.jar"), "b.jar", warnings, limits) ==
        std::multiset<std::string>{ok});
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("a zip bomb; not read") != std::string::npos);
  // The total budget stops everything, with a warning.
  limits = {};
  limits.max_total_bytes = 512 * 1024;
  warnings.clear();
  CHECK(parse_rows(built("bomb-lying.jar"), "b.jar", warnings, limits).empty());
  CHECK(any_contains(warnings, "more than 524288 bytes decompressed in all; the rest not read"));
}

TEST_CASE("java: the central directory decides, as the JVM's ZipFile reads it", "[java]") {
  std::vector<std::string> warnings;
  // A local entry the central directory no longer lists is gone (a stale one at offset 0).
  CHECK(parse_rows(built("stale.jar"), "s.jar", warnings) ==
        std::multiset<std::string>{"org.kept:kept\t1\ts.jar"});
  // An entry added by rewriting the central directory is there.
  CHECK(parse_rows(built("appended.jar"), "a.jar", warnings) ==
        std::multiset<std::string>{"org.first:first\t1\ta.jar", "org.added:added\t2\ta.jar"});
  // Of two concatenated zips, the last.
  CHECK(parse_rows(built("concatenated.jar"), "c.jar", warnings) ==
        std::multiset<std::string>{"org.back:back\t1\tc.jar"});
  CHECK(warnings.empty());
}

// The JVM refuses a whole archive with an encrypted entry ("invalid CEN header (encrypted
// entry)"); strata skips the entry with a warning and reads the rest.
TEST_CASE("java: an encrypted entry is skipped with a warning", "[java]") {
  std::vector<std::string> warnings;
  CHECK(parse_rows(built("encrypted.jar"), "e.jar", warnings) ==
        std::multiset<std::string>{"org.plain:plain\t1\te.jar"});
  CHECK(warnings == std::vector<std::string>{"e.jar!/META-INF/maven/org.secret/secret/"
                                             "pom.properties: encrypted entry not read"});
}

TEST_CASE("java: the entry-count bound stops reading, with a warning", "[java]") {
  const std::string many = built("many-entries.jar");
  std::vector<std::string> warnings;
  CHECK(parse_rows(many, "m.jar", warnings) ==
        std::multiset<std::string>{"org.late:late\t1\tm.jar"});
  CHECK(warnings.empty());
  JarLimits limits;
  limits.max_entries = 1000;
  CHECK(parse_rows(many, "m.jar", warnings, limits).empty());
  CHECK(warnings == std::vector<std::string>{
                        "m.jar: more than 1000 archive entries in all; the rest not read"});
}

TEST_CASE("java: warnings are bounded", "[java]") {
  JarLimits limits;
  limits.max_depth = 0;  // a.ear!/lib/b.war is one level down: one warning
  std::vector<std::string> warnings;
  parse_java_archive(built("a.ear"), "a.ear", warnings, limits);
  CHECK(warnings.size() == 1);
  limits.max_warnings = 0;
  warnings.clear();
  parse_java_archive(built("a.ear"), "a.ear", warnings, limits);
  CHECK(warnings ==
        std::vector<std::string>{"a.ear: 1 more warnings about this archive not shown"});
}

namespace {

// The oracle: what unzip and zipinfo list and extract. `file` is on disk; `location` is how
// strata names it. Nested archives are extracted into `tmp` and walked the same way; one that
// zipinfo cannot read (boot-app's not-a-zip.jar) holds nothing.
void oracle_walk(const std::string& file, const std::string& location, const std::string& tmp,
                 std::multiset<std::string>& out, bool nested = false) {
  const std::string zipinfo = detect::test::require_tool("zipinfo", "unzip");
  const std::string unzip = detect::test::require_tool("unzip", "unzip");
  util::ProcessOptions opts{std::chrono::seconds(60), 256u << 20};
  auto listing = util::run_process({zipinfo, "-1", file}, "", opts);
  REQUIRE(listing);
  INFO(file << ": " << listing->err);
  if (nested && listing->exit_code > 1) {
    return;
  }
  REQUIRE(listing->exit_code <= 1);  // 1: warnings, e.g. bytes before the zip
  auto extract = [&](const std::string& name) {
    auto r = util::run_process({unzip, "-p", file, name}, "", opts);
    REQUIRE(r);
    REQUIRE(r->exit_code <= 1);
    return r->out;
  };
  std::vector<std::string> own;
  std::string manifest;
  static int counter = 0;
  for (const auto& name : detect::test::lines_of(listing->out)) {
    std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    if (base == "pom.properties") {
      auto props = parse_java_properties(extract(name)).values;
      own.push_back(props["groupId"] + ":" + props["artifactId"] + "\t" + props["version"] + "\t" +
                    location);
    } else if (name == "META-INF/MANIFEST.MF" || name == "meta-inf/manifest.mf") {
      manifest = extract(name);
    } else if (!name.empty() && name.back() != '/' && is_java_candidate(name)) {
      const std::string inner = tmp + "/" + std::to_string(++counter) + ".zip";
      std::ofstream(inner, std::ios::binary) << extract(name);
      oracle_walk(inner, location + "!/" + name, tmp, out, true);
    }
  }
  out.insert(own.begin(), own.end());
  if (own.empty() && !manifest.empty()) {
    if (auto c = coordinates_from_manifest(parse_manifest_main_section(manifest))) {
      out.insert(c->group_id + ":" + c->artifact_id + "\t" + c->version + "\t" + location);
    }
  }
}

}  // namespace

TEST_CASE("java oracle: unzip and zipinfo extract what strata reads", "[java][oracle]") {
  test_support::TempDir tmp("strata-java-oracle");
  std::vector<std::string> files;
  for (const char* f : {"gradle.war", "hadoop-shaded-guava-1.1.0-SNAPSHOT.jar",
                        "io.quarkus.gizmo.gizmo-1.1.jar", "license-from-jenkins-plugin.jar",
                        "maven.war", "multi-license-1.0.0.jar", "nested.jar", "test.jar"}) {
    files.push_back(std::string(STRATA_TESTDATA_DIR) + "/pkgdb/java/trivy-jar-parser/" + f);
  }
  files.push_back(std::string(STRATA_TESTDATA_DIR) +
                  "/pkgdb/java/scalibr-guava/guava-31.1-jre.jar");
  for (const char* f : {"manifest-only.jar", "bundle-only.jar", "boot-app-executable.jar", "a.ear",
                        "deep.jar", "appended.jar"}) {
    files.push_back(built_dir() + "/" + f);
  }
  std::size_t total = 0;
  for (const auto& file : files) {
    CAPTURE(file);
    std::multiset<std::string> want;
    oracle_walk(file, "x.jar", tmp.path, want);
    JarLimits limits;
    limits.max_depth = 10;
    std::vector<std::string> warnings;
    auto got = parse_rows(detect::test::slurp(file), "x.jar", warnings, limits);
    // The gizmo jar declares two packages twice each; strata returns each once.
    std::set<std::string> want_unique(want.begin(), want.end());
    CHECK(std::set<std::string>(got.begin(), got.end()) == want_unique);
    CHECK(got.size() == want_unique.size());
    total += got.size();
  }
  CHECK(total == 29 + 2 + 4 + 2 + 7 + 2);
}

TEST_CASE("java: truncated, corrupted and random archives parse safely", "[java]") {
  std::mt19937 rng(14);
  for (const char* f : {"trivy-jar-parser/nested.jar", "trivy-jar-parser/test.jar",
                        "trivy-jar-parser/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar",
                        "trivy-jar-parser/io.quarkus.gizmo.gizmo-1.1.jar"}) {
    CAPTURE(f);
    const std::string full = testdata(std::string("pkgdb/java/") + f);
    std::vector<std::string> w;
    const auto all = parse_rows(full, "f.jar", w);
    // Every 97th prefix (and the last few): a zip without its end record is not read at all.
    for (std::size_t len = 0; len < full.size(); len += (len + 8 >= full.size() ? 1 : 97)) {
      std::vector<std::string> warnings;
      auto pkgs = parse_java_archive(std::string_view(full.data(), len), "f.jar", warnings);
      CHECK(pkgs.empty());
      CHECK(warnings.size() == 1);
    }
    // Random bytes overwritten: whatever comes out is bounded; the parser survives.
    for (int round = 0; round < 200; ++round) {
      std::string bytes = full;
      for (int k = 0; k < 1 + round % 8; ++k) {
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
      }
      std::vector<std::string> warnings;
      auto pkgs = parse_java_archive(bytes, "f.jar", warnings);
      CHECK(pkgs.size() <= all.size() + 4);
      CHECK(warnings.size() <= JarLimits{}.max_warnings + 1);
    }
  }
  for (int round = 0; round < 200; ++round) {
    std::string bytes(rng() % 4096, '\0');
    for (auto& c : bytes) {
      c = static_cast<char>(rng());
    }
    if (round % 2 == 0 && bytes.size() >= 22) {  // an end record at the end, pointing anywhere
      bytes.replace(bytes.size() - 22, 4, "PK\x05\x06");
    }
    std::vector<std::string> warnings;
    parse_java_archive(bytes, "r.jar", warnings);
  }
  CHECK(true);
}
