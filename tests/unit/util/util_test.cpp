#include <catch2/catch.hpp>

#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/result.hpp"
#include "util/strings.hpp"

using namespace strata::util;

TEST_CASE("sha256 of known inputs") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("a");
  h.update("bc");
  CHECK(h.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("parse_digest accepts sha256 only") {
  auto d = parse_digest("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(d.ok());
  CHECK(d->str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_FALSE(parse_digest("sha512:abc").ok());
  CHECK_FALSE(parse_digest("sha256:E3B0").ok());
  CHECK_FALSE(parse_digest("nocolon").ok());
}

TEST_CASE("Result carries value or error") {
  Result<int> ok = 5;
  Result<int> bad = input_error("bad {}", 1);
  CHECK(ok.ok());
  CHECK(*ok == 5);
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().message == "bad 1");
  CHECK(bad.error().wrap("ctx").message == "ctx: bad 1");
}

TEST_CASE("string helpers") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(split("a,,b", ',').size() == 3);
  CHECK(to_lower("AbC") == "abc");
  CHECK(iequals("HeLLo", "hello"));
}

TEST_CASE("atomic write then read") {
  char tmpl[] = "/tmp/strata-util-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string path = std::string(tmpl) + "/f.txt";
  REQUIRE(write_file_atomic(path, "hello").ok());
  auto r = read_file(path);
  REQUIRE(r.ok());
  CHECK(*r == "hello");
  CHECK_FALSE(read_file(path, 2).ok());
  CHECK_FALSE(read_file(std::string(tmpl) + "/missing").ok());
  std::remove(path.c_str());
  rmdir(tmpl);
}
