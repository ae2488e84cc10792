#include "util/base64.hpp"

#include <openssl/evp.h>

#include <climits>
#include <stdexcept>

namespace strata::util {
namespace {

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void check_size(std::size_t size) {
  // EVP_*Block take an int length.
  if (size > static_cast<std::size_t>(INT_MAX) / 4 * 3) {
    throw std::length_error("base64: input too long");
  }
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  check_size(bytes.size());
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');  // + EVP's terminating NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  check_size(text.size());
  // EVP_DecodeBlock skips surrounding whitespace and wants whole quads: check the text here,
  // so that only the canonical alphabet with optional, correct padding gets through.
  std::size_t end = text.size();
  std::size_t pads = 0;
  while (end > 0 && text[end - 1] == '=' && pads < 2) {
    --end;
    ++pads;
  }
  if (pads > 0 && text.size() % 4 != 0) {
    return std::nullopt;  // "YQ=": padding that does not complete a quad
  }
  if (end % 4 == 1) {
    return std::nullopt;  // a lone sextet holds no whole byte
  }
  for (std::size_t i = 0; i < end; ++i) {
    if (!in_alphabet(text[i])) {
      return std::nullopt;
    }
  }
  // The data part, padded to whole quads; EVP_DecodeBlock then writes 3 bytes per quad, the
  // padding included as zero bytes, which are cut off again below.
  const std::size_t missing = (4 - end % 4) % 4;
  std::string quads(text.substr(0, end));
  quads.append(missing, '=');
  std::string out(quads.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(quads),
                                static_cast<int>(quads.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) {
    return std::nullopt;
  }
  out.resize(out.size() - missing);
  return out;
}

}  // namespace strata::util
