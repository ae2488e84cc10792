#include "detect/lang/ruby.hpp"

#include <cctype>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "detect/purl.hpp"
#include "util/strings.hpp"

namespace strata::detect::lang {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The directory part of `path` ("" when there is none).
std::string_view dir_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

model::Package make_package(std::string name, std::string version, std::string_view path) {
  model::Package pkg;
  pkg.purl = make_purl("gem", "", name, version, "", "");
  pkg.name = std::move(name);
  pkg.version = std::move(version);
  pkg.type = "ruby";
  pkg.ecosystem = "RubyGems";
  pkg.location = std::string(path);
  return pkg;
}

// Splits `content` into lines (LF or CRLF), calling `f(line, line_number)`; stops when f is false.
template <typename F>
void for_each_line(std::string_view content, F&& f) {
  std::size_t pos = 0, number = 0;
  while (pos < content.size()) {
    auto end = content.find('\n', pos);
    std::string_view line =
        content.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? content.size() : end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!f(line, ++number)) {
      return;
    }
  }
}

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// A Ruby string literal at the start of `s`: "..." / '...' / %q(...) / %Q(...) / %(...). On
// success, its value, and `s` moves past it. nullopt for anything else (including a "..." with
// #{} interpolation, whose value is not known without running Ruby).
std::optional<std::string> string_literal(std::string_view& s) {
  if (s.empty()) {
    return std::nullopt;
  }
  char open = s[0];
  bool interpolating = false;
  std::size_t start = 1;
  if (open == '"') {
    interpolating = true;
  } else if (open == '\'') {
  } else if (open == '%' && s.size() >= 3) {
    std::size_t d = 1;
    if (s[1] == 'q' || s[1] == 'Q') {
      interpolating = s[1] == 'Q';
      d = 2;
    } else {
      interpolating = true;  // %(...) is %Q(...)
    }
    open = s[d];
    auto u = static_cast<unsigned char>(open);
    if (std::isalnum(u) || open == ' ' || u >= 0x80) {
      return std::nullopt;
    }
    start = d + 1;
  } else {
    return std::nullopt;
  }
  char close = open == '(' ? ')' : open == '[' ? ']' : open == '{' ? '}' : open == '<' ? '>' : open;
  int depth = 0;
  std::string out;
  for (std::size_t i = start; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      if (interpolating) {
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else if (n == '\\' || n == open || n == close) {
        out += n;
      } else {
        out += '\\';
        out += n;
      }
      continue;
    }
    if (interpolating && c == '#' && i + 1 < s.size() &&
        (s[i + 1] == '{' || s[i + 1] == '@' || s[i + 1] == '$')) {
      return std::nullopt;
    }
    if (c == close && depth == 0) {
      s.remove_prefix(i + 1);
      return out;
    }
    if (open != close) {
      if (c == open) {
        ++depth;
      } else if (c == close) {
        --depth;
      }
    }
    out += c;
  }
  return std::nullopt;  // unterminated
}

// The value of the right-hand side `rhs` of a `VAR.name =` / `VAR.version =` line when it is a
// literal (with the suffixes the header names), else nullopt.
std::optional<std::string> literal_value(std::string_view rhs) {
  rhs = skip_blanks(rhs);
  bool wrapped = false;
  for (std::string_view ctor : {"Gem::Version.new(", "Gem::Version.create("}) {
    if (rhs.starts_with(ctor)) {
      rhs.remove_prefix(ctor.size());
      rhs = skip_blanks(rhs);
      wrapped = true;
      break;
    }
  }
  auto value = string_literal(rhs);
  if (!value) {
    return std::nullopt;
  }
  if (wrapped) {
    rhs = skip_blanks(rhs);
    if (!rhs.starts_with(")")) {
      return std::nullopt;
    }
    rhs.remove_prefix(1);
  }
  for (bool more = true; more;) {
    more = false;
    for (std::string_view suffix : {".freeze", ".dup", ".to_s"}) {
      if (rhs.starts_with(suffix)) {
        rhs.remove_prefix(suffix.size());
        more = true;
      }
    }
  }
  rhs = skip_blanks(rhs);
  if (!rhs.empty() && rhs[0] != '#' && !rhs.starts_with("if ") && !rhs.starts_with("unless ") &&
      rhs != ";" && !rhs.starts_with("; ")) {
    return std::nullopt;  // more expression follows ("1.0" + x)
  }
  return std::string(util::trim(*value));
}

// The right-hand side of `line` when it is `VAR.FIELD = ...`, else nullopt.
std::optional<std::string_view> assignment(std::string_view line, std::string_view var,
                                           std::string_view field) {
  if (!line.starts_with(var) || line.substr(var.size()).rfind(".", 0) != 0) {
    return std::nullopt;
  }
  line.remove_prefix(var.size() + 1);
  if (!line.starts_with(field)) {
    return std::nullopt;
  }
  line = skip_blanks(line.substr(field.size()));
  if (line.empty() || line[0] != '=' || (line.size() > 1 && (line[1] == '=' || line[1] == '~'))) {
    return std::nullopt;
  }
  return line.substr(1);
}

