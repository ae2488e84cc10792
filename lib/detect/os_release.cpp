#include "detect/os_release.hpp"

#include <cctype>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace strata::detect {

namespace {

bool valid_key(std::string_view key) {
  if (key.empty()) {
    return false;
  }
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

// Shell-like value: concatenated bare / "double" / 'single' segments, up to unquoted blank.
std::string parse_value(std::string_view v) {
  std::string out;
  std::size_t i = 0;
  while (i < v.size()) {
    char c = v[i];
    if (c == '"') {
      ++i;
      while (i < v.size() && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < v.size() &&
            (v[i + 1] == '"' || v[i + 1] == '\\' || v[i + 1] == '$' || v[i + 1] == '`')) {
          ++i;
        }
        out += v[i++];
      }
      ++i;  // closing quote (or end)
    } else if (c == '\'') {
      ++i;
      while (i < v.size() && v[i] != '\'') {
        out += v[i++];
      }
      ++i;
    } else if (c == ' ' || c == '\t') {
      break;  // anything after an unquoted blank (e.g. a trailing comment) is not the value
    } else if (c == '\\' && i + 1 < v.size()) {
      out += v[i + 1];
      i += 2;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// Leading decimal number of `s` ("3.18.9" -> "3"); empty when `s` does not start with a digit.
std::string_view leading_number(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
    ++n;
  }
  return s.substr(0, n);
}

// "MAJOR.MINOR" of `s` ("3.18.9" -> "3.18", "3.19_alpha2023" -> "3.19"); empty when absent.
std::string major_minor(std::string_view s) {
  auto major = leading_number(s);
  if (major.empty() || major.size() >= s.size() || s[major.size()] != '.') {
    return {};
  }
  auto minor = leading_number(s.substr(major.size() + 1));
  if (minor.empty()) {
    return {};
  }
  return fmt::format("{}.{}", major, minor);
}

std::string field(const std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string{} : it->second;
}

}  // namespace

std::map<std::string, std::string> parse_os_release(std::string_view content) {
  std::map<std::string, std::string> out;
  for (auto raw : util::split(content, '\n')) {
    auto line = util::trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    auto key = line.substr(0, eq);
    if (!valid_key(key)) {
      continue;
    }
    out[std::string(key)] = parse_value(line.substr(eq + 1));
  }
  return out;
}

std::optional<std::string> debian_release_for_codename(std::string_view codename) {
  static constexpr std::pair<std::string_view, std::string_view> k_codenames[] = {
      {"buzz", "1.1"},    {"rex", "1.2"},     {"bo", "1.3"},    {"hamm", "2.0"},  {"slink", "2.1"},
      {"potato", "2.2"},  {"woody", "3.0"},   {"sarge", "3.1"}, {"etch", "4.0"},  {"lenny", "5.0"},
      {"squeeze", "6.0"}, {"wheezy", "7"},    {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"},
      {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"duke", "15"},
  };
  auto name = util::to_lower(util::trim(codename));
  for (const auto& [code, release] : k_codenames) {
    if (name == code) {
      return std::string(release);
    }
  }
  return std::nullopt;
}

std::string osv_ecosystem(std::string_view family, std::string_view version, bool lts) {
  auto major = leading_number(version);
  if (family == "alpine") {
    auto mm = major_minor(version);
    return mm.empty() ? std::string{} : "Alpine:v" + mm;
  }
  if (family == "debian") {
    if (major.empty()) {
      return {};
    }
    if (std::stoi(std::string(major.substr(0, 4))) >= 7) {
      return fmt::format("Debian:{}", major);
    }
    auto mm = major_minor(version);
    return mm.empty() ? fmt::format("Debian:{}.0", major) : "Debian:" + mm;
  }
  if (family == "ubuntu") {
    auto mm = major_minor(version);
    if (mm.empty()) {
      return {};
    }
    return fmt::format("Ubuntu:{}{}", mm, lts ? ":LTS" : "");
  }
  if (family == "wolfi") {
    return "Wolfi";
  }
  if (family == "chainguard") {
    return "Chainguard";
  }
  if (major.empty()) {
    return {};
  }
  if (family == "almalinux") {
    return fmt::format("AlmaLinux:{}", major);
  }
  if (family == "rocky") {
    return fmt::format("Rocky Linux:{}", major);
  }
  if (family == "mageia") {
    return fmt::format("Mageia:{}", major);
  }
  if (family == "photon") {
    auto mm = major_minor(version);
    return mm.empty() ? std::string{} : "Photon OS:" + mm;
  }
  return {};
}

model::OsInfo os_from_release(const std::map<std::string, std::string>& fields,
                              std::string_view debian_version, std::vector<std::string>& warnings) {
  model::OsInfo os;
  os.family = util::to_lower(util::trim(field(fields, "ID")));
  if (os.family.empty()) {
    return {};
  }
  os.version = std::string(util::trim(field(fields, "VERSION_ID")));
  os.pretty_name = field(fields, "PRETTY_NAME");
  auto version_text = field(fields, "VERSION");

  if (os.family == "debian" && os.version.empty()) {
    auto dv = util::trim(debian_version);
    if (!dv.empty() && std::isdigit(static_cast<unsigned char>(dv.front()))) {
      os.version = std::string(dv);  // a release without VERSION_ID in os-release
    } else {
      // Testing/unstable: name the release the codename will become.
      std::string codename = field(fields, "VERSION_CODENAME");
      if (codename.empty() && !dv.empty()) {
        codename = std::string(dv.substr(0, dv.find('/')));
      }
      auto release = debian_release_for_codename(codename);
      os.version = dv.empty() ? codename : std::string(dv);
      if (release) {
        os.ecosystem = osv_ecosystem("debian", *release, false);
        warnings.push_back(fmt::format(
            "Debian testing/unstable ({}): matching against {} advisories, which may miss "
            "vulnerabilities fixed only in unstable",
            os.version.empty() ? "no version" : os.version, os.ecosystem));
      } else {
        warnings.push_back(
            fmt::format("Debian without a release number ({}): packages cannot be matched",
                        os.version.empty() ? "no VERSION_ID" : os.version));
      }
      return os;
    }
  }

  bool lts = false;
  if (os.family == "ubuntu") {
    if (!version_text.empty()) {
      lts = version_text.find("LTS") != std::string::npos;
    } else {
      // No VERSION: LTS releases are the even years' April releases.
      auto mm = major_minor(os.version);
      auto major = leading_number(os.version);
      lts = !mm.empty() && mm.size() == major.size() + 3 && mm.substr(major.size()) == ".04" &&
            (std::stoi(std::string(major.substr(0, 4))) % 2 == 0);
    }
  }
  os.ecosystem = osv_ecosystem(os.family, os.version, lts);
  return os;
}

}  // namespace strata::detect
