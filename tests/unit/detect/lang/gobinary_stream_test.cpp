// The streaming Go build-info scanner: the same packages as parse_go_binary on every Go >= 1.18
// fixture whatever the chunk sizes, the Go 1.15 fixtures handed back (pointer format), decoys
// skipped, and truncated or mutated streams never crash.

#include <catch2/catch.hpp>

#include <random>

#include "../fixtures.hpp"
#include "detect/lang/gobinary_stream.hpp"
#include "exe_util.hpp"

using namespace strata::detect::lang;
using strata::detect::test::ExactBuffer;
using strata::detect::test::name_versions;
using strata::detect::test::NameVersions;
using State = GoBuildInfoScanner::State;

namespace {

std::string fixture(const std::string& rel) {
  return strata::detect::test::unzstd(
      strata::detect::test::testdata("pkgdb/go-binary/" + rel + ".zst"));
}

// Feeds `bytes` in chunks of 1 to max_chunk bytes (each an exact-size copy), stopping once the
// scanner is done; returns how many bytes it took.
std::size_t stream(GoBuildInfoScanner& s, std::string_view bytes, std::mt19937& rng,
                   std::size_t max_chunk) {
  std::size_t at = 0;
  while (at < bytes.size() && !s.done()) {
    std::size_t n = std::min<std::size_t>(1 + rng() % max_chunk, bytes.size() - at);
    ExactBuffer chunk(bytes.substr(at, n));
    s.feed(chunk.view());
    at += n;
  }
  return at;
}

const std::string k_magic = "\xff Go buildinf:";
const std::string k_start(
    "0w\xaf\x0c\x92t\x08\x02"
    "A\xe1\xc1\x07\xe6\xd6\x18\xe6",
    16);
const std::string k_end(
    "\xf9"
    "2C1\x86\x18 r\x00\x82"
    "B\x10"
    "A\x16\xd8\xf2",
    16);

std::string blob(const std::string& vers, const std::string& mod) {
  std::string b = k_magic + "\x08\x02";
  b.resize(32, '\0');
  b.push_back(static_cast<char>(vers.size()));
  b += vers;
  std::uint64_t n = mod.size();
  while (n >= 0x80) {
    b.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  b.push_back(static_cast<char>(n));
  b += mod;
  return b;
}

void pad16(std::string& s) {
  s.resize((s.size() + 15) / 16 * 16, 'z');
}

}  // namespace

TEST_CASE("go stream: the same packages as the whole-file reader, in any chunk sizes",
          "[gobinary][stream]") {
  std::mt19937 rng(99);
  for (const std::string rel :
       {"scalibr-go-binaries/binary_with_module_replacement-linux-amd64",
        "scalibr-go-binaries/binary_with_module_replacement-windows-amd64",
        "trivy-go-binaries/semver-main-module-version.macho", "trivy-go-binaries/goexperiment"}) {
    INFO(rel);
    std::string bytes = fixture(rel);
    std::vector<std::string> warnings;
    auto whole = parse_go_binary(bytes, "/b", warnings);
    for (std::size_t max_chunk : {1u << 20, 65536u, 4096u, 7u}) {
      INFO("chunks of up to " << max_chunk);
      GoBuildInfoScanner s;
      std::size_t used = stream(s, bytes, rng, max_chunk);
      REQUIRE(s.state() == State::found);
      CHECK(used < bytes.size());  // the rest of the file need not be read
      auto got = s.packages("/b", warnings);
      CHECK(name_versions(got) == name_versions(whole));
      REQUIRE(got.size() == whole.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].purl == whole[i].purl);
        CHECK(got[i].location == "/b");
      }
    }
    CHECK(warnings.empty());
  }
}

