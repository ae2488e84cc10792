// Go build info in executables: the pkgdb-go-binary fixtures (ELF, PE, Mach-O; Go 1.15 pointer
// format and Go >= 1.18 inline format) against their expected.tsv, synthetic ELFs for the
// corners, modinfo parsing, stdlib versions, and truncated / mutated binaries.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "../fixtures.hpp"
#include "detect/lang/gobinary.hpp"
#include "exe_util.hpp"

using namespace strata::detect::lang;
using strata::detect::test::ElfSpec;
using strata::detect::test::Endian;
using strata::detect::test::ExactBuffer;
using strata::detect::test::name_versions;
using strata::detect::test::NameVersions;

namespace {

const std::string k_dir = "pkgdb/go-binary/";

std::string fixture(const std::string& folder, const std::string& file) {
  return strata::detect::test::unzstd(
      strata::detect::test::testdata(k_dir + folder + "/" + file + ".zst"));
}

// The expected.tsv rows of `file`, in strata's conventions. The two peers differ and strata
// follows neither exactly (see gobinary.hpp):
// - trivy keeps the "v" on every version, scalibr strips it; strata keeps Go's "v" on module
//   versions and writes stdlib without it (OSV's form), so versions compare without a leading
//   "v" here (the exact strings are checked in the next test);
// - scalibr names the toolchain "go", trivy and strata "stdlib";
// - both peers list the main module when its version is "(devel)" (trivy with an empty
//   version); strata reports a main module only with a real version, so those rows are dropped.
NameVersions expected_for(const std::string& folder, const std::string& file) {
  NameVersions out;
  for (const auto& row : strata::detect::test::expected_rows(k_dir + folder + "/expected.tsv")) {
    REQUIRE(row.size() >= 2);
    if (row[0] != file) {
      continue;
    }
    std::string name = row[1] == "go" ? "stdlib" : row[1];
    std::string version = row.size() > 2 ? row[2] : "";
    if (version.empty() || version == "(devel)") {
      continue;
    }
    if (version[0] == 'v') {
      version.erase(0, 1);
    }
    // main-version-via-ldflags.elf: trivy reads the main module's version from the linker flag
    // `-X main.version=v1.0.0` recorded in the build settings. That string is whatever the
    // program prints as its version (often "dev" or a date), not a module version Go recorded;
    // strata, like osv-scalibr, reports only the versions the build info gives, and the main
    // module's is "(devel)" here.
    if (file == "main-version-via-ldflags.elf" && name == "github.com/aquasecurity/test") {
      continue;
    }
    out.emplace(name, version);
  }
  return out;
}

NameVersions without_v(const NameVersions& in) {
  NameVersions out;
  for (auto [name, version] : in) {
    if (!version.empty() && version[0] == 'v') {
      version.erase(0, 1);
    }
    out.emplace(name, version);
  }
  return out;
}

const std::string k_info_start(
    "0w\xaf\x0c\x92t\x08\x02"
    "A\xe1\xc1\x07\xe6\xd6\x18\xe6",
    16);
const std::string k_info_end(
    "\xf9"
    "2C1\x86\x18 r\x00\x82"
    "B\x10"
    "A\x16\xd8\xf2",
    16);
const std::string k_magic = "\xff Go buildinf:";

std::string framed(const std::string& text) {
  return k_info_start + text + k_info_end;
}

void put_uvarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A Go >= 1.18 blob: header, then the two varint-prefixed strings.
std::string inline_blob(const std::string& vers, const std::string& mod, int ptr_size = 8) {
  std::string b = k_magic;
  b.push_back(static_cast<char>(ptr_size));
  b.push_back(2);
  b.resize(32, '\0');
  put_uvarint(b, vers.size());
  b += vers;
  put_uvarint(b, mod.size());
  b += mod;
  return b;
}

// A Go 1.13 - 1.17 blob at data offset 0 with both string headers and bytes behind it.
std::string pointer_blob(const std::string& vers, const std::string& mod, int ptr_size, bool big) {
  Endian e{big};
  const std::uint64_t base = ElfSpec::k_data_vaddr;
  const auto p = static_cast<std::uint64_t>(ptr_size);
  const std::uint64_t vers_hdr = 32, mod_hdr = 32 + 2 * p, vers_at = 32 + 4 * p;
  const std::uint64_t mod_at = vers_at + vers.size();
  std::string b = k_magic;
  b.push_back(static_cast<char>(ptr_size));
  b.push_back(big ? 1 : 0);
  e.put(b, base + vers_hdr, ptr_size);
  e.put(b, base + mod_hdr, ptr_size);
  b.resize(32, '\0');
  e.put(b, base + vers_at, ptr_size);
  e.put(b, vers.size(), ptr_size);
  e.put(b, base + mod_at, ptr_size);
  e.put(b, mod.size(), ptr_size);
  b += vers;
  b += mod;
  return b;
}

std::string go_elf(std::string data, bool with_section = true, bool is64 = true, bool big = false) {
  ElfSpec spec;
  spec.is64 = is64;
  spec.big = big;
  spec.data = std::move(data);
  if (with_section) {
    spec.sections.push_back({".go.buildinfo", 0, spec.data.size()});
  } else {
    spec.section_table = false;
  }
  return spec.build();
}

const std::string k_modinfo =
    "path\texample.com/hello\n"
    "mod\texample.com/hello\t(devel)\t\n"
    "dep\texample.com/dep\tv1.0.0\n"
    "=>\t./dep\t(devel)\t\n"
    "dep\texample.com/old\tv1.0.0\n"
    "=>\texample.com/new\tv1.2.0\th1:abc=\n"
    "dep\tgolang.org/x/text\tv0.14.0\th1:def=\n"
    "build\t-compiler=gc\n"
    "build\tGOOS=linux\n";

const NameVersions k_modinfo_packages = {{"example.com/dep", "v1.0.0"},
                                         {"example.com/new", "v1.2.0"},
                                         {"golang.org/x/text", "v0.14.0"},
                                         {"stdlib", "1.21.4"}};

}  // namespace

