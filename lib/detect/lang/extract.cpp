#include "detect/lang/extract.hpp"

#include "detect/lang/dotnet.hpp"
#include "detect/lang/java.hpp"
#include "detect/lang/php.hpp"
#include "detect/lang/python.hpp"
#include "detect/lang/ruby.hpp"

namespace strata::detect::lang {

namespace {

using Parser = std::vector<model::Package> (*)(std::string_view, std::string_view,
                                               std::vector<std::string>&);

std::vector<model::Package> parse_java(std::string_view content, std::string_view path,
                                       std::vector<std::string>& warnings) {
  return parse_java_archive(content, path, warnings);
}

struct Ecosystem {
  bool (*candidate)(std::string_view path);
  Parser parse;
};

constexpr Ecosystem k_ecosystems[] = {
    {is_python_candidate, parse_python}, {is_ruby_candidate, parse_ruby},
    {is_php_candidate, parse_php},       {is_dotnet_candidate, parse_dotnet},
    {is_java_candidate, parse_java},
};

}  // namespace

bool is_language_file(std::string_view path) {
  for (const auto& e : k_ecosystems) {
    if (e.candidate(path)) {
      return true;
    }
  }
  return false;
}

bool is_executable_head(std::string_view) {
  return false;  // Go and Rust binaries: not read yet
}

void extract_language_packages(std::string_view path, std::string_view content,
                               std::vector<model::Package>& out,
                               std::vector<std::string>& warnings) {
  for (const auto& e : k_ecosystems) {
    if (e.candidate(path)) {
      auto found = e.parse(content, path, warnings);
      out.insert(out.end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
      return;
    }
  }
}

}  // namespace strata::detect::lang
