#pragma once
// Deterministic random version-like strings for the oracle and ordering tests. The same seed gives
// the same strings with every compiler and standard library: SplitMix64 and plain modulo, no
// <random> distributions (whose output is implementation-defined). Header-only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vercmp_testlib {

// Strings built from a list of pieces, picked uniformly (list a piece twice to weigh it double).
// The piece "#" stands for a run of digits: 1 to 3 digits (leading zeros included), and one time
// in 16 a run of 21 to 30 digits (wider than any machine integer).
class VersionGenerator {
 public:
  VersionGenerator(std::uint64_t seed, std::vector<std::string> pieces)
      : m_state(seed), m_pieces(std::move(pieces)) {}

  // The next 64 pseudo-random bits (SplitMix64).
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

  // One piece, "#" expanded.
  std::string piece() {
    const std::string& p = m_pieces[below(m_pieces.size())];
    if (p != "#") {
      return p;
    }
    std::size_t n = below(16) == 0 ? 21 + below(10) : 1 + below(3);
    std::string digits;
    for (std::size_t i = 0; i < n; ++i) {
      digits += static_cast<char>('0' + below(10));
    }
    return digits;
  }

  // 1 to `max_pieces` pieces (a NUL piece may still make it empty to rpm).
  std::string string(std::size_t max_pieces) {
    std::string s;
    for (std::size_t n = 1 + below(max_pieces); n > 0; --n) {
      s += piece();
    }
    return s;
  }

  // `s` with one or two small edits: a byte replaced by a piece, a piece inserted, a byte
  // removed, a piece appended, or a "#:" epoch put in front. Near-equal pairs reach the deep
  // corners of a comparison that two unrelated strings decide on their first byte.
  std::string mutate(std::string s) {
    for (std::size_t edits = 1 + below(2); edits > 0; --edits) {
      std::size_t at = s.empty() ? 0 : below(s.size());
      switch (below(5)) {
        case 0:
          if (!s.empty()) {
            s.replace(at, 1, piece());
          }
          break;
        case 1:
          s.insert(at, piece());
          break;
        case 2:
          if (!s.empty()) {
            s.erase(at, 1);
          }
          break;
        case 3:
          s += piece();
          break;
        default:
          s.insert(0, piece() + ":");
          break;
      }
    }
    return s;
  }

 private:
  std::uint64_t m_state;
  std::vector<std::string> m_pieces;
};

// `s` printable on one line: bytes outside 0x21..0x7e as \xHH, backslash doubled, in quotes.
inline std::string escaped(std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = "'";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\\') {
      out += "\\\\";
    } else if (u > 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 0xf];
    }
  }
  return out + "'";
}

}  // namespace vercmp_testlib