TEST_CASE("go binaries: the fixtures list what expected.tsv lists", "[gobinary]") {
  // Every fixture of the dataset (testdata/pkgdb/go-binary/SOURCE.md).
  const std::vector<std::pair<std::string, std::string>> files = {
      {"scalibr-go-binaries", "binary_with_module_replacement-linux-amd64"},
      {"scalibr-go-binaries", "binary_with_module_replacement-linux-arm64"},
      {"scalibr-go-binaries", "binary_with_module_replacement-darwin-arm64"},
      {"scalibr-go-binaries", "binary_with_module_replacement-windows-amd64"},
      {"trivy-go-binaries", "test.elf"},
      {"trivy-go-binaries", "test.exe"},
      {"trivy-go-binaries", "test.macho"},
      {"trivy-go-binaries", "semver-main-module-version.macho"},
      {"trivy-go-binaries", "goexperiment"},
      {"trivy-go-binaries", "main-version-via-ldflags.elf"},
  };
  for (const auto& [folder, file] : files) {
    INFO(folder << "/" << file);
    std::string bytes = fixture(folder, file);
    CHECK(looks_like_executable(bytes.substr(0, 16)));
    std::vector<std::string> warnings;
    auto pkgs = parse_go_binary(bytes, "/usr/bin/" + file, warnings);
    CHECK(warnings.empty());
    auto expected = expected_for(folder, file);
    CHECK(!expected.empty());
    CHECK(without_v(name_versions(pkgs)) == expected);
    auto exe = Executable::parse(bytes);
    REQUIRE(exe);
    CHECK(name_versions(parse_go_binary(*exe, "/usr/bin/" + file, warnings)) ==
          name_versions(pkgs));
    for (const auto& p : pkgs) {
      CHECK(p.type == "go");
      CHECK(p.ecosystem == "Go");
      CHECK(p.location == "/usr/bin/" + file);
      CHECK(p.purl == golang_purl(p.name, p.version));
    }
  }
}

