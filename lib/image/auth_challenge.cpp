#include "image/auth_challenge.hpp"

#include "util/strings.hpp"

namespace strata::image {
namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token68_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

util::Error malformed(std::string_view why) {
  return util::make_error(util::ErrorCategory::network, "malformed WWW-Authenticate header: {}",
                          why);
}

class Parser {
 public:
  explicit Parser(std::string_view s) : m_s(s) {}

  util::Result<std::vector<AuthChallenge>> run() {
    std::vector<AuthChallenge> out;
    while (true) {
      skip_separators();
      if (at_end()) return out;
      AuthChallenge challenge;
      std::string_view scheme = token();
      if (scheme.empty()) return malformed("expected an authentication scheme");
      challenge.scheme = util::to_lower(scheme);
      if (!at_end() && !is_ows(peek()) && peek() != ',') {
        return malformed("unexpected character after the scheme");
      }
      skip_ows();
      if (!at_end() && peek() != ',') {
        if (try_token68(challenge)) {
          out.push_back(std::move(challenge));
          continue;
        }
        TRY(params(challenge));
      }
      out.push_back(std::move(challenge));
    }
  }

 private:
  bool at_end() const { return m_pos >= m_s.size(); }
  char peek() const { return m_s[m_pos]; }
  void skip_ows() {
    while (!at_end() && is_ows(peek())) ++m_pos;
  }
  void skip_separators() {
    while (!at_end() && (is_ows(peek()) || peek() == ',')) ++m_pos;
  }
  std::string_view token() {
    std::size_t start = m_pos;
    while (!at_end() && is_tchar(peek())) ++m_pos;
    return m_s.substr(start, m_pos - start);
  }

  // token68 := 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", and then only
  // whitespace up to a comma or the end. Leaves the position unchanged when it is not one.
  bool try_token68(AuthChallenge& challenge) {
    std::size_t start = m_pos, p = m_pos;
    while (p < m_s.size() && is_token68_char(m_s[p])) ++p;
    if (p == start) return false;
    while (p < m_s.size() && m_s[p] == '=') ++p;
    std::size_t end = p;
    while (p < m_s.size() && is_ows(m_s[p])) ++p;
    if (p < m_s.size() && m_s[p] != ',') return false;
    // ("name=" then a comma or the end is token68: a parameter's token value is non-empty.)
    challenge.token68 = std::string(m_s.substr(start, end - start));
    m_pos = p;
    return true;
  }

  util::Result<std::string> quoted_string() {
    ++m_pos;  // opening quote
    std::string out;
    while (!at_end()) {
      char c = peek();
      ++m_pos;
      if (c == '"') return out;
      if (c == '\\') {
        if (at_end()) break;
        out.push_back(peek());
        ++m_pos;
        continue;
      }
      out.push_back(c);
    }
    return malformed("unterminated quoted string");
  }

  // Is the text at the position `token BWS "="` (the start of another parameter)?
  bool at_param() const {
    std::size_t p = m_pos;
    while (p < m_s.size() && is_tchar(m_s[p])) ++p;
    if (p == m_pos) return false;
    while (p < m_s.size() && is_ows(m_s[p])) ++p;
    return p < m_s.size() && m_s[p] == '=';
  }

  util::Status params(AuthChallenge& challenge) {
    while (true) {
      std::string_view name = token();
      if (name.empty()) return malformed("expected a parameter name");
      skip_ows();
      if (at_end() || peek() != '=') return malformed("expected '=' after a parameter name");
      ++m_pos;
      skip_ows();
      std::string value;
      if (!at_end() && peek() == '"') {
        TRY_ASSIGN(value, quoted_string());
      } else {
        std::size_t start = m_pos;
        while (!at_end() && peek() != ',' && !is_ows(peek()) && peek() != '"') ++m_pos;
        if (m_pos == start) return malformed("empty parameter value");
        value = m_s.substr(start, m_pos - start);
      }
      challenge.params.emplace_back(util::to_lower(name), std::move(value));
      skip_ows();
      if (at_end()) return {};
      if (peek() != ',') return malformed("expected ',' between parameters");
      // Commas (and empty list elements) then either another parameter or the next challenge.
      std::size_t save = m_pos;
      skip_separators();
      if (at_end()) return {};
      if (!at_param()) {
        m_pos = save;
        return {};
      }
    }
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
};

}  // namespace

std::optional<std::string> AuthChallenge::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (util::iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::string AuthChallenge::param_or_empty(std::string_view name) const {
  return param(name).value_or(std::string());
}

std::vector<std::string> AuthChallenge::scopes() const {
  std::vector<std::string> out;
  const std::string scope = param_or_empty("scope");
  for (std::string_view part : util::split(scope, ' ')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

util::Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header) {
  return Parser(header).run();
}

const AuthChallenge* find_challenge(const std::vector<AuthChallenge>& challenges,
                                    std::string_view scheme) {
  for (const auto& c : challenges) {
    if (util::iequals(c.scheme, scheme)) return &c;
  }
  return nullptr;
}

}  // namespace strata::image
