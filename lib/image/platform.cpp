#include "image/platform.hpp"

#include "util/strings.hpp"

namespace strata::image {

namespace {

std::string_view default_variant(std::string_view arch) {
  if (arch == "arm64") {
    return "v8";
  }
  if (arch == "arm") {
    return "v7";
  }
  return {};
}

}  // namespace

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) {
    out += "/" + variant;
  }
  return out;
}

std::string normalize_architecture(std::string_view arch) {
  std::string a = util::to_lower(arch);
  if (a == "x86_64" || a == "x86-64") {
    return "amd64";
  }
  if (a == "aarch64") {
    return "arm64";
  }
  if (a == "armhf" || a == "armel") {
    return "arm";
  }
  return a;
}

util::Result<Platform> parse_platform(std::string_view text) {
  auto parts = util::split(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
      (parts.size() == 3 && parts[2].empty())) {
    return util::make_error(util::ErrorCategory::usage,
                            "invalid platform '{}': expected os/arch[/variant]", text);
  }
  Platform p;
  p.os = util::to_lower(parts[0]);
  p.architecture = normalize_architecture(parts[1]);
  if (parts.size() == 3) {
    p.variant = util::to_lower(parts[2]);
  }
  return p;
}

bool platform_matches(const Platform& wanted, const Platform& candidate) {
  if (util::to_lower(candidate.os) != wanted.os ||
      normalize_architecture(candidate.architecture) != wanted.architecture) {
    return false;
  }
  if (wanted.variant.empty() || candidate.variant == wanted.variant) {
    return true;
  }
  return candidate.variant.empty() && wanted.variant == default_variant(wanted.architecture);
}

std::optional<std::size_t> select_platform(const Platform& wanted,
                                           const std::vector<Platform>& candidates) {
  std::optional<std::size_t> first, no_variant, preferred;
  std::string_view def = default_variant(wanted.architecture);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!platform_matches(wanted, candidates[i])) {
      continue;
    }
    const auto& v = candidates[i].variant;
    if (!first) {
      first = i;
    }
    if (!wanted.variant.empty() && v == wanted.variant && !preferred) {
      preferred = i;
    }
    if (wanted.variant.empty() && !def.empty() && v == def && !preferred) {
      preferred = i;
    }
    if (v.empty() && !no_variant) {
      no_variant = i;
    }
  }
  if (preferred) {
    return preferred;
  }
  return no_variant ? no_variant : first;
}

}  // namespace strata::image