TEST_CASE("go binaries: versions, replacements and purls as reported", "[gobinary]") {
  std::vector<std::string> warnings;
  auto elf =
      parse_go_binary(fixture("scalibr-go-binaries", "binary_with_module_replacement-linux-amd64"),
                      "/app/bin", warnings);
  // golang.org/x/xerrors => github.com/golang/xerrors: the replacement is what was compiled in.
  CHECK(name_versions(elf) ==
        NameVersions{{"github.com/golang/xerrors", "v0.0.0-20220907171357-04be3eba64a2"},
                     {"stdlib", "1.22.0"}});
  std::map<std::string, std::string> purls;
  for (const auto& p : elf) {
    purls[p.name] = p.purl;
  }
  CHECK(purls["github.com/golang/xerrors"] ==
        "pkg:golang/github.com/golang/xerrors@v0.0.0-20220907171357-04be3eba64a2");
  CHECK(purls["stdlib"] == "pkg:golang/stdlib@1.22.0");

  // `go install go.etcd.io/bbolt/cmd/bbolt@v1.3.5`: the main module has a version.
  auto macho = parse_go_binary(fixture("trivy-go-binaries", "semver-main-module-version.macho"),
                               "/bbolt", warnings);
  CHECK(name_versions(macho) == NameVersions{{"go.etcd.io/bbolt", "v1.3.5"}, {"stdlib", "1.20.6"}});
  // "go1.22.1 X:loopvar": the experiment suffix is dropped.
  auto exp = parse_go_binary(fixture("trivy-go-binaries", "goexperiment"), "/x", warnings);
  CHECK(name_versions(exp) == NameVersions{{"stdlib", "1.22.1"}});
  CHECK(warnings.empty());
}

TEST_CASE("go binaries: the raw strings of the pointer (Go 1.15) and inline formats",
          "[gobinary]") {
  for (const std::string file : {"test.elf", "test.exe", "test.macho"}) {
    INFO(file);
    auto raw = read_go_raw_build_info(fixture("trivy-go-binaries", file));
    REQUIRE(raw);
    REQUIRE(*raw);
    CHECK((*raw)->go_version == "go1.15.2");
    CHECK((*raw)->modinfo.starts_with("path\tgithub.com/aquasecurity/test\n"));
    CHECK(
        (*raw)->modinfo.ends_with("dep\tgolang.org/x/xerrors\tv0.0.0-20200804184101-5ec99f83aff1\t"
                                  "h1:go1bK/D/BFZV2I8cIQd1NKEZ+0owSTG1fDTci4IqFcE=\n"));
  }
  auto raw = read_go_raw_build_info(
      fixture("scalibr-go-binaries", "binary_with_module_replacement-windows-amd64"));
  REQUIRE(raw);
  REQUIRE(*raw);
  CHECK((*raw)->go_version == "go1.22.0");
  CHECK((*raw)->modinfo.find("=>\tgithub.com/golang/xerrors\tv0.0.0-20220907171357-04be3eba64a2\t"
                             "h1:Wpqq3XyrlysiTYqXPoaibAPvTMmnbHE42soloZAxtZY=\n") !=
        std::string::npos);
}

TEST_CASE("go binaries: the toolchain version as OSV's stdlib version", "[gobinary]") {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"go1.21.4", "1.21.4"},
      {"go1.21.4 X:boringcrypto", "1.21.4"},
      {"go1.22.1 X:loopvar,rangefunc", "1.22.1"},
      {"go1.22rc1", "1.22.0-rc.1"},
      {"go1.20beta1", "1.20.0-beta.1"},
      {"go1.21", "1.21.0"},
      {"go1.20", "1.20.0"},
      {"go1.9", "1.9.0"},
      {"go1.21.0-bigcorp", "1.21.0"},
      {"go1.15.2", "1.15.2"},
      {"devel go1.23-1ca8e4b0 Mon Apr 8 12:00:00 2024 +0000", ""},
      {"devel +b7a03218b1 Wed Jun 3 2020", ""},
      {"", ""},
      {"gopher", ""},
      {"1.21.4", "1.21.4"},
  };
  for (const auto& [in, out] : table) {
    INFO(in);
    CHECK(go_stdlib_version(in) == out);
  }
  CHECK(golang_purl("stdlib", "1.21.4") == "pkg:golang/stdlib@1.21.4");
  CHECK(golang_purl("github.com/Azure/go-autorest/autorest", "v0.11.29+incompatible") ==
        "pkg:golang/github.com/Azure/go-autorest/autorest@v0.11.29+incompatible");
  CHECK(golang_purl("example.com/a b", "v1.0.0") == "pkg:golang/example.com/a%20b@v1.0.0");
}

