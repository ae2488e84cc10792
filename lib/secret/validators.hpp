#pragma once
// Checks in code that a rule names with `validate: NAME`, for formats a regex cannot confirm.

#include <string_view>

namespace strata::secret {

// Returns whether a candidate is a real secret. `value` is the rule's secret value (the named
// group, else the whole match; for a magic rule, empty) and `content` the whole file.
using Validator = bool (*)(std::string_view value, std::string_view content);

// The validator called `name`, or nullptr when there is none:
//  - "jwt": `value` is a JWT (header.payload.signature, base64url) whose header decodes to a
//    JSON object with an "alg" that is not "none", and whose signature is not empty;
//  - "docker-auth": `value` is base64 of "user:password" with a non-empty user and password
//    (the `auth` of a Docker config.json);
//  - "pkcs12-key": `content` holds the DER object identifier of a PKCS#12 key bag (keyBag or
//    pkcs8ShroudedKeyBag, RFC 7292 appendix D) outside any encryption: a key store with a
//    private key, not a trust store of certificates only (Java's cacerts). Keys that sit inside
//    an encrypted SafeContents are not seen (OpenSSL, Java keytool, Windows and Go's pkcs12 all
//    put the shrouded key bag in plain data).
Validator find_validator(std::string_view name);

}  // namespace strata::secret
