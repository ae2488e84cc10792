#include "secret/filters.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "util/strings.hpp"

namespace strata::secret {

namespace {

bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Values that are a dummy when they are the whole value (lower-cased).
constexpr std::array k_dummy_values = {
    "password", "passwd",  "pass",     "secret",  "token",     "changeme", "changeit", "null",
    "nil",      "none",    "true",     "false",   "undefined", "empty",    "example",  "test",
    "default",  "admin",   "root",     "user",    "username",  "foo",      "bar",      "foobar",
    "todo",     "fixme",   "tbd",      "n/a",     "required",  "optional", "string",   "str",
    "value",    "unknown", "redacted", "private", "hidden",    "api_key",  "apikey",   "key",
};

// Values that are a dummy when they contain one of these (lower-cased).
constexpr std::array k_dummy_parts = {
    "changeme",   "change_me", "change-me",  "changeit", "example",     "placeholder",
    "redacted",   "dummy",     "your_",      "your-",    "yourpass",    "yoursecret",
    "yourtoken",  "yourkey",   "mypassword", "mysecret", "xxxx",        "****",
    "....",       "____",      "fake",       "sample",   "notsecret",   "not_secret",
    "replace_me", "replaceme", "insert_",    "enter_",   "secret_here", "token_here",
};

// References and code rather than literals: templates and variables ${x} $(x) {{x}} %(x)s #{x},
// markup <x>, calls and indexing, URLs.
constexpr std::array k_reference_parts = {"${", "$(", "{{", "}}", "%(", "#{", "<",
                                          ">",  "(",  ")",  "[",  "]",  "://"};

bool one_repeated_char(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [&](char c) { return c == v.front(); });
}

// "/run/secrets/db", "./conf/key", "~/.ssh/id", "../x/y": a file path, not a secret.
bool is_path(std::string_view v) {
  if (!(v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/"))) {
    return false;
  }
  if (std::count(v.begin(), v.end(), '/') < 2) {
    return false;  // "/3kF9..." may be base64
  }
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
           c == '-' || c == '~';
  });
}

// "process.env.TOKEN", "settings.SECRET_KEY", "*in.env_password", "self->token",
// "Config::kPassword": a (dereferenced) qualified name in code.
bool is_dotted_name(std::string_view v) {
  while (!v.empty() && (v.front() == '*' || v.front() == '&')) {
    v.remove_prefix(1);
  }
  std::string dotted;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i + 1 < v.size() &&
        ((v[i] == '-' && v[i + 1] == '>') || (v[i] == ':' && v[i + 1] == ':'))) {
      dotted += '.';
      ++i;
    } else {
      dotted += v[i];
    }
  }
  auto parts = util::split(dotted, '.');
  if (parts.size() < 2) {
    return false;
  }
  for (auto p : parts) {
    if (p.empty() || p.size() > 32 || !(is_letter(p[0]) || p[0] == '_')) {
      return false;
    }
    if (!std::all_of(p.begin(), p.end(),
                     [](char c) { return is_letter(c) || is_digit(c) || c == '_'; })) {
      return false;
    }
  }
  return true;
}

// "MY_SECRET_NAME", "db-password-secret", "Vault-Token": words joined by '_', '-' or '.', each
// all lower-case, all upper-case or capitalised -- a name, not random characters.
bool is_word_name(std::string_view v) {
  std::size_t words = 0;
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t j = i;
    while (j < v.size() && is_letter(v[j])) {
      ++j;
    }
    auto w = v.substr(i, j - i);
    if (w.empty()) {
      return false;
    }
    bool lower = std::all_of(w.begin(), w.end(),
                             [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    bool upper = std::all_of(w.begin(), w.end(),
                             [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    bool capital = std::isupper(static_cast<unsigned char>(w[0])) &&
                   std::all_of(w.begin() + 1, w.end(),
                               [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    if (!(lower || upper || capital)) {
      return false;
    }
    ++words;
    if (j == v.size()) {
      break;
    }
    if (v[j] != '_' && v[j] != '-' && v[j] != '.') {
      return false;
    }
    i = j + 1;
    if (i == v.size()) {
      return false;
    }
  }
  return words >= 2;
}

}  // namespace

double shannon_entropy(std::string_view value) {
  if (value.empty()) {
    return 0;
  }
  std::array<std::size_t, 256> counts{};
  for (char c : value) {
    ++counts[static_cast<unsigned char>(c)];
  }
  double n = static_cast<double>(value.size());
  double h = 0;
  for (std::size_t c : counts) {
    if (c != 0) {
      double p = static_cast<double>(c) / n;
      h -= p * std::log2(p);
    }
  }
  return h;
}

bool is_placeholder(std::string_view value) {
  if (value.empty() || one_repeated_char(value)) {
    return true;
  }
  // $VAR, ${VAR}, $(cmd), %VAR%, %(name)s
  if (value[0] == '$' || value[0] == '%') {
    return true;
  }
  for (const char* part : k_reference_parts) {
    if (value.find(part) != std::string_view::npos) {
      return true;
    }
  }
  std::string lower = util::to_lower(value);
  for (const char* dummy : k_dummy_values) {
    if (lower == dummy) {
      return true;
    }
  }
  for (const char* part : k_dummy_parts) {
    if (lower.find(part) != std::string::npos) {
      return true;
    }
  }
  return is_path(value) || is_dotted_name(value) || is_word_name(value);
}

std::string redact(std::string_view value) {
  std::size_t shown = value.size() >= 16 ? 4 : value.size() / 4;
  std::size_t n = 0;
  while (n < shown && value[n] > 0x20 && value[n] < 0x7f) {
    ++n;
  }
  std::string out(value.substr(0, n));
  out += "*****";
  return out;
}

}  // namespace strata::secret