TEST_CASE("go binaries: modinfo lines as runtime/debug reads them", "[gobinary]") {
  std::vector<std::string> warnings;
  auto info = parse_go_modinfo(k_modinfo, warnings);
  CHECK(warnings.empty());
  CHECK(info.path == "example.com/hello");
  REQUIRE(info.main);
  CHECK(info.main->module.version == "(devel)");
  REQUIRE(info.deps.size() == 3);
  REQUIRE(info.deps[0].replace);
  CHECK(info.deps[0].replace->path == "./dep");
  CHECK(info.deps[0].replace->version == "(devel)");
  CHECK(info.deps[1].replace->path == "example.com/new");
  CHECK(info.deps[1].replace->sum == "h1:abc=");
  CHECK(!info.deps[2].replace);
  CHECK(info.deps[2].module.sum == "h1:def=");
  CHECK(info.settings.size() == 2);
  info.go_version = "go1.21.4";
  auto pkgs = go_packages(info, "/hello");
  // The directory replacement keeps example.com/dep at its required version.
  CHECK(name_versions(pkgs) == k_modinfo_packages);

  SECTION("main with a version; workspace modules and path-less deps are skipped") {
    auto i = parse_go_modinfo(
        "mod\texample.com/tool\tv1.4.0\th1:x=\n"
        "dep\texample.com/sibling\t(devel)\t\n"
        "dep\t\tDevel\n"
        "dep\texample.com/nover\t\n"
        "dep\texample.com/zero\tv0.0.0-00010101000000-000000000000\n"
        "=>\t../zero\t(devel)\t\n",
        warnings);
    CHECK(warnings.empty());
    CHECK(name_versions(go_packages(i, "/t")) ==
          NameVersions{{"example.com/tool", "v1.4.0"},
                       {"example.com/zero", "v0.0.0-00010101000000-000000000000"}});
  }
  SECTION("malformed lines warn and are skipped; an unterminated last line is ignored") {
    auto i = parse_go_modinfo(
        "dep\tonly-one-column\n"
        "=>\texample.com/x\tv1.0.0\t\n"
        "dep\texample.com/a\tv1.0.0\n"
        "=>\texample.com/b\tv2.0.0\n"
        "build\t=x\n"
        "what\tever\n"
        "\n"
        "dep\texample.com/c\tv1.0.0\th1:\textra\n"
        "dep\texample.com/d\tv1.0.0",
        warnings);
    CHECK(name_versions(go_packages(i, "/t")) == NameVersions{{"example.com/a", "v1.0.0"}});
    REQUIRE(warnings.size() == 5);
    CHECK(warnings[0] == "modinfo line 1: expected 2 or 3 columns, got 1");
    CHECK(warnings[1] == "modinfo line 2: replacement with no module on the line above");
    CHECK(warnings[2] == "modinfo line 4: expected 3 columns for a replacement, got 2");
    CHECK(warnings[3] == "modinfo line 5: build setting without key=value");
    CHECK(warnings[4] == "modinfo line 8: expected 2 or 3 columns, got 4");
  }
  SECTION("a flood of bad lines warns a bounded number of times") {
    std::string text;
    for (int i = 0; i < 1000; ++i) {
      text += "dep\tx\n";
    }
    parse_go_modinfo(text, warnings);
    CHECK(warnings.size() == 6);
    CHECK(warnings.back() == "modinfo: 995 more malformed lines");
  }
}

