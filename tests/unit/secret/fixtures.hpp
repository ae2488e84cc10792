#pragma once
// Helpers for the secret tests. Planted secrets are generated here (a seeded splitmix64 over an
// alphabet), never written whole in a source file, so neither GitHub's push protection nor a
// scan of this repository finds a token in the tests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/secret.hpp"
#include "secret/scanner.hpp"
#include "util/base64.hpp"

namespace strata::secret::testing {

inline constexpr std::string_view k_base62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view k_base64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view k_base64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
inline constexpr std::string_view k_base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view k_hex = "0123456789abcdef";
inline constexpr std::string_view k_digits = "0123456789";

// Deterministic pseudo-random characters: the same (alphabet, n, seed) always gives the same
// string, so failures reproduce.
inline std::string gen(std::string_view alphabet, std::size_t n, std::uint64_t seed) {
  std::uint64_t state = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    out += alphabet[z % alphabet.size()];
  }
  return out;
}

inline std::string base64url(std::string_view bytes) {
  auto s = util::base64_encode(bytes);
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
  }
  for (char& c : s) {
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return s;
}

// Base64 `body` cut into PEM lines of `width` characters, each ending in `eol`.
inline std::string pem_lines(std::string_view body, std::size_t width = 64,
                             std::string_view eol = "\n") {
  std::string out;
  for (std::size_t i = 0; i < body.size(); i += width) {
    out += body.substr(i, width);
    out += eol;
  }
  return out;
}

// The scanner of the built-in rules, compiled once.
const Scanner& builtin_scanner();

inline std::vector<model::Secret> scan(std::string_view path, std::string_view content,
                                       const Scanner& scanner = builtin_scanner()) {
  std::vector<model::Secret> out;
  scanner.scan(path, content, out);
  return out;
}

inline std::vector<std::string> rule_ids(const std::vector<model::Secret>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) {
    ids.push_back(f.rule_id);
  }
  return ids;
}

// "ab..." -> "ab..(first 4)*****", as Scanner::scan reports a value of 16+ characters.
inline std::string redacted(std::string_view value) {
  return std::string(value.substr(0, 4)) + "*****";
}

}  // namespace strata::secret::testing