// The block variable of a `Gem::Specification.new do |VAR|` (or `{ |VAR|`) line, else "".
std::string_view block_variable(std::string_view line) {
  auto at = line.find("Gem::Specification.new");
  if (at == std::string_view::npos) {
    return {};
  }
  auto open = line.find('|', at);
  if (open == std::string_view::npos) {
    return {};
  }
  auto close = line.find('|', open + 1);
  if (close == std::string_view::npos) {
    return {};
  }
  return util::trim(line.substr(open + 1, close - open - 1));
}

}  // namespace

bool is_gemspec_candidate(std::string_view path) {
  if (!ends_with(path, ".gemspec") || base_name(path).size() <= 8) {
    return false;
  }
  std::string_view dir = dir_name(path);
  if (base_name(dir) == "default") {
    dir = dir_name(dir);
  }
  return base_name(dir) == "specifications";
}

bool is_gemfile_lock_candidate(std::string_view path) {
  auto base = base_name(path);
  return base == "Gemfile.lock" || base == "gems.locked";
}

bool is_ruby_candidate(std::string_view path) {
  return is_gemspec_candidate(path) || is_gemfile_lock_candidate(path);
}

std::vector<model::Package> parse_gemspec(std::string_view content, std::string_view path,
                                          std::vector<std::string>& warnings) {
  std::string var;
  std::optional<std::string> name, version;
  bool name_unreadable = false, version_unreadable = false;
  std::string stub_name, stub_version;
  for_each_line(content, [&](std::string_view raw, std::size_t number) {
    std::string_view line = skip_blanks(raw);
    if (number <= 3 && line.starts_with("# stub: ") && stub_name.empty()) {
      std::vector<std::string_view> words;
      for (auto w : util::split(line.substr(8), ' ')) {
        if (!w.empty()) {
          words.push_back(w);
        }
      }
      if (words.size() >= 2) {
        stub_name = std::string(words[0]);
        stub_version = std::string(words[1]);
      }
      return true;
    }
    if (var.empty()) {
      var = std::string(block_variable(line));
      return true;
    }
    if (auto rhs = assignment(line, var, "name")) {
      name = literal_value(*rhs);
      name_unreadable = !name;
    } else if (auto rhs2 = assignment(line, var, "version")) {
      version = literal_value(*rhs2);
      version_unreadable = !version;
    }
    return true;
  });
  std::string n = name ? *name : "", v = version ? *version : "";
  if ((n.empty() || v.empty()) && !stub_name.empty()) {
    n = n.empty() ? stub_name : n;
    v = v.empty() ? stub_version : v;
  }
  if (n.empty() || v.empty()) {
    std::string why;
    if (var.empty()) {
      why = "no Gem::Specification.new do |spec| block";
    } else if (n.empty()) {
      why = name_unreadable ? fmt::format("{}.name is not a string literal", var)
                            : fmt::format("no {}.name", var);
    } else {
      why = version_unreadable ? fmt::format("{}.version is not a string literal", var)
                               : fmt::format("no {}.version", var);
    }
    warnings.push_back(fmt::format("{}: cannot read the gem's name and version: {}", path, why));
    return {};
  }
  std::vector<model::Package> out;
  out.push_back(make_package(std::move(n), std::move(v), path));
  return out;
}

std::vector<model::Package> parse_gemfile_lock(std::string_view content, std::string_view path,
                                               std::vector<std::string>& warnings) {
  std::vector<model::Package> out;
  std::set<std::pair<std::string, std::string>> seen;
  bool in_gem = false;
  for_each_line(content, [&](std::string_view line, std::size_t number) {
    if (line.empty()) {
      return true;
    }
    if (line[0] != ' ' && line[0] != '\t') {
      in_gem = line == "GEM";  // a new section (Bundler: any line not starting with a blank)
      return true;
    }
    if (!in_gem || !line.starts_with("    ") || line.size() < 5 || line[4] == ' ') {
      return true;  // other sections, options, "  specs:", dependencies of a spec
    }
    std::string_view spec = line.substr(4);
    // NAME (VERSION[-PLATFORM]), as Bundler's NAME_VERSION pattern reads it.
    auto open = spec.find(" (");
    if (open == std::string_view::npos || !spec.ends_with(")") || open == 0) {
      warnings.push_back(
          fmt::format("{}: line {}: a gem without a version: '{}'", path, number, spec));
      return true;
    }
    std::string_view name = spec.substr(0, open);
    std::string_view version = spec.substr(open + 2, spec.size() - open - 3);
    version = version.substr(0, version.find('-'));  // drop the platform
    if (util::trim(version).empty() || name.find(' ') != std::string_view::npos) {
      warnings.push_back(fmt::format("{}: line {}: not a gem: '{}'", path, number, spec));
      return true;
    }
    std::pair<std::string, std::string> key(name, util::trim(version));
    if (seen.insert(key).second) {
      out.push_back(make_package(key.first, key.second, path));
    }
    return true;
  });
  return out;
}

std::vector<model::Package> parse_ruby(std::string_view content, std::string_view path,
                                       std::vector<std::string>& warnings) {
  if (ends_with(path, ".gemspec")) {
    return parse_gemspec(content, path, warnings);
  }
  return parse_gemfile_lock(content, path, warnings);
}

}  // namespace strata::detect::lang