TEST_CASE("go binaries: synthetic ELFs in both formats, both byte orders and pointer sizes",
          "[gobinary]") {
  const std::string mod = framed(k_modinfo);
  std::vector<std::string> warnings;
  auto parse = [&](const std::string& file) {
    ExactBuffer buf(file);
    return name_versions(parse_go_binary(buf.view(), "/synthetic", warnings));
  };
  SECTION("inline format, with and without the section table") {
    CHECK(parse(go_elf(inline_blob("go1.21.4", mod))) == k_modinfo_packages);
    CHECK(parse(go_elf(inline_blob("go1.21.4", mod), false)) == k_modinfo_packages);
    CHECK(parse(go_elf(inline_blob("go1.21.4", mod, 4), true, false)) == k_modinfo_packages);
  }
  SECTION("pointer format: 64-bit little-endian, 32-bit big-endian") {
    CHECK(parse(go_elf(pointer_blob("go1.21.4", mod, 8, false))) == k_modinfo_packages);
    CHECK(parse(go_elf(pointer_blob("go1.21.4", mod, 4, true), false, false, true)) ==
          k_modinfo_packages);
  }
  SECTION("an unaligned magic is skipped; the aligned one after it is read") {
    std::string data = "xx" + k_magic + std::string(14, '\0');
    data.resize(48, '\0');
    data += inline_blob("go1.21.4", mod);
    CHECK(parse(go_elf(data)) == k_modinfo_packages);
  }
  SECTION("no module information: only stdlib; no sentinels: the same") {
    CHECK(parse(go_elf(inline_blob("go1.21.4", ""))) == NameVersions{{"stdlib", "1.21.4"}});
    CHECK(parse(go_elf(inline_blob("go1.21.4", k_modinfo))) == NameVersions{{"stdlib", "1.21.4"}});
  }
  CHECK(warnings.empty());
  SECTION("not Go: no blob, a blob outside the data, another format") {
    CHECK(parse(go_elf(std::string(4096, 'x'))).empty());
    CHECK(parse("\x7f"
                "ELF")
              .empty());
    CHECK(parse("MZ").empty());
    CHECK(parse("hello, world").empty());
    CHECK(parse("").empty());
    CHECK(warnings.empty());
  }
  SECTION("unreadable blobs warn") {
    std::string bad_ptr = pointer_blob("go1.21.4", mod, 8, false);
    bad_ptr[20] = '\x01';  // the version header's address: unmapped
    CHECK(parse(go_elf(bad_ptr)).empty());
    std::string long_len = inline_blob("go1.21.4", mod);
    long_len[32] = '\xff';  // the version length: a huge varint
    long_len[33] = '\xff';
    CHECK(parse(go_elf(long_len)).empty());
    std::string short_mod = inline_blob("go1.21.4", mod);
    short_mod.resize(short_mod.size() - 10);  // the module string runs past the segment
    CHECK(parse(go_elf(short_mod)).empty());
    std::string bad_size = pointer_blob("go1.21.4", mod, 8, false);
    bad_size[14] = 3;
    CHECK(parse(go_elf(bad_size)).empty());
    std::string no_vers = inline_blob("", mod);
    CHECK(parse(go_elf(no_vers)).empty());
    REQUIRE(warnings.size() == 5);
    CHECK(warnings[0].starts_with("/synthetic: Go build info: version string header at 0x"));
    CHECK(warnings[1].starts_with("/synthetic: Go build info: version string of "));
    CHECK(warnings[2].starts_with("/synthetic: Go build info: module information at 0x"));
    CHECK(warnings[3].starts_with("/synthetic: Go build info: pointer size 3"));
    CHECK(warnings[4].starts_with("/synthetic: Go build info: empty version string"));
  }
}

TEST_CASE("go binaries: every prefix keeps what it holds, never more", "[gobinary]") {
  // A prefix yields a subset of the whole file's packages, growing with the prefix. The data
  // segment (with the blob at its start) comes before the ELF section table, so a Go >= 1.18
  // prefix that holds the .go.buildinfo section is complete; the Go 1.15 strings are reached
  // through pointers into segments further on.
  for (const std::string file : {"test.elf", "binary_with_module_replacement-linux-amd64"}) {
    INFO(file);
    const bool inline_format = file != "test.elf";
    std::string folder = inline_format ? "scalibr-go-binaries" : "trivy-go-binaries";
    std::string bytes = fixture(folder, file);
    std::vector<std::string> warnings;
    NameVersions full = name_versions(parse_go_binary(bytes, "/f", warnings));
    REQUIRE(!full.empty());
    auto exe = Executable::parse(bytes);
    REQUIRE(exe);
    const auto* section = exe->section(".go.buildinfo");
    REQUIRE(section);
    const std::size_t blob_end = section->offset + section->size;
    std::set<std::size_t> lengths;
    for (std::size_t n = 0; n < bytes.size(); n += 9973) {
      lengths.insert(n);
    }
    for (std::size_t n = blob_end - 600; n < blob_end + 64; ++n) {
      lengths.insert(n);
    }
    for (std::size_t n = 0; n < 400; ++n) {
      lengths.insert(n);
    }
    std::size_t previous = 0;
    std::size_t complete = 0;
    for (std::size_t n : lengths) {
      ExactBuffer prefix(std::string_view(bytes).substr(0, n));
      warnings.clear();
      NameVersions got = name_versions(parse_go_binary(prefix.view(), "/f", warnings));
      INFO("prefix of " << n << " bytes");
      CHECK(std::includes(full.begin(), full.end(), got.begin(), got.end()));
      CHECK(got.size() >= previous);
      previous = got.size();
      if (inline_format && n >= blob_end) {
        CHECK(got == full);
      }
      if (n < section->offset + 32) {
        CHECK(got.empty());
      }
      complete += got == full ? 1 : 0;
    }
    CHECK(complete > 10);
  }
}

