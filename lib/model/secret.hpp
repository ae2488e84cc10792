#pragma once
// A leaked secret found in a file of an image (lib/secret finds them). Plain data: the value
// itself is never stored, only a redacted prefix of it.

#include <cstdint>
#include <string>

namespace strata::model {

struct Secret {
  std::string rule_id;     // e.g. "aws-access-key-id"
  std::string category;    // e.g. "AWS", "GitHub", "PrivateKey", "Docker", "Generic"
  std::string severity;    // "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"
  std::string title;       // human title of the rule
  std::string path;        // absolute path inside the image
  std::uint32_t line = 0;  // 1-based line of the match start (0 for binary-by-magic matches)
  std::string match;       // REDACTED: first 4 characters of the secret value, then "*****"
  std::string layer;       // diff_id of the layer that added the file (filled by the caller)
  bool deleted = false;    // filled by the caller
  bool operator==(const Secret&) const = default;
};

}  // namespace strata::model
