#include "secret/compiled.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace strata::secret::detail {

namespace {

// RE2's reason without the offending fragment (RE2::error() quotes it, and a pattern may hold
// a secret, e.g. an allow rule for one known value).
const char* describe(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape:
      return "bad escape sequence";
    case re2::RE2::ErrorBadCharClass:
      return "bad character class";
    case re2::RE2::ErrorBadCharRange:
      return "bad character class range";
    case re2::RE2::ErrorMissingBracket:
      return "missing closing ]";
    case re2::RE2::ErrorMissingParen:
      return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen:
      return "unexpected closing )";
    case re2::RE2::ErrorTrailingBackslash:
      return "trailing \\ at the end";
    case re2::RE2::ErrorRepeatArgument:
      return "repetition operator without an argument";
    case re2::RE2::ErrorRepeatSize:
      return "bad repetition count (RE2 allows at most 1000)";
    case re2::RE2::ErrorRepeatOp:
      return "bad repetition operator";
    case re2::RE2::ErrorBadPerlOp:
      return "unsupported Perl syntax (RE2 has no lookaround or "
             "backreferences)";
    case re2::RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture:
      return "bad named capture group";
    case re2::RE2::ErrorPatternTooLarge:
      return "pattern too large";
    default:
      return "invalid regular expression";
  }
}

}  // namespace

util::Result<std::unique_ptr<re2::RE2>> compile_regex(std::string_view pattern,
                                                      std::string_view what) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return util::input_error("{}: {}", what, describe(re->error_code()));
  }
  return re;
}

util::Result<Magic> parse_magic(std::string_view hex) {
  std::string digits;
  for (char c : hex) {
    if (c != ' ') {
      digits += c;
    }
  }
  if (digits.empty() || digits.size() % 2 != 0) {
    return util::input_error("magic: an even number of hex digits expected");
  }
  Magic magic;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    auto pair = std::string_view(digits).substr(i, 2);
    if (pair == "??") {
      magic.push_back({0, true});
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(pair[0])) ||
        !std::isxdigit(static_cast<unsigned char>(pair[1]))) {
      return util::input_error("magic: hex digits or ?? expected");
    }
    magic.push_back({static_cast<unsigned char>(std::stoi(std::string(pair), nullptr, 16)), false});
  }
  return magic;
}

util::Result<CompiledAllow> compile_allow(const AllowRule& allow, std::string_view context) {
  CompiledAllow out;
  out.id = allow.id;
  if (allow.path.empty() && allow.regex.empty()) {
    return util::input_error("{}: needs a path or a regex", context);
  }
  if (!allow.path.empty()) {
    TRY_ASSIGN(out.path, compile_regex(allow.path, fmt::format("{}: path", context)));
  }
  if (!allow.regex.empty()) {
    TRY_ASSIGN(out.regex, compile_regex(allow.regex, fmt::format("{}: regex", context)));
  }
  return out;
}

util::Result<CompiledRule> compile_rule(const Rule& rule) {
  auto where = fmt::format("{}: rule '{}'", rule.origin, rule.id);
  CompiledRule out;
  out.rule = rule;
  if (rule.severity != "CRITICAL" && rule.severity != "HIGH" && rule.severity != "MEDIUM" &&
      rule.severity != "LOW") {
    return util::input_error("{}: severity must be CRITICAL, HIGH, MEDIUM or LOW", where);
  }
  if (rule.regex.empty() && rule.magic.empty()) {
    return util::input_error("{}: regex missing", where);
  }
  if (!rule.regex.empty()) {
    TRY_ASSIGN(out.regex, compile_regex(rule.regex, fmt::format("{}: regex", where)));
    if (!rule.secret_group.empty()) {
      const auto& groups = out.regex->NamedCapturingGroups();
      auto it = groups.find(rule.secret_group);
      if (it == groups.end()) {
        return util::input_error("{}: secret-group-name: the regex has no group of that name",
                                 where);
      }
      out.group = it->second;
    }
  } else if (!rule.secret_group.empty()) {
    return util::input_error("{}: secret-group-name needs a regex", where);
  }
  if (!rule.path.empty()) {
    TRY_ASSIGN(out.path, compile_regex(rule.path, fmt::format("{}: path", where)));
  }
  if (!rule.near.empty()) {
    TRY_ASSIGN(out.near, compile_regex(rule.near, fmt::format("{}: near", where)));
  }
  if (rule.near_lines < -1) {
    return util::input_error("{}: near-lines must be 0 or more", where);
  }
  if (rule.min_entropy < 0 || rule.min_entropy > 8) {
    return util::input_error("{}: min-entropy must be between 0 and 8", where);
  }
  if (!rule.validate.empty()) {
    out.validator = find_validator(rule.validate);
    if (out.validator == nullptr) {
      return util::input_error("{}: validate: unknown check (jwt, docker-auth or pkcs12-key)",
                               where);
    }
  }
  for (const auto& hex : rule.magic) {
    auto magic = parse_magic(hex);
    if (!magic) {
      return magic.error().wrap(where);
    }
    out.magic.push_back(std::move(*magic));
  }
  if (!rule.magic.empty() && !rule.regex.empty()) {
    return util::input_error("{}: a rule has a regex or a magic, not both", where);
  }
  for (const auto& allow : rule.allow_rules) {
    TRY_ASSIGN(auto compiled,
               compile_allow(allow, fmt::format("{}: allow rule '{}'", where, allow.id)));
    out.allow.push_back(std::move(compiled));
  }
  return out;
}

bool path_matches(const re2::RE2& re, std::string_view path) {
  if (re2::RE2::PartialMatch(re2::StringPiece(path.data(), path.size()), re)) {
    return true;
  }
  return path.size() > 1 && path[0] == '/' &&
         re2::RE2::PartialMatch(re2::StringPiece(path.data() + 1, path.size() - 1), re);
}

std::string_view absolute_path(std::string_view path, std::string& storage) {
  if (path.starts_with('/')) {
    return path;
  }
  while (path.starts_with("./")) {
    path.remove_prefix(2);
  }
  storage.resize(path.size() + 1);
  storage[0] = '/';
  std::copy(path.begin(), path.end(), storage.begin() + 1);
  return storage;
}

}  // namespace strata::secret::detail
