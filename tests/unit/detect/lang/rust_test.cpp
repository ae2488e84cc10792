// Rust: Cargo.lock files (v1, v3, v4) against their expected.tsv, the TOML corners Cargo.lock
// can hold, and cargo-auditable's .dep-v0 section in ELF executables made by objcopy
// --add-section (binutils) and by hand; truncated and mutated inputs never crash.

#include <catch2/catch.hpp>

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "../fixtures.hpp"
#include "detect/lang/rust.hpp"
#include "exe_util.hpp"
#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/process.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::ElfSpec;
using strata::detect::test::ExactBuffer;
using strata::detect::test::name_versions;
using strata::detect::test::NameVersions;

namespace {

NameVersions expected_lock(const std::string& folder) {
  NameVersions out;
  for (const auto& row :
       strata::detect::test::expected_rows("pkgdb/rust/" + folder + "/expected.tsv")) {
    REQUIRE(row.size() == 3);
    out.emplace(row[1], row[2]);
  }
  return out;
}

std::string zlib(const std::string& text) {
  uLongf size = compressBound(text.size());
  std::string out(size, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                    reinterpret_cast<const Bytef*>(text.data()), text.size(), 9) == Z_OK);
  out.resize(size);
  return out;
}

// An ELF whose only section is .dep-v0 holding `data`.
std::string auditable_elf(const std::string& data) {
  ElfSpec spec;
  spec.data = std::string(64, '\0') + data;
  spec.sections.push_back({".dep-v0", 64, data.size()});
  return spec.build();
}

// What cargo-auditable writes for a binary `fixture` 0.2.0 with a build-only dependency (cc),
// a proc macro's dependency (also build), runtime dependencies with and without "kind", and a
// git crate.
const std::string k_audit_json = R"({"packages":[
 {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
 {"name":"fixture","version":"0.2.0","source":"local","dependencies":[2,3,4],"root":true},
 {"name":"libc","version":"0.2.153","source":"crates.io"},
 {"name":"proc-macro2","version":"1.0.78","source":"crates.io","kind":"build"},
 {"name":"ring","version":"0.17.7","source":"git","kind":"runtime","dependencies":[0,2]},
 {"name":"smallvec","version":"1.13.1","source":"registry","kind":"runtime"}
]})";
const NameVersions k_audit_runtime = {
    {"fixture", "0.2.0"}, {"libc", "0.2.153"}, {"ring", "0.17.7"}, {"smallvec", "1.13.1"}};

}  // namespace

TEST_CASE("rust: Cargo.lock files list what expected.tsv lists", "[rust]") {
  for (const std::string folder : {"cargo-v1", "cargo-v3", "cargo-v4-workspace"}) {
    INFO(folder);
    std::string lock = strata::detect::test::testdata("pkgdb/rust/" + folder + "/Cargo.lock");
    std::vector<std::string> warnings;
    auto pkgs = parse_cargo_lock(lock, "/src/" + folder + "/Cargo.lock", warnings);
    CHECK(warnings.empty());
    CHECK(name_versions(pkgs) == expected_lock(folder));
    for (const auto& p : pkgs) {
      CHECK(p.type == "rust");
      CHECK(p.ecosystem == "crates.io");
      CHECK(p.location == "/src/" + folder + "/Cargo.lock");
      CHECK(p.purl == "pkg:cargo/" + p.name + "@" + p.version);
    }
  }
}

TEST_CASE("rust: Cargo.lock candidates by file name", "[rust]") {
  CHECK(is_cargo_lock_candidate("/app/Cargo.lock"));
  CHECK(is_cargo_lock_candidate("Cargo.lock"));
  CHECK(is_cargo_lock_candidate("/usr/src/ripgrep-14.1.0/Cargo.lock"));
  CHECK(!is_cargo_lock_candidate("/app/cargo.lock"));
  CHECK(!is_cargo_lock_candidate("/app/Cargo.toml"));
  CHECK(!is_cargo_lock_candidate("/app/Cargo.lock.orig"));
  CHECK(!is_cargo_lock_candidate("/app/xCargo.lock"));
}

