#pragma once
// Shared by the libFuzzer harnesses (fuzz/README.md): how the bytes libFuzzer hands over become
// the input of one parser.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace strata::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Harnesses that cover several small formats dispatch on the first byte: '0' selects format 0,
// '1' format 1, ... (any other byte: its value minus '0', modulo `count`). The seeds under
// fuzz/corpus/<harness>/ start with the digit of their format. Returns (format, the rest).
inline std::pair<unsigned, std::string_view> select(std::string_view in, unsigned count) {
  if (in.empty()) {
    return {0, in};
  }
  auto which = static_cast<unsigned char>(static_cast<unsigned char>(in[0]) - '0');
  return {which % count, in.substr(1)};
}

// Splits at the first '\n' (for harnesses that need two strings: two versions, a pattern and
// a value). No '\n': the whole input and an empty string.
inline std::pair<std::string_view, std::string_view> split2(std::string_view in) {
  auto nl = in.find('\n');
  if (nl == std::string_view::npos) {
    return {in, {}};
  }
  return {in.substr(0, nl), in.substr(nl + 1)};
}

}  // namespace strata::fuzz
