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

bool starts_with_word(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && util::iequals(text.substr(0, prefix.size()), prefix) &&
         (text.size() == prefix.size() || text[prefix.size()] == ' ');
}

// Product names of "<name> release <version>" files and the os-release ID each distribution
// uses; the longer name first where one starts with another.
constexpr std::pair<std::string_view, std::string_view> k_release_names[] = {
    {"Red Hat Enterprise Linux CoreOS", "rhcos"},
    {"Red Hat Enterprise Linux", "rhel"},
    {"CentOS", "centos"},
    {"AlmaLinux", "almalinux"},
    {"Rocky Linux", "rocky"},
    {"Oracle Linux", "ol"},
    {"Fedora", "fedora"},
    {"Amazon Linux", "amzn"},
};

// "<name> release <version> ...": /etc/redhat-release, /etc/centos-release, /etc/system-release.
std::optional<model::OsInfo> parse_release_line(std::string_view line) {
  constexpr std::string_view k_release = " release ";
  auto at = line.find(k_release);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  auto name = util::trim(line.substr(0, at));
  auto rest = line.substr(at + k_release.size());
  std::size_t n = 0;
  while (n < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '.')) {
    ++n;
  }
  auto number = rest.substr(0, n);
  while (!number.empty() && number.back() == '.') {
    number.remove_suffix(1);
  }
  if (number.empty() || number.front() == '.') {
    return std::nullopt;
  }
  for (const auto& [product, id] : k_release_names) {
    if (!starts_with_word(name, product)) {
      continue;
    }
    model::OsInfo os;
    os.family = std::string(id);
    os.version = std::string(number);
    // os-release writes only the major for CentOS 7+ ("7") and Amazon Linux 2022+ ("2023").
    auto major = leading_number(number);
    if ((id == "centos" && to_int(major) >= 7) || (id == "amzn" && to_int(major) >= 2022)) {
      os.version = std::string(major);
    }
    return os;
  }
  return std::nullopt;
}

// /etc/SuSE-release: "SUSE Linux Enterprise Server 12 (x86_64)" then "VERSION = 12" and
// "PATCHLEVEL = 5" lines (openSUSE: "openSUSE 13.2 (x86_64)", "VERSION = 13.2").
std::optional<model::OsInfo> parse_suse_release(std::string_view content) {
  auto lines = util::split(content, '\n');
  auto product = util::trim(lines.front());
  product = util::trim(product.substr(0, product.find('(')));
  model::OsInfo os;
  if (starts_with_word(product, "SUSE Linux Enterprise Server")) {
    os.family = "sles";
  } else if (starts_with_word(product, "SUSE Linux Enterprise Desktop")) {
    os.family = "sled";
  } else if (starts_with_word(product, "openSUSE")) {
    os.family = "opensuse";
  } else {
    return std::nullopt;
  }
  std::string_view version;
  std::string_view patchlevel;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto eq = lines[i].find('=');
    if (eq == std::string_view::npos || util::trim(lines[i]).starts_with('#')) {
      continue;
    }
    auto key = util::trim(lines[i].substr(0, eq));
    auto value = util::trim(lines[i].substr(eq + 1));
    if (key == "VERSION") {
      version = value;
    } else if (key == "PATCHLEVEL") {
      patchlevel = value;
    }
  }
  if (version.empty()) {
    // No VERSION line: the number after the product name ("... Server 11").
    auto last = product.rfind(' ');
    version = last == std::string_view::npos ? std::string_view{} : product.substr(last + 1);
  }
  if (leading_number(version).empty()) {
    return std::nullopt;
  }
  os.version = std::string(version);
  if (os.family != "opensuse" && !patchlevel.empty() && to_int(leading_number(patchlevel)) != 0) {
    os.version = fmt::format("{}.{}", version, leading_number(patchlevel));
  }
  return os;
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
  // A family osv_ecosystem maps (it names every mapped family at "42.1", a MAJOR.MINOR that
  // is also an openSUSE Leap release), at a version it cannot name.
  if (!osv_ecosystem(os.family, "42.1", false).empty()) {
    return os.version.empty()
               ? fmt::format("{} without a VERSION_ID has no OSV release name", os.family)
               : fmt::format("OSV has no release name for {} {}", os.family, os.version);
  }
  return fmt::format("no OSV ecosystem is known for ID={}", os.family);
}

std::optional<model::OsInfo> os_from_legacy_release(std::string_view path, std::string_view content,
                                                    std::vector<std::string>& warnings) {
  auto first = util::trim(content.substr(0, content.find('\n')));
  auto os = parse_release_line(first);
  if (!os && first.find(" release ") == std::string_view::npos) {
    os = parse_suse_release(content);
  }
  if (!os) {
    warnings.push_back(fmt::format("{}: not a release file strata knows (\"{}\"), ignored", path,
                                   first.substr(0, 120)));
    return std::nullopt;
  }
  os->ecosystem = osv_ecosystem(os->family, os->version, false);
  os->pretty_name = std::string(first);
  return os;
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