TEST_CASE("rust: the TOML corners of a Cargo.lock", "[rust]") {
  std::vector<std::string> warnings;
  SECTION("escapes, literal strings, comments, spaces, CRLF, brackets inside strings") {
    auto pkgs = parse_cargo_lock(
        "version = 3\r\n"
        "\r\n"
        "[[ package ]]  # spaced header\r\n"
        "name = \"esc\\u0061ped\"\r\n"
        "version = \"1.0.0\" # trailing comment\r\n"
        "dependencies = [\r\n"
        " \"weird ] name\",\r\n"
        " \"[nested\",\r\n"
        "]\r\n"
        "\r\n"
        "[[package]]\r\n"
        "name = 'literal\\n'\r\n"
        "version='2.0.0'\r\n"
        "dependencies = [\"a\", \"b\"]\r\n"
        "name = \"after-array\"\r\n",
        "/Cargo.lock", warnings);
    CHECK(warnings.empty());
    CHECK(name_versions(pkgs) == NameVersions{{"escaped", "1.0.0"}, {"after-array", "2.0.0"}});
  }
  SECTION("other tables' keys are not packages; [root] is") {
    auto pkgs = parse_cargo_lock(
        "[root]\nname = \"old-root\"\nversion = \"0.0.1\"\n\n"
        "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n"
        "[[patch.unused]]\nname = \"unused\"\nversion = \"9.9.9\"\n\n"
        "[metadata]\nname = \"meta\"\nversion = \"1\"\n",
        "/Cargo.lock", warnings);
    CHECK(warnings.empty());
    CHECK(name_versions(pkgs) == NameVersions{{"old-root", "0.0.1"}, {"a", "1.0.0"}});
  }
  SECTION("a package without a version warns once, with the count") {
    auto pkgs = parse_cargo_lock(
        "[[package]]\nname = \"a\"\n\n[[package]]\nversion = \"1.0.0\"\n\n"
        "[[package]]\nname = \"b\"\nversion = \"2.0.0\"\n\n[[package]]\nname = \"c\"\n"
        "version = \"unterminated\n",
        "/x/Cargo.lock", warnings);
    CHECK(name_versions(pkgs) == NameVersions{{"b", "2.0.0"}});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] ==
          "/x/Cargo.lock: skipped 3 [[package]] tables without a name or version (the first at "
          "line 1)");
  }
  SECTION("empty, binary and unbalanced input") {
    CHECK(parse_cargo_lock("", "/c", warnings).empty());
    CHECK(parse_cargo_lock(std::string("\0\xff[[[\n]]]\n", 10), "/c", warnings).empty());
    CHECK(parse_cargo_lock("deps = [[[[\n[[package]]\nname=\"x\"\nversion=\"1\"\n", "/c", warnings)
              .empty());
    CHECK(warnings.empty());
  }
}

TEST_CASE("rust: every prefix of a Cargo.lock and random bytes never crash", "[rust]") {
  std::string lock = strata::detect::test::testdata("pkgdb/rust/cargo-v3/Cargo.lock");
  NameVersions full = expected_lock("cargo-v3");
  for (std::size_t n = 0; n <= lock.size(); ++n) {
    ExactBuffer prefix(std::string_view(lock).substr(0, n));
    std::vector<std::string> warnings;
    auto got = name_versions(parse_cargo_lock(prefix.view(), "/c", warnings));
    INFO("prefix of " << n << " bytes");
    // A version cut short ("1.0.7" of "1.0.79") is not a version Cargo wrote: the string must be
    // closed, so a prefix yields a subset.
    CHECK(std::includes(full.begin(), full.end(), got.begin(), got.end()));
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string junk;
    std::size_t len = rng() % 300;
    const std::string alphabet = "[]\"'\\=\n #nameversion\r\tu0";
    for (std::size_t i = 0; i < len; ++i) {
      junk.push_back(round % 2 ? static_cast<char>(rng() & 0xff)
                               : alphabet[rng() % alphabet.size()]);
    }
    ExactBuffer buf(junk);
    std::vector<std::string> warnings;
    (void)parse_cargo_lock(buf.view(), "/c", warnings);
  }
}

TEST_CASE("rust: cargo-auditable data added by objcopy to a real executable", "[rust]") {
  auto objcopy = util::find_on_path("objcopy", "/usr/bin:/bin");
  INFO("objcopy is not installed (Debian package binutils)");
  REQUIRE(objcopy);
  test_support::TempDir tmp("strata-rust");
  {
    std::ofstream out(tmp.sub("dep-v0"), std::ios::binary);
    out << zlib(k_audit_json);
  }
  auto r = util::run_process(
      {*objcopy, "--add-section", ".dep-v0=" + tmp.sub("dep-v0"), "--set-section-flags",
       ".dep-v0=noload,readonly", "/usr/bin/true", tmp.sub("true-audited")},
      "");
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  auto bytes = util::read_file(tmp.sub("true-audited"));
  REQUIRE(bytes);
  CHECK(looks_like_executable(bytes.value()));
  std::vector<std::string> warnings;
  auto pkgs = parse_cargo_auditable(bytes.value(), "/usr/bin/fixture", warnings);
  CHECK(warnings.empty());
  CHECK(name_versions(pkgs) == k_audit_runtime);
  auto exe = Executable::parse(bytes.value());
  REQUIRE(exe);
  CHECK(name_versions(parse_cargo_auditable(*exe, "/usr/bin/fixture", warnings)) ==
        k_audit_runtime);
  for (const auto& p : pkgs) {
    CHECK(p.type == "rust");
    CHECK(p.ecosystem == "crates.io");
    CHECK(p.purl == "pkg:cargo/" + p.name + "@" + p.version);
    CHECK(p.location == "/usr/bin/fixture");
  }
  // The executable without the section: nothing, silently.
  auto plain = util::read_file("/usr/bin/true");
  REQUIRE(plain);
  CHECK(parse_cargo_auditable(plain.value(), "/usr/bin/true", warnings).empty());
  CHECK(warnings.empty());
}

