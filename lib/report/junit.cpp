// JUnit XML writer (see report.hpp for the mapping).

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/document.hpp"
#include "report/report.hpp"
#include "util/time.hpp"

namespace strata::report {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] of a character XML 1.0 allows, 0 when there is none.
std::size_t xml_char_length(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  }
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr std::uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  bool ok = cp >= k_min[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE &&
            cp != 0xFFFF;
  return ok ? n : 0;
}

// Text escaped for XML: markup characters and quotes always; line breaks and tabs as character
// references in attribute values (so they survive attribute normalisation), literal in element
// text (except CR); what XML 1.0 cannot carry becomes U+FFFD.
std::string xml(std::string_view s, bool attribute = true) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = xml_char_length(s, i);
    if (n == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    if (n == 1) {
      switch (s[i]) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        case '\n':
          out += attribute ? "&#10;" : "\n";
          break;
        case '\r':
          out += "&#13;";
          break;
        case '\t':
          out += attribute ? "&#9;" : "\t";
          break;
        default:
          out += s[i];
      }
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

struct Suite {
  std::string title;
  std::vector<std::size_t> packages;  // indexes into the sorted packages
  std::set<std::string> types;
};

}  // namespace

void write_junit(const model::ScanResult& result, const DocumentInfo& info,
                 std::optional<model::Severity> fail_on, std::ostream& out) {
  const auto packages = sorted_packages(result.packages);
  const auto findings = sorted_findings(result.findings);
  std::vector<std::vector<const model::Finding*>> by_package(packages.size());
  for (const auto& f : findings) {
    if (f.suppressed) {
      continue;
    }
    if (const auto* p = detail::package_of(f, packages); p != nullptr) {
      by_package[static_cast<std::size_t>(p - packages.data())].push_back(&f);
    }
  }
  Suite os;
  std::map<std::string, Suite> files;  // by location; "" for library packages without one
  for (std::size_t i = 0; i < packages.size(); ++i) {
    const auto& p = packages[i];
    Suite& s = model::is_os_package_type(p.type) ? os : files[p.location];
    s.packages.push_back(i);
    s.types.insert(p.type);
  }
  std::vector<Suite*> suites;
  if (!os.packages.empty()) {
    os.title = detail::os_section_title(result.target.os, os.types);
    suites.push_back(&os);
  }
  for (auto& [location, s] : files) {
    s.title =
        fmt::format("{} ({})", location.empty() ? "unknown file" : location, detail::join(s.types));
    suites.push_back(&s);
  }
  auto fails = [&](const model::Finding* f) { return !fail_on || f->severity >= *fail_on; };
  std::string body;
  std::size_t total_tests = 0;
  std::size_t total_failures = 0;
  const std::string timestamp = util::format_rfc3339(info.timestamp);
  for (const Suite* s : suites) {
    std::string cases;
    std::size_t failures = 0;
    for (std::size_t i : s->packages) {
      const auto& p = packages[i];
      const auto& fs = by_package[i];
      std::string name = fmt::format("{}@{}", p.name, p.version);
      bool failed = std::any_of(fs.begin(), fs.end(), fails);
      if (!failed) {
        cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"/>\n",
                             xml(s->title), xml(name));
        continue;
      }
      ++failures;
      model::Severity highest = model::Severity::unknown;
      std::string text;
      for (const auto* f : fs) {
        highest = std::max(highest, f->severity);
        text +=
            fmt::format("{} {} installed {} fixed {}\n", f->id, model::severity_name(f->severity),
                        f->installed_version, f->fixed_version.empty() ? "-" : f->fixed_version);
      }
      std::string message =
          fmt::format("{} {} {}", fs.size(), fs.size() == 1 ? "vulnerability" : "vulnerabilities",
                      p.purl.empty() ? "" : "in " + p.purl);
      while (!message.empty() && message.back() == ' ') {
        message.pop_back();
      }
      cases += fmt::format(
          "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n"
          "      <failure message=\"{}\" type=\"{}\">{}</failure>\n"
          "    </testcase>\n",
          xml(s->title), xml(name), xml(message), model::severity_name(highest), xml(text, false));
    }
    total_tests += s->packages.size();
    total_failures += failures;
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" "
        "time=\"0\" timestamp=\"{}\">\n{}  </testsuite>\n",
        xml(s->title), s->packages.size(), failures, timestamp, cases);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << fmt::format(
             "<testsuites name=\"strata\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
             "time=\"0\">\n",
             total_tests, total_failures)
      << body << "</testsuites>\n";
}

}  // namespace strata::report
