#include "detect/lang/extract.hpp"

#include <algorithm>
#include <map>

#include "detect/lang/dotnet.hpp"
#include "detect/lang/executable.hpp"
#include "detect/lang/gobinary.hpp"
#include "detect/lang/java.hpp"
#include "detect/lang/npm.hpp"
#include "detect/lang/php.hpp"
#include "detect/lang/python.hpp"
#include "detect/lang/ruby.hpp"
#include "detect/lang/rust.hpp"
#include "util/warnings.hpp"

namespace strata::detect::lang {

namespace {

using Parser = std::vector<model::Package> (*)(std::string_view, std::string_view,
                                               std::vector<std::string>&);

std::vector<model::Package> parse_java(std::string_view content, std::string_view path,
                                       std::vector<std::string>& warnings) {
  return parse_java_archive(content, path, warnings);
}

std::vector<model::Package> parse_npm(std::string_view content, std::string_view path,
                                      std::vector<std::string>& warnings) {
  return parse_npm_file(content, path, warnings);
}

struct Ecosystem {
  bool (*candidate)(std::string_view path);
  Parser parse;
};

constexpr Ecosystem k_ecosystems[] = {
    {is_python_candidate, parse_python},
    {is_ruby_candidate, parse_ruby},
    {is_php_candidate, parse_php},
    {is_dotnet_candidate, parse_dotnet},
    {is_java_candidate, parse_java},
    {is_npm_candidate, parse_npm},
    {is_cargo_lock_candidate, parse_cargo_lock},
};

// An executable: the Go build info and the cargo-auditable dependency list it embeds.
void extract_executable(std::string_view path, std::string_view content,
                        std::vector<model::Package>& out, std::vector<std::string>& warnings) {
  auto exe = Executable::parse(content);
  if (!exe) {
    return;  // not an executable after all (a stray magic): nothing to say
  }
  for (auto* parse :
       {static_cast<std::vector<model::Package> (*)(const Executable&, std::string_view,
                                                    std::vector<std::string>&)>(parse_go_binary),
        static_cast<std::vector<model::Package> (*)(const Executable&, std::string_view,
                                                    std::vector<std::string>&)>(
            parse_cargo_auditable)}) {
    auto found = parse(*exe, path, warnings);
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
}

}  // namespace

bool is_language_file(std::string_view path) {
  for (const auto& e : k_ecosystems) {
    if (e.candidate(path)) {
      return true;
    }
  }
  return false;
}

bool is_executable_head(std::string_view head) {
  return looks_like_executable(head);
}

void extract_language_packages(std::string_view path, std::string_view content,
                               std::vector<model::Package>& out,
                               std::vector<std::string>& warnings) {
  // The parsers add their warnings here; one file adds at most k_warnings_per_file of them.
  std::vector<std::string> mine;
  const auto* e = std::find_if(std::begin(k_ecosystems), std::end(k_ecosystems),
                               [&](const auto& eco) { return eco.candidate(path); });
  if (e != std::end(k_ecosystems)) {
    auto found = e->parse(content, path, mine);
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  } else if (looks_like_executable(content.substr(0, 64))) {
    extract_executable(path, content, out, mine);
  }
  util::FileWarnings capped(warnings, std::string(path));
  for (auto& w : mine) {
    capped.add(std::move(w));
  }
}

void drop_duplicate_reports(std::vector<model::Package>& packages) {
  std::vector<model::Package> installed_npm;
  std::map<std::string, std::vector<model::Package>> locked_npm;  // lockfile -> its packages
  std::vector<model::Package> rest;
  for (auto& p : packages) {
    if (p.type == "npm" && is_npm_lockfile_candidate(p.location)) {
      locked_npm[p.location].push_back(std::move(p));
    } else {
      if (p.type == "npm") {
        installed_npm.push_back(p);
      }
      rest.push_back(std::move(p));
    }
  }
  for (auto& [lockfile, locked] : locked_npm) {
    for (auto& p : npm_drop_installed(std::move(locked), lockfile, installed_npm)) {
      rest.push_back(std::move(p));
    }
  }
  packages = std::move(rest);
}

}  // namespace strata::detect::lang
