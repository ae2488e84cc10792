#pragma once
// An immutable snapshot of environment variables. Environment::from_process() is the only place
// in strata that reads the process environment (a test checks that no other file under lib/ or
// cmd/ calls getenv or reads environ; CLI11's ->envname() in lib/cli is the one exception). The
// resolvers of config/settings.hpp and config/on_demand.hpp turn a snapshot into plain values;
// unit tests build one from a map.

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::config {

class Environment {
 public:
  using Vars = std::map<std::string, std::string, std::less<>>;

  Environment() = default;  // no variables set
  explicit Environment(Vars vars);
  // For tests: Environment({{"HOME", "/home/u"}, {"STRATA_DB_DIR", "/db"}}).
  Environment(std::initializer_list<Vars::value_type> vars);

  // A copy of this process's environment, taken once.
  static Environment from_process();

  // The value when the variable is set (possibly empty), else nullopt.
  std::optional<std::string> get(std::string_view name) const;
  // The value when the variable is set and not empty, else nullopt.
  std::optional<std::string> non_empty(std::string_view name) const;
  // The value when set and not empty, else `fallback`.
  std::string get_or(std::string_view name, std::string_view fallback = {}) const;
  // A strict boolean: true/false, 1/0, yes/no, on/off in any case, surrounding blanks ignored;
  // unset or empty = false. Anything else is a usage error naming the variable:
  // "SCANNER_SCAN_LAYERS=maybe: not a boolean (use true or false)".
  util::Result<bool> get_bool(std::string_view name) const;
  // Docker's convention (DOCKER_TLS_VERIFY): set, not empty and not "0"/"false" (any case) = on.
  bool docker_flag(std::string_view name) const;

 private:
  Vars m_vars;
};

}  // namespace strata::config