TEST_CASE("rust: unreadable cargo-auditable data warns", "[rust]") {
  std::vector<std::string> warnings;
  auto parse = [&](const std::string& file) {
    ExactBuffer buf(file);
    return name_versions(parse_cargo_auditable(buf.view(), "/b", warnings));
  };
  CHECK(parse(auditable_elf(zlib(k_audit_json))) == k_audit_runtime);
  CHECK(warnings.empty());
  CHECK(parse(auditable_elf("not zlib at all")).empty());
  std::string cut = zlib(k_audit_json);
  CHECK(parse(auditable_elf(cut.substr(0, cut.size() / 2))).empty());
  CHECK(parse(auditable_elf(zlib(std::string(k_max_auditable_json + 1, ' ')))).empty());
  CHECK(parse(auditable_elf(zlib("{\"packages\": [1, 2"))).empty());
  CHECK(parse(auditable_elf(zlib("[]"))).empty());
  CHECK(parse(auditable_elf(zlib(std::string(100000, '[') + std::string(100000, ']')))).empty());
  CHECK(parse(auditable_elf(zlib(R"({"packages":[{"name":"a"},{"name":"b","version":"1"},7]})"))) ==
        NameVersions{{"b", "1"}});
  REQUIRE(warnings.size() == 7);
  CHECK(warnings[0].starts_with("/b: cargo-auditable data: not a complete zlib stream"));
  CHECK(warnings[1] == "/b: cargo-auditable data: not a complete zlib stream");
  CHECK(warnings[2] == "/b: cargo-auditable data: more than 8388608 bytes once decompressed");
  CHECK(warnings[3] == "/b: cargo-auditable data: not JSON");
  CHECK(warnings[4] == "/b: cargo-auditable data: no \"packages\" array");
  CHECK(warnings[5] == "/b: cargo-auditable data: JSON nested deeper than 16");
  CHECK(warnings[6] == "/b: cargo-auditable data: skipped 2 packages without a name or version");

  // A section that runs past the end of the file.
  std::string file = auditable_elf(zlib(k_audit_json));
  warnings.clear();
  auto exe = Executable::parse(file);
  REQUIRE(exe);
  const auto* s = exe->section(".dep-v0");
  REQUIRE(s);
  ExactBuffer cut_file(std::string_view(file).substr(0, s->offset + s->file_size - 1));
  // (The section table is after the data, so cut there the file has no sections: nothing.)
  CHECK(parse_cargo_auditable(cut_file.view(), "/b", warnings).empty());
  CHECK(warnings.empty());
}

TEST_CASE("rust: every prefix and random mutations of an audited ELF never crash", "[rust]") {
  const std::string file = auditable_elf(zlib(k_audit_json));
  for (std::size_t n = 0; n <= file.size(); ++n) {
    ExactBuffer prefix(std::string_view(file).substr(0, n));
    std::vector<std::string> warnings;
    auto got = name_versions(parse_cargo_auditable(prefix.view(), "/p", warnings));
    INFO("prefix of " << n << " bytes");
    CHECK((n == file.size() ? got == k_audit_runtime : got.empty()));
  }
  std::mt19937 rng(11);
  ExactBuffer buf(file);
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::size_t> at;
    for (int i = 0; i < 1 + static_cast<int>(rng() % 4); ++i) {
      // Mostly the ELF headers and the section table, sometimes the compressed data.
      std::size_t pos = round % 3 == 0   ? rng() % file.size()
                        : round % 3 == 1 ? rng() % 128
                                         : file.size() - 1 - rng() % 200;
      at.push_back(pos);
      buf.data()[pos] = static_cast<char>(rng() & 0xff);
    }
    std::vector<std::string> warnings;
    (void)parse_cargo_auditable(buf.view(), "/m", warnings);
    for (std::size_t pos : at) {
      buf.data()[pos] = file[pos];
    }
  }
}
