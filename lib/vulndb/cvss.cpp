#include "vulndb/cvss.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "util/strings.hpp"

namespace strata::vulndb {

namespace {

struct MetricValue {
  char code;
  double weight;
};

// Weights from the CVSS v3.1 specification, section 7.4.
constexpr std::array<MetricValue, 4> k_attack_vector{{{'N', 0.85}, {'A', 0.62}, {'L', 0.55}, {'P', 0.2}}};
constexpr std::array<MetricValue, 2> k_attack_complexity{{{'L', 0.77}, {'H', 0.44}}};
constexpr std::array<MetricValue, 2> k_user_interaction{{{'N', 0.85}, {'R', 0.62}}};
constexpr std::array<MetricValue, 3> k_cia{{{'H', 0.56}, {'L', 0.22}, {'N', 0.0}}};

template <std::size_t N>
bool lookup(const std::array<MetricValue, N>& table, std::string_view value, double& out) {
  if (value.size() != 1) {
    return false;
  }
  for (const auto& m : table) {
    if (m.code == value[0]) {
      out = m.weight;
      return true;
    }
  }
  return false;
}

}  // namespace

double cvss3_roundup(double value) {
  // Appendix A: int_input = round_to_nearest_integer(input * 100000);
  // if int_input % 10000 == 0 return int_input / 100000.0
  // else return (floor(int_input / 10000) + 1) / 10.0
  auto int_input = static_cast<long long>(std::llround(value * 100000.0));
  if (int_input % 10000 == 0) {
    return static_cast<double>(int_input) / 100000.0;
  }
  return static_cast<double>(int_input / 10000 + 1) / 10.0;
}

util::Result<double> cvss3_base_score(std::string_view vector) {
  auto bad = [&](std::string_view why) {
    return util::input_error("invalid CVSS v3 vector '{}': {}", vector, why);
  };
  auto parts = util::split(vector, '/');
  if (parts.empty() || (parts[0] != "CVSS:3.1" && parts[0] != "CVSS:3.0")) {
    return bad("does not start with CVSS:3.0/ or CVSS:3.1/");
  }
  double av = 0, ac = 0, ui = 0, c = 0, i = 0, a = 0;
  std::string pr_code;
  char scope = 0;
  unsigned seen = 0;  // bit per base metric
  for (std::size_t k = 1; k < parts.size(); ++k) {
    std::string_view part = parts[k];
    auto colon = part.find(':');
    if (colon == std::string_view::npos) {
      return bad(fmt::format("metric '{}' has no value", part));
    }
    std::string_view key = part.substr(0, colon);
    std::string_view value = part.substr(colon + 1);
    unsigned bit = 0;
    bool ok = true;
    if (key == "AV") {
      bit = 1u << 0;
      ok = lookup(k_attack_vector, value, av);
    } else if (key == "AC") {
      bit = 1u << 1;
      ok = lookup(k_attack_complexity, value, ac);
    } else if (key == "PR") {
      bit = 1u << 2;
      ok = value == "N" || value == "L" || value == "H";
      pr_code = std::string(value);
    } else if (key == "UI") {
      bit = 1u << 3;
      ok = lookup(k_user_interaction, value, ui);
    } else if (key == "S") {
      bit = 1u << 4;
      ok = value == "U" || value == "C";
      scope = ok ? value[0] : 0;
    } else if (key == "C") {
      bit = 1u << 5;
      ok = lookup(k_cia, value, c);
    } else if (key == "I") {
      bit = 1u << 6;
      ok = lookup(k_cia, value, i);
    } else if (key == "A") {
      bit = 1u << 7;
      ok = lookup(k_cia, value, a);
    } else {
      continue;  // temporal / environmental metrics: not part of the base score
    }
    if (!ok) {
      return bad(fmt::format("unknown value '{}' for {}", value, key));
    }
    if ((seen & bit) != 0) {
      return bad(fmt::format("metric {} given twice", key));
    }
    seen |= bit;
  }
  if (seen != 0xffu) {
    return bad("missing base metrics");
  }
  const bool changed = scope == 'C';
  // Privileges Required depends on Scope (section 7.4).
  double pr = 0.85;
  if (pr_code == "L") {
    pr = changed ? 0.68 : 0.62;
  } else if (pr_code == "H") {
    pr = changed ? 0.5 : 0.27;
  }
  // Section 7.1.
  const double iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
  const double impact =
      changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) {
    return 0.0;
  }
  if (changed) {
    return cvss3_roundup(std::min(1.08 * (impact + exploitability), 10.0));
  }
  return cvss3_roundup(std::min(impact + exploitability, 10.0));
}

}  // namespace strata::vulndb
