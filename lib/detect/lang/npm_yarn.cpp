// yarn.lock, both formats:
//   Yarn 1:  "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
//              version "7.12.13"
//              resolved "https://registry.yarnpkg.com/..."
//              dependencies:
//                "@babel/highlight" "^7.12.13"
//   Yarn 2+ (YAML):
//            __metadata:
//              version: 6
//            "lodash@npm:^4.17.20, lodash@npm:^4.17.21":
//              version: 4.17.21
//              resolution: "lodash@npm:4.17.21"
//              linkType: hard
// One entry per resolved package: a header line at column 0 listing the specifiers it
// satisfies, then its fields indented by two spaces. The name is the resolution's (Yarn 2+), or
// the first specifier's (an alias "x@npm:real@^1" names `real`); the version is the entry's
// "version". Local code (workspace:, link:, portal:, file: directories) is skipped.
#include <fmt/format.h>

#include "detect/lang/npm.hpp"
#include "detect/lang/npm_common.hpp"
#include "detect/lang/npm_yaml.hpp"

namespace strata::detect::lang {

using namespace npm_detail;

namespace {

constexpr std::size_t k_npos = std::string_view::npos;

struct YarnEntry {
  std::size_t line = 0;
  std::string header;  // without the trailing ':'
  std::string version;
  std::string resolution;
  bool metadata = false;
};

// A quoted token, or a bare one ending before any of `stops`, at the start of `s`; `rest`
// receives what follows it.
std::string take_token(std::string_view s, std::string_view& rest, const char* stops) {
  if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
    std::size_t i = 1;
    for (; i < s.size() && s[i] != s[0]; ++i) {
      if (s[i] == '\\' && s[0] == '"') {
        ++i;
      }
    }
    std::size_t end = std::min(i + 1, s.size());
    rest = s.substr(end);
    return yaml_unquote(s.substr(0, end));
  }
  std::size_t end = s.find_first_of(stops);
  if (end == k_npos) {
    end = s.size();
  }
  rest = s.substr(end);
  return std::string(s.substr(0, end));
}

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == k_npos) {
    return {};
  }
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The specifiers a header lists: `"a@^1", "a@~1.1"` (Yarn 1) or `"a@npm:^1, a@npm:~1.1"`
// (Yarn 2+), quoted or not.
std::vector<std::string> header_specs(std::string_view header) {
  std::vector<std::string> out;
  std::string_view rest = trim(header);
  while (!rest.empty()) {
    std::string_view after;
    std::string token = take_token(rest, after, " \t");
    // A Yarn 2+ key is one quoted string of ", "-separated specifiers.
    std::string_view t = token;
    while (!t.empty()) {
      auto comma = t.find(',');
      auto piece = trim(t.substr(0, comma));
      if (!piece.empty()) {
        out.emplace_back(piece);
      }
      t = comma == k_npos ? std::string_view() : t.substr(comma + 1);
    }
    // Up to the next ',' between tokens.
    auto comma = after.find(',');
    if (comma == k_npos) {
      break;
    }
    rest = trim(after.substr(comma + 1));
  }
  return out;
}

// Whether `ref` (what follows "name@") points at the project's own code.
bool is_local(std::string_view ref) {
  for (std::string_view p : {"workspace:", "link:", "portal:"}) {
    if (ref.starts_with(p)) {
      return true;
    }
  }
  return ref.starts_with("file:") && is_directory_ref(ref.substr(5));
}

}  // namespace

std::vector<NpmLockEntry> read_yarn_lock(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings,
                                         const NpmOptions& options) {
  std::vector<NpmLockEntry> out;
  std::size_t bad = 0;
  std::size_t first_bad_line = 0;
  bool full = false;
  auto finish = [&](const YarnEntry& e) {
    if (e.metadata || e.header.empty() || full) {
      return;
    }
    // The name and reference the header's first specifier gives.
    auto specs = header_specs(e.header);
    std::string name;
    std::string_view ref;
    if (!specs.empty()) {
      auto [n, r] = split_spec(specs.front());
      name = std::string(n);
      ref = r;
      if (ref.starts_with("npm:")) {
        ref.remove_prefix(4);
        // An alias ("string-width-cjs@npm:string-width@^4.2.0") installs the package `real`;
        // Yarn 2+ writes the registry protocol even without one ("lodash@npm:^4.17.21").
        auto [real, range] = split_spec(ref);
        if (!range.empty()) {
          name = std::string(real);
          ref = range;
        }
      }
    }
    // Local code, by the header's specifier or by the resolution.
    bool local = is_local(ref);
    if (!e.resolution.empty()) {
      auto [n, r] = split_spec(e.resolution);
      name = std::string(n);  // Yarn 2+: the resolution names the package
      local = local || is_local(r);
    }
    if (local || e.version == "0.0.0-use.local") {
      return;  // Yarn 2+ gives workspaces, portals and links this placeholder version
    }
    if (name.empty() || !valid_name(name) || e.version.empty()) {
      if (bad++ == 0) {
        first_bad_line = e.line;
      }
      return;
    }
    if (out.size() >= options.max_entries) {
      warnings.push_back(
          fmt::format("{}: more than {} packages, the rest ignored", path, options.max_entries));
      full = true;
      return;
    }
    NpmLockEntry entry;
    entry.package = make_npm_package(std::move(name), e.version, path);
    out.push_back(std::move(entry));
  };

  if (content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  YarnEntry current;
  std::size_t number = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    auto nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == k_npos ? k_npos : nl - pos);
    pos = nl == k_npos ? content.size() : nl + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim(line).empty() || trim(line)[0] == '#') {
      continue;
    }
    if (line[0] != ' ' && line[0] != '\t') {
      // A header: "spec, spec:".
      finish(current);
      current = YarnEntry{};
      current.line = number;
      std::string_view h = trim(line);
      if (!h.empty() && h.back() == ':') {
        h.remove_suffix(1);
      } else {
        if (bad++ == 0) {
          first_bad_line = number;
        }
        continue;  // not a header: its fields are dropped with it
      }
      current.metadata = h == "__metadata";
      current.header = std::string(h);
      continue;
    }
    if (current.header.empty() || line.size() < 3 || line.substr(0, 2) != "  " || line[2] == ' ') {
      continue;  // nested deeper (dependencies, bin, ...), or outside an entry
    }
    // "  version "1.2.3"" (Yarn 1) or "  version: 1.2.3" (Yarn 2+).
    std::string_view rest;
    std::string key = take_token(line.substr(2), rest, " \t:");
    rest = trim(rest);
    if (!rest.empty() && rest[0] == ':') {
      rest = trim(rest.substr(1));
    }
    std::string value = yaml_unquote(rest);
    if (key == "version") {
      current.version = std::move(value);
    } else if (key == "resolution") {
      current.resolution = std::move(value);
    }
  }
  finish(current);
  if (bad > 0) {
    warnings.push_back(fmt::format(
        "{}: {} entries skipped without a package name and version (the first at line {})", path,
        bad, first_bad_line));
  }
  return out;
}

}  // namespace strata::detect::lang
