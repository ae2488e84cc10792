#include "config/environment.hpp"

#include <cstdlib>

#include "util/strings.hpp"

extern char** environ;  // NOLINT: POSIX; read only by Environment::from_process

namespace strata::config {

Environment::Environment(Vars vars) : m_vars(std::move(vars)) {}

Environment::Environment(std::initializer_list<Vars::value_type> vars) : m_vars(vars) {}

Environment Environment::from_process() {
  Vars vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    // The first definition wins, as for getenv.
    vars.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return Environment(std::move(vars));
}

std::optional<std::string> Environment::get(std::string_view name) const {
  auto it = m_vars.find(name);
  return it == m_vars.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::string> Environment::non_empty(std::string_view name) const {
  auto v = get(name);
  return v && !v->empty() ? v : std::nullopt;
}

std::string Environment::get_or(std::string_view name, std::string_view fallback) const {
  return non_empty(name).value_or(std::string(fallback));
}

util::Result<bool> Environment::get_bool(std::string_view name) const {
  std::string raw = get_or(name);
  std::string v = util::to_lower(util::trim(raw));
  if (v.empty() || v == "false" || v == "0" || v == "no" || v == "off") {
    return false;
  }
  if (v == "true" || v == "1" || v == "yes" || v == "on") {
    return true;
  }
  return util::make_error(util::ErrorCategory::usage, "{}={}: not a boolean (use true or false)",
                          name, raw);
}

bool Environment::docker_flag(std::string_view name) const {
  auto v = non_empty(name);
  return v && *v != "0" && util::to_lower(*v) != "false";
}

}  // namespace strata::config
