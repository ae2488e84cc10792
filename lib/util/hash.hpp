#pragma once
// Hashing: streaming SHA-256 (OpenSSL libcrypto) for content digests, XXH3 for checksums.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Lower-case hex of the digest; the hasher is reset afterwards.
  std::string hex_digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view data);

// A content digest "algorithm:hex" as used by OCI ("sha256:4cee1a..."). Only sha256 is supported.
struct Digest {
  std::string algorithm;  // "sha256"
  std::string hex;        // 64 lower-case hex chars

  std::string str() const { return algorithm + ":" + hex; }
  bool empty() const { return hex.empty(); }
  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;
};

// Parses "sha256:<64 hex>"; anything else (other algorithms, bad length, upper case) is an error.
Result<Digest> parse_digest(std::string_view text);

std::uint64_t xxh3_64(const void* data, std::size_t size);
inline std::uint64_t xxh3_64(std::string_view data) {
  return xxh3_64(data.data(), data.size());
}

// XXH64 with a seed: a hash that stays the same across versions and machines (what fleet shards
// are chosen by; XXH3 is faster but its output may change between xxHash releases before 0.8).
std::uint64_t xxh64(std::string_view data, std::uint64_t seed = 0);

std::string hex_encode(std::span<const unsigned char> bytes);

}  // namespace strata::util
