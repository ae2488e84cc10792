#include "model/types.hpp"

#include "util/strings.hpp"

namespace strata::model {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::critical:
      return "CRITICAL";
    case Severity::high:
      return "HIGH";
    case Severity::medium:
      return "MEDIUM";
    case Severity::low:
      return "LOW";
    case Severity::unknown:
      break;
  }
  return "UNKNOWN";
}

std::optional<Severity> parse_severity(std::string_view text) {
  auto t = util::to_lower(util::trim(text));
  if (t == "critical") return Severity::critical;
  if (t == "high" || t == "important") return Severity::high;
  if (t == "medium" || t == "moderate") return Severity::medium;
  if (t == "low" || t == "negligible") return Severity::low;
  if (t == "unknown" || t == "none" || t == "unimportant") return Severity::unknown;
  return std::nullopt;
}

Severity severity_from_score(double score) {
  if (score >= 9.0) return Severity::critical;
  if (score >= 7.0) return Severity::high;
  if (score >= 4.0) return Severity::medium;
  if (score > 0.0) return Severity::low;
  return Severity::unknown;
}

bool is_os_package_type(std::string_view type) {
  return type == "dpkg" || type == "apk" || type == "rpm";
}

std::string setid_kind(std::uint32_t mode) {
  const bool uid = (mode & 04000) != 0;
  const bool gid = (mode & 02000) != 0;
  return uid && gid ? "setuid setgid" : uid ? "setuid" : "setgid";
}

std::string setid_mode_string(std::uint32_t mode) {
  std::string out;
  if ((mode & 04000) != 0) {
    out += 'u';
  }
  if ((mode & 02000) != 0) {
    out += 'g';
  }
  static constexpr std::string_view k_rwx = "rwxrwxrwx";
  for (int bit = 8; bit >= 0; --bit) {
    out += (mode & (1u << bit)) != 0 ? k_rwx[static_cast<std::size_t>(8 - bit)] : '-';
  }
  return out;
}

}  // namespace strata::model
