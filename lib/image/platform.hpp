#pragma once
// Image platforms ("linux/amd64", "linux/arm64/v8") and how a requested platform selects among
// the entries of an image index.
//
// Matching rule (close to containerd's default matcher):
// - os and architecture must be equal after normalising architecture aliases
//   (x86_64/x86-64 -> amd64, aarch64 -> arm64, armhf/armel -> arm);
// - a request without a variant matches any variant of that os/arch ("linux/arm64" matches
//   "linux/arm64/v8"); among several candidates the preferred one is the arch's default variant
//   (arm64 -> v8, arm -> v7) or, failing that, one without a variant, else the first;
// - a request with a variant matches the same variant, or an entry without a variant when the
//   requested variant is the arch's default ("linux/arm64/v8" matches "linux/arm64").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::image {

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;

  // "os/arch" or "os/arch/variant".
  std::string str() const;
  bool empty() const { return os.empty() && architecture.empty(); }
  friend bool operator==(const Platform&, const Platform&) = default;
};

// Parses "os/arch[/variant]" (normalising the architecture); a usage error otherwise.
util::Result<Platform> parse_platform(std::string_view text);

std::string normalize_architecture(std::string_view arch);

// True when `candidate` satisfies `wanted` under the rule above.
bool platform_matches(const Platform& wanted, const Platform& candidate);

// Index of the best candidate for `wanted`, or nullopt when none matches.
std::optional<std::size_t> select_platform(const Platform& wanted,
                                           const std::vector<Platform>& candidates);

}  // namespace strata::image
