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

// Value of a run of decimal digits (the first 9 of them); 0 when empty.
int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits.substr(0, 9)) {
    value = value * 10 + (c - '0');
  }
  return value;
}

// A SUSE Linux Enterprise release as SUSE names it, from VERSION_ID: "15.5" -> "15 SP5",
// "15" or "15.0" -> "15"; from 16 on, releases are numbered without service packs: "16.0".
std::string suse_release(std::string_view version) {
  auto major = leading_number(version);
  if (major.empty()) {
    return {};
  }
  auto rest = version.substr(major.size());
  auto minor =
      rest.empty() || rest.front() != '.' ? std::string_view{} : leading_number(rest.substr(1));
  if (to_int(major) >= 16) {
    return minor.empty() ? std::string(major) : fmt::format("{}.{}", major, minor);
  }
  if (minor.empty() || to_int(minor) == 0) {
    return std::string(major);
  }
  return fmt::format("{} SP{}", major, to_int(minor));
}

// The openEuler release with its qualifier, as OSV names it: VERSION_ID "22.03" and VERSION
// "22.03 (LTS-SP3)" -> "22.03-LTS-SP3"; "(LTS SP1)" is written "LTS-SP1"; no parenthesis ->
// "22.03". PRETTY_NAME ("openEuler 22.03 (LTS-SP3)") stands in for a missing VERSION.
std::string openeuler_release(std::string_view version_id, std::string_view version_text,
                              std::string_view pretty_name) {
  auto base = major_minor(version_id);
  if (base.empty()) {
    return {};
  }
  auto text = version_text.find('(') != std::string_view::npos ? version_text : pretty_name;
  auto open = text.find('(');
  auto close = open == std::string_view::npos ? open : text.find(')', open);
  if (close == std::string_view::npos) {
    return base;
  }
  std::string qualifier;
  for (char c : util::trim(text.substr(open + 1, close - open - 1))) {
    qualifier += c == ' ' ? '-' : c;
  }
  return qualifier.empty() ? base : fmt::format("{}-{}", base, qualifier);
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
  auto mm = major_minor(version);
  if (family == "alpine") {
    return mm.empty() ? std::string{} : "Alpine:v" + mm;
  }
  if (family == "debian") {
    if (major.empty()) {
      return {};
    }
    if (to_int(major) >= 7) {
      return fmt::format("Debian:{}", major);
    }
    return mm.empty() ? fmt::format("Debian:{}.0", major) : "Debian:" + mm;
  }
  if (family == "ubuntu") {
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
  if (family == "opensuse-tumbleweed") {
    return "openSUSE:Tumbleweed";
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
  if (family == "azurelinux" || family == "mariner") {
    return fmt::format("Azure Linux:{}", major);
  }
  if (family == "sles" || family == "sled" || family == "sles_sap") {
    std::string_view product = family == "sles"   ? "Server"
                               : family == "sled" ? "Desktop"
                                                  : "Server for SAP Applications";
    return fmt::format("SUSE:Linux Enterprise {} {}", product, suse_release(version));
  }
  if (mm.empty()) {
    return {};
  }
  if (family == "photon") {
    return "Photon OS:" + mm;
  }
  if (family == "openeuler") {
    auto rest = version.substr(mm.size());
    if (!rest.empty() && rest.front() == '-') {
      return fmt::format("openEuler:{}{}", mm, rest);
    }
    return fmt::format("openEuler:{}{}", mm, lts ? "-LTS" : "");
  }
  if (family == "sle-micro") {
    return "SUSE:Linux Enterprise Micro " + mm;
  }
  if (family == "sl-micro") {
    return "SUSE:Linux Micro " + mm;
  }
  if (family == "opensuse-leap" || (family == "opensuse" && major == "42")) {
    return "openSUSE:Leap " + mm;
  }
  if (family == "opensuse-leap-micro") {
    return "openSUSE:Leap Micro " + mm;
  }
  return {};
}

std::string no_ecosystem_reason(const model::OsInfo& os) {
  if (os.empty() || !os.ecosystem.empty()) {
    return {};
  }
  if (os.family == "rhel") {
    return "OSV files Red Hat advisories per product stream (\"Red "
           "Hat:enterprise_linux:9::baseos\", "
           "\"...::appstream\", ...), and an image does not record which stream each package came "
           "from";
  }
  static constexpr std::pair<std::string_view, std::string_view> k_uncovered[] = {
      {"centos", "CentOS"},
      {"fedora", "Fedora"},
      {"amzn", "Amazon Linux"},
      {"ol", "Oracle Linux"},
      {"rhcos", "Red Hat Enterprise Linux CoreOS"},
  };
  for (const auto& [id, name] : k_uncovered) {
    if (os.family == id) {
      return fmt::format("OSV has no {} ecosystem", name);
    }
  }
  // A family osv_ecosystem maps, at a version it cannot name.
  if (!osv_ecosystem(os.family, "42.1", false).empty()) {
    return os.version.empty()
               ? fmt::format("{} without a VERSION_ID has no OSV release name", os.family)
               : fmt::format("OSV has no release name for {} {}", os.family, os.version);
  }
  return fmt::format("no OSV ecosystem is known for ID={}", os.family);
}

std::string purl_distro(const model::OsInfo& os) {
  if (os.family.empty() || os.version.empty()) {
    return {};
  }
  return fmt::format("{}-{}", os.family, os.version);
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
  if (os.family == "openeuler") {
    auto release = openeuler_release(os.version, version_text, os.pretty_name);
    os.ecosystem = osv_ecosystem(os.family, release.empty() ? os.version : release, false);
    return os;
  }
  os.ecosystem = osv_ecosystem(os.family, os.version, lts);
  return os;
}

}  // namespace strata::detect