TEST_CASE("go stream: Go 1.15 blobs and non-executables", "[gobinary][stream]") {
  std::mt19937 rng(5);
  for (const std::string rel : {"trivy-go-binaries/test.elf", "trivy-go-binaries/test.exe",
                                "trivy-go-binaries/test.macho"}) {
    INFO(rel);
    GoBuildInfoScanner s;
    stream(s, fixture(rel), rng, 65536);
    CHECK(s.state() == State::pointer_format);
    std::vector<std::string> warnings;
    CHECK(s.packages("/b", warnings).empty());
    CHECK(warnings.empty());
  }
  GoBuildInfoScanner text;
  text.feed("#!/");
  CHECK(text.state() == State::scanning);
  text.feed("bin/sh\n");
  CHECK(text.state() == State::not_executable);
  GoBuildInfoScanner empty;
  std::vector<std::string> warnings;
  CHECK(empty.packages("/e", warnings).empty());
  CHECK(warnings.empty());
}

TEST_CASE("go stream: decoys are skipped, a cut-short blob warns", "[gobinary][stream]") {
  const std::string mod = k_start + "mod\texample.com/m\tv1.2.3\t\n" + k_end;
  const NameVersions want = {{"example.com/m", "v1.2.3"}, {"stdlib", "1.21.4"}};
  std::string file =
      "\x7f"
      "ELF";
  pad16(file);
  // The magic as a string constant: unaligned; aligned with a bad pointer size; aligned with
  // flags 2 but non-zero padding; a well-formed header whose "version" is not Go's; one whose
  // version length is over the bound.
  file += "x" + k_magic + "\x08\x02";
  pad16(file);
  file += k_magic + "\x05\x02";
  pad16(file);
  file += k_magic + "\x08\x02" + "not zero padding";
  pad16(file);
  file += blob("junk1", mod);
  pad16(file);
  std::string long_vers = blob("go1", mod);
  long_vers[32] = '\xff';
  long_vers[33] = '\x7f';  // a 16383-byte version
  file += long_vers;
  pad16(file);
  file += blob("go1.21.4 X:boringcrypto", mod);
  std::mt19937 rng(3);
  for (std::size_t max_chunk : {1u, 3u, 17u, 4096u}) {
    GoBuildInfoScanner s;
    stream(s, file, rng, max_chunk);
    REQUIRE(s.state() == State::found);
    CHECK(s.raw()->go_version == "go1.21.4 X:boringcrypto");
    std::vector<std::string> warnings;
    CHECK(name_versions(s.packages("/d", warnings)) == want);
    CHECK(warnings.empty());
  }
  GoBuildInfoScanner cut;
  std::string whole = "MZ";
  pad16(whole);
  whole += blob("go1.21.4", mod);
  cut.feed(std::string_view(whole).substr(0, whole.size() - 1));
  CHECK(cut.state() == State::capturing);
  std::vector<std::string> warnings;
  CHECK(cut.packages("/c", warnings).empty());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "/c: Go build info: the blob at offset 16 is cut short by the end of the file");
}

TEST_CASE("go stream: prefixes and mutations never crash", "[gobinary][stream]") {
  std::mt19937 rng(17);
  std::string bytes = fixture("scalibr-go-binaries/binary_with_module_replacement-linux-amd64");
  std::size_t blob_at = bytes.find(k_magic + "\x08\x02");
  REQUIRE(blob_at != std::string::npos);
  REQUIRE(blob_at % 16 == 0);
  std::string region = bytes.substr(0, blob_at + 1024);
  for (int round = 0; round < 300; ++round) {
    std::string copy = region;
    for (int i = 0; i < 1 + static_cast<int>(rng() % 6); ++i) {
      copy[blob_at + rng() % 1024] = static_cast<char>(rng() & 0xff);
    }
    copy.resize(blob_at + rng() % 1024);
    // An ELF magic, then the 4 KiB before the (16-byte aligned) blob and the mutated blob.
    std::string file =
        "\x7f"
        "ELF";
    pad16(file);
    file += copy.substr(blob_at - 4096);
    GoBuildInfoScanner s;
    stream(s, file, rng, 300);
    std::vector<std::string> warnings;
    (void)s.packages("/m", warnings);
  }
}
