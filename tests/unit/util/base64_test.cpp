#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "util/base64.hpp"

using namespace strata;

namespace {

// RFC 4648 §10.
const std::vector<std::pair<std::string, std::string>> k_rfc4648 = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

}  // namespace

TEST_CASE("base64 encodes and decodes the RFC 4648 test vectors", "[util][base64]") {
  for (const auto& [plain, encoded] : k_rfc4648) {
    CAPTURE(plain);
    CHECK(util::base64_encode(plain) == encoded);
    CHECK(util::base64_decode(encoded) == plain);
  }
}

TEST_CASE("base64 padding is optional but must be right when given", "[util][base64]") {
  CHECK(util::base64_decode("Zg") == "f");
  CHECK(util::base64_decode("Zm8") == "fo");
  CHECK(util::base64_decode("dGVzdHVzZXI6dGVzdHBhc3M") == "testuser:testpass");
  CHECK(util::base64_decode("dGVzdHVzZXI6dGVzdHBhc3M=") == "testuser:testpass");
  CHECK_FALSE(util::base64_decode("YQ=").has_value());    // padding short of a quad
  CHECK_FALSE(util::base64_decode("YQ===").has_value());  // three '='
  CHECK_FALSE(util::base64_decode("YWJj=").has_value());  // padding after a whole quad
  CHECK_FALSE(util::base64_decode("Y").has_value());      // lone sextet
  CHECK_FALSE(util::base64_decode("YWJjZ").has_value());
  CHECK_FALSE(util::base64_decode("Y=Q=").has_value());  // padding inside
  CHECK_FALSE(util::base64_decode("=").has_value());
  CHECK_FALSE(util::base64_decode("==").has_value());
}

TEST_CASE("base64 decoding rejects characters outside the alphabet", "[util][base64]") {
  CHECK(util::base64_decode("+/+/") == std::string("\xfb\xff\xbf", 3));
  CHECK_FALSE(util::base64_decode("YW*j").has_value());
  CHECK_FALSE(util::base64_decode("YW-j").has_value());  // base64url is not this alphabet
  CHECK_FALSE(util::base64_decode("YW_j").has_value());
  CHECK_FALSE(util::base64_decode("YWJj\n").has_value());
  CHECK_FALSE(util::base64_decode(" YWJj").has_value());
  CHECK_FALSE(util::base64_decode("YW Jj").has_value());
  CHECK_FALSE(util::base64_decode(std::string("YW\0j", 4)).has_value());
}

TEST_CASE("base64 round-trips every byte value and length", "[util][base64]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  for (std::size_t len = 0; len <= bytes.size(); len += 1 + len / 8) {
    const std::string piece = bytes.substr(bytes.size() - len);
    const std::string encoded = util::base64_encode(piece);
    CHECK(encoded.size() == (len + 2) / 3 * 4);
    CHECK(util::base64_decode(encoded) == piece);
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=') {
      unpadded.pop_back();
    }
    CHECK(util::base64_decode(unpadded) == piece);
  }
}

TEST_CASE("base64 decoding ignores leftover bits in the last character", "[util][base64]") {
  // As the decoder it replaces did: "YR" carries 'a' and four extra bits.
  CHECK(util::base64_decode("YR==") == "a");
  CHECK(util::base64_decode("YR") == "a");
}
