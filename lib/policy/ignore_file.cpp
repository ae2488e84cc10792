// Ignore files (.strataignore): plain lines or YAML, told apart by content (policy.hpp). yaml-cpp
// throws; every exception stops here and becomes an input error.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "policy/policy.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace strata::policy {

namespace {

struct FileError {
  std::string what;
};

// Whether `date` is a real calendar date written YYYY-MM-DD.
bool valid_date(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
    return false;
  }
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) {
      return false;
    }
  }
  int y = std::stoi(std::string(date.substr(0, 4)));
  int m = std::stoi(std::string(date.substr(5, 2)));
  int d = std::stoi(std::string(date.substr(8, 2)));
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) {
    return false;
  }
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= k_days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// Whether the first line that is neither blank nor a comment starts like YAML.
bool looks_like_yaml(std::string_view text) {
  for (auto raw : util::split(text, '\n')) {
    auto line = util::trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.starts_with("---") || line.front() == '%' || line.front() == '{' ||
        line.front() == '[' || line == "-" || line.starts_with("- ")) {
      return true;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return false;
    }
    bool key =
        std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '"' ||
                 c == '\'';
        });
    return key && (colon + 1 == line.size() || line[colon + 1] == ' ' || line[colon + 1] == '\t');
  }
  return false;
}

std::vector<IgnoreEntry> parse_plain(std::string_view text, std::string_view origin) {
  std::vector<IgnoreEntry> out;
  std::size_t number = 0;
  for (auto raw : util::split(text, '\n')) {
    ++number;
    std::string_view line = raw;
    std::string comment;
    if (auto hash = line.find('#'); hash != std::string_view::npos) {
      comment = std::string(util::trim(line.substr(hash + 1)));
      line = line.substr(0, hash);
    }
    line = util::trim(line);
    if (line.empty()) {
      continue;
    }
    IgnoreEntry e;
    e.origin = fmt::format("{}:{}", origin, number);
    e.reason = comment;
    std::size_t words = 0;
    for (auto word : util::split(line, ' ')) {
      word = util::trim(word);
      if (word.empty()) {
        continue;
      }
      if (++words == 1) {
        e.id = std::string(word);
      } else if (words == 2 && word.starts_with("exp:") && valid_date(word.substr(4))) {
        e.expires = std::string(word.substr(4));
      } else {
        throw FileError{
            fmt::format("{}: expected a vulnerability id and an optional "
                        "exp:YYYY-MM-DD, found '{}'",
                        e.origin, word)};
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string where(std::string_view origin, const YAML::Node& node) {
  auto mark = node.Mark();
  return mark.is_null() ? std::string(origin) : fmt::format("{}:{}", origin, mark.line + 1);
}

std::string scalar(const YAML::Node& node, std::string_view origin, std::string_view what) {
  if (!node.IsScalar()) {
    throw FileError{fmt::format("{}: {} must be a string", where(origin, node), what)};
  }
  return node.Scalar();
}

IgnoreEntry parse_entry(const YAML::Node& node, std::string_view origin) {
  if (!node.IsMap()) {
    throw FileError{fmt::format("{}: a vulnerabilities entry must be a mapping with an id",
                                where(origin, node))};
  }
  IgnoreEntry e;
  e.origin = where(origin, node);
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (key != "id" && key != "packages" && key != "reason" && key != "expires") {
      throw FileError{fmt::format("{}: unknown key '{}' (id, packages, reason, expires)",
                                  where(origin, kv.first), key)};
    }
  }
  if (!node["id"] || util::trim(scalar(node["id"], origin, "id")).empty()) {
    throw FileError{fmt::format("{}: an entry without an id", e.origin)};
  }
  e.id = std::string(util::trim(node["id"].Scalar()));
  if (auto packages = node["packages"]) {
    if (packages.IsScalar()) {
      e.packages.push_back(packages.Scalar());
    } else if (packages.IsSequence()) {
      for (const auto& p : packages) {
        e.packages.push_back(scalar(p, origin, "a package"));
      }
    } else if (!packages.IsNull()) {
      throw FileError{fmt::format("{}: packages must be a list of package names or purls",
                                  where(origin, packages))};
    }
  }
  if (auto reason = node["reason"]; reason && !reason.IsNull()) {
    e.reason = scalar(reason, origin, "reason");
  }
  if (auto expires = node["expires"]; expires && !expires.IsNull()) {
    e.expires = scalar(expires, origin, "expires");
    if (!valid_date(e.expires)) {
      throw FileError{fmt::format("{}: expires '{}' is not a date (YYYY-MM-DD)",
                                  where(origin, expires), e.expires)};
    }
  }
  return e;
}

std::vector<IgnoreEntry> parse_yaml(std::string_view text, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw FileError{fmt::format("{}:{}: invalid YAML: {}", origin, e.mark.line + 1, e.msg)};
  }
  if (root.IsNull()) {
    return {};
  }
  if (!root.IsMap()) {
    throw FileError{fmt::format("{}: expected a mapping with a 'vulnerabilities' list", origin)};
  }
  for (const auto& kv : root) {
    auto key = kv.first.as<std::string>();
    if (key != "vulnerabilities") {
      throw FileError{
          fmt::format("{}: unknown key '{}' (vulnerabilities)", where(origin, kv.first), key)};
    }
  }
  std::vector<IgnoreEntry> out;
  auto list = root["vulnerabilities"];
  if (!list || list.IsNull()) {
    return out;
  }
  if (!list.IsSequence()) {
    throw FileError{fmt::format("{}: vulnerabilities must be a list", where(origin, list))};
  }
  for (const auto& node : list) {
    out.push_back(parse_entry(node, origin));
  }
  return out;
}

}  // namespace

util::Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text,
                                                         std::string_view origin) {
  try {
    return looks_like_yaml(text) ? parse_yaml(text, origin) : parse_plain(text, origin);
  } catch (const FileError& e) {
    auto message = e.what;
    std::replace(message.begin(), message.end(), '\n', ' ');
    return util::input_error("{}", message);
  } catch (const YAML::Exception& e) {
    return util::input_error("{}:{}: invalid ignore file: {}", origin, e.mark.line + 1, e.msg);
  }
}

util::Result<std::vector<IgnoreEntry>> load_ignore_file(const std::string& path) {
  auto text = util::read_file(path, 16u << 20);
  if (!text) {
    return util::input_error("ignore file {}", text.error().message);
  }
  return parse_ignore_file(*text, path);
}

}  // namespace strata::policy
