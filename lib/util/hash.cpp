#include "util/hash.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include <stdexcept>

namespace strata::util {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256");
  }
}

Sha256::~Sha256() {
  if (m_impl && m_impl->ctx != nullptr) {
    EVP_MD_CTX_free(m_impl->ctx);
  }
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size > 0) {
    EVP_DigestUpdate(m_impl->ctx, data, size);
  }
}

std::string Sha256::hex_digest() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out, &len);
  EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr);
  return hex_encode({out, len});
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

Result<Digest> parse_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return input_error("invalid digest '{}': missing algorithm", text);
  }
  auto algo = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  if (algo != "sha256") {
    return input_error("unsupported digest algorithm '{}'", algo);
  }
  if (hex.size() != 64) {
    return input_error("invalid digest '{}': expected 64 hex characters", text);
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return input_error("invalid digest '{}': not lower-case hex", text);
    }
  }
  return Digest{std::string(algo), std::string(hex)};
}

std::uint64_t xxh3_64(const void* data, std::size_t size) {
  return XXH3_64bits(data, size);
}

std::uint64_t xxh64(std::string_view data, std::uint64_t seed) {
  return XXH64(data.data(), data.size(), seed);
}

std::string hex_encode(std::span<const unsigned char> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = k_digits[bytes[i] >> 4];
    out[2 * i + 1] = k_digits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace strata::util
