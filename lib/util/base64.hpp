#pragma once
// Standard base64 (RFC 4648 §4) over OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock: Basic
// credentials sent to registries, the `auth` field of a Docker config, schema 1 signatures
// (base64url, mapped onto the standard alphabet by the caller).

#include <optional>
#include <string>
#include <string_view>

namespace strata::util {

// The padded encoding, without line breaks.
std::string base64_encode(std::string_view bytes);

// Decodes `text`, whose padding is optional ("YQ" and "YQ==" both give "a"). nullopt on any
// character outside the alphabet (whitespace and line breaks included), on '=' anywhere but at
// the end, on wrong padding ("YQ=") and on a lone trailing character (no whole byte). Bits
// left over in the last character are ignored.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace strata::util