TEST_CASE("go binaries: random mutations of headers and blob never crash", "[gobinary]") {
  std::mt19937 rng(20240611);
  for (const auto& [folder, file] : std::vector<std::pair<std::string, std::string>>{
           {"scalibr-go-binaries", "binary_with_module_replacement-linux-amd64"},
           {"scalibr-go-binaries", "binary_with_module_replacement-windows-amd64"},
           {"trivy-go-binaries", "test.elf"},
           {"trivy-go-binaries", "test.macho"}}) {
    INFO(file);
    std::string original = fixture(folder, file);
    // Mutate bytes of the headers and of the build-info section in place; restore each round.
    auto exe = Executable::parse(original);
    REQUIRE(exe);
    std::vector<std::pair<std::size_t, std::size_t>> zones = {{0, 4096}};
    for (const char* name : {".go.buildinfo", "__go_buildinfo"}) {
      if (const auto* s = exe->section(name)) {
        zones.emplace_back(s->offset, s->size);
      }
    }
    ExactBuffer buf(original);
    std::size_t produced = 0;
    for (int round = 0; round < 600; ++round) {
      auto [start, size] = zones[rng() % zones.size()];
      int flips = 1 + static_cast<int>(rng() % 8);
      std::vector<std::size_t> at;
      for (int i = 0; i < flips; ++i) {
        std::size_t pos = start + rng() % size;
        at.push_back(pos);
        buf.data()[pos] = static_cast<char>(rng() & 0xff);
      }
      std::vector<std::string> warnings;
      produced += parse_go_binary(buf.view(), "/m", warnings).size();
      for (std::size_t pos : at) {
        buf.data()[pos] = original[pos];
      }
    }
    CHECK(produced > 0);
  }
  // Synthetic files, small enough to mutate anywhere.
  for (const std::string& file :
       {go_elf(inline_blob("go1.21.4", framed(k_modinfo))),
        go_elf(pointer_blob("go1.21.4", framed(k_modinfo), 4, true), false, false, true)}) {
    ExactBuffer buf(file);
    for (int round = 0; round < 3000; ++round) {
      std::vector<std::size_t> at;
      for (int i = 0; i < 1 + static_cast<int>(rng() % 4); ++i) {
        std::size_t pos = rng() % file.size();
        at.push_back(pos);
        buf.data()[pos] = static_cast<char>(rng() & 0xff);
      }
      std::vector<std::string> warnings;
      (void)parse_go_binary(buf.view(), "/m", warnings);
      for (std::size_t pos : at) {
        buf.data()[pos] = file[pos];
      }
    }
  }
  // Random bytes behind each magic.
  for (const std::string magic : {"\x7f"
                                  "ELF\x02\x01",
                                  "\x7f"
                                  "ELF\x01\x02",
                                  "MZ", "\xcf\xfa\xed\xfe", "\xfe\xed\xfa\xce"}) {
    for (int round = 0; round < 300; ++round) {
      std::string junk = magic;
      std::size_t n = rng() % 2048;
      for (std::size_t i = 0; i < n; ++i) {
        junk.push_back(static_cast<char>(rng() & 0xff));
      }
      ExactBuffer buf(junk);
      std::vector<std::string> warnings;
      (void)parse_go_binary(buf.view(), "/j", warnings);
    }
  }
}

TEST_CASE("go binaries: executables are recognised by their first bytes", "[gobinary]") {
  CHECK(
      looks_like_executable("\x7f"
                            "ELF\x02\x01\x01"));
  CHECK(looks_like_executable("MZ\x90\x00"));
  CHECK(looks_like_executable("\xcf\xfa\xed\xfe"));
  CHECK(looks_like_executable("\xce\xfa\xed\xfe"));
  CHECK(looks_like_executable("\xfe\xed\xfa\xcf"));
  CHECK(looks_like_executable("\xfe\xed\xfa\xce"));
  CHECK(!looks_like_executable("\xca\xfe\xba\xbe"));  // fat Mach-O or a Java class: not read
  CHECK(!looks_like_executable("#!/bin/sh\n"));
  CHECK(
      !looks_like_executable("\x7f"
                             "EL"));
  CHECK(!looks_like_executable(""));
  CHECK(!looks_like_executable("M"));
}
