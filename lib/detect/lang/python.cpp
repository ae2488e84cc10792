#include "detect/lang/python.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <fmt/format.h>

#include "detect/purl.hpp"
#include "util/strings.hpp"

namespace strata::detect::lang {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether some directory of `path` before its last `tail_components` components is named
// site-packages or dist-packages.
bool under_site_packages(std::string_view path, std::size_t tail_components) {
  std::size_t end = path.size();
  for (std::size_t i = 0; i < tail_components; ++i) {
    auto slash = end == 0 ? std::string_view::npos : path.rfind('/', end - 1);
    if (slash == std::string_view::npos) {
      return false;
    }
    end = slash;
  }
  std::string_view dirs = path.substr(0, end);
  for (std::string_view marker : {"/site-packages", "/dist-packages"}) {
    for (std::size_t pos = dirs.find(marker); pos != std::string_view::npos;
         pos = dirs.find(marker, pos + 1)) {
      std::size_t after = pos + marker.size();
      if (after == dirs.size() || dirs[after] == '/') {
        return true;
      }
    }
  }
  return false;
}

// A line of `content` from `pos`, without its end (LF, CRLF or CR); `pos` moves past it.
std::string_view next_line(std::string_view content, std::size_t& pos) {
  std::size_t start = pos;
  std::size_t end = content.find_first_of("\r\n", start);
  if (end == std::string_view::npos) {
    pos = content.size();
    return content.substr(start);
  }
  pos = end + 1;
  if (content[end] == '\r' && pos < content.size() && content[pos] == '\n') {
    ++pos;
  }
  return content.substr(start, end - start);
}

// Python's email.feedparser headerRE: a header name of [\x21-\x39\x3b-\x7e]* then ':'.
// Returns the position of the ':' or npos.
std::size_t header_colon(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c == ':') {
      return i;
    }
    if (c < 0x21 || c > 0x7e) {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Runs of blanks as one space, trimmed (an unfolded header value).
std::string squeeze(std::string_view value) {
  std::string out;
  bool blank = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) {
      out += ' ';
    }
    blank = false;
    out += c;
  }
  return out;
}

model::Package make_package(std::string name, std::string version, std::string_view path) {
  model::Package pkg;
  pkg.purl = make_purl("pypi", "", pep503_normalise(name), version, "", "");
  pkg.name = std::move(name);
  pkg.version = std::move(version);
  pkg.type = "python";
  pkg.ecosystem = "PyPI";
  pkg.location = std::string(path);
  return pkg;
}

const char* error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown error";
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Whether a zip entry name is a wheel's top-level "<d>.dist-info/METADATA".
bool is_wheel_metadata(std::string_view name) {
  auto slash = name.find('/');
  return slash != std::string_view::npos && name.substr(slash + 1) == "METADATA" &&
         ends_with(name.substr(0, slash), ".dist-info");
}

}  // namespace

bool is_python_candidate(std::string_view path) {
  if (ends_with(path, "/EGG-INFO/PKG-INFO")) {
    return under_site_packages(path, 3);
  }
  if (ends_with(path, ".dist-info/METADATA") || ends_with(path, ".egg-info/PKG-INFO")) {
    return under_site_packages(path, 2);
  }
  if (ends_with(path, ".egg-info") || ends_with(path, ".egg")) {
    return under_site_packages(path, 1);
  }
  return false;
}

std::string pep503_normalise(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) {
        out += '-';
      }
      in_run = true;
      continue;
    }
    in_run = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

PythonMetadata read_python_metadata(std::string_view content) {
  PythonMetadata md;
  if (content.starts_with("\xEF\xBB\xBF")) {
    content.remove_prefix(3);
  }
  bool have_name = false, have_version = false;
  // The header being read: which of ours it is (0 none, 1 Name, 2 Version) and its raw value.
  int current = 0;
  std::string value;
  auto finish = [&] {
    if (current == 1 && !have_name) {
      md.name = squeeze(value);
      have_name = true;
    } else if (current == 2 && !have_version) {
      md.version = squeeze(value);
      have_version = true;
    }
    current = 0;
    value.clear();
  };
  std::size_t pos = 0, line_no = 0;
  bool in_header = false;  // a header has been seen that a continuation line may extend
  while (pos < content.size()) {
    std::string_view line = next_line(content, pos);
    ++line_no;
    if (line.empty()) {
      break;  // the blank line before the description
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_header && current != 0) {
        value += ' ';
        value += line;
      }
      continue;
    }
    if (line.starts_with("From ")) {
      finish();  // a mbox envelope line: Python drops it, and the lines folded under it
      in_header = false;
      continue;
    }
    auto colon = header_colon(line);
    if (colon == std::string_view::npos) {
      md.stray_line = line_no;  // not a header: the description starts here
      break;
    }
    finish();
    if (colon == 0) {
      in_header = false;  // an empty header name: Python drops the line
      continue;
    }
    in_header = true;
    std::string_view field = line.substr(0, colon);
    if (util::iequals(field, "name")) {
      current = 1;
    } else if (util::iequals(field, "version")) {
      current = 2;
    }
    if (current != 0) {
      value.assign(line.substr(colon + 1));
    }
  }
  finish();
  return md;
}

std::vector<model::Package> parse_python_metadata(std::string_view content, std::string_view path,
                                                  std::vector<std::string>& warnings) {
  PythonMetadata md = read_python_metadata(content);
  if (md.name.empty() || md.version.empty()) {
    std::string what = md.name.empty() && md.version.empty() ? "Name and Version"
                       : md.name.empty()                     ? "Name"
                                                             : "Version";
    std::string stray =
        md.stray_line == 0
            ? ""
            : fmt::format(" (the headers end at line {}, which is not a header)", md.stray_line);
    warnings.push_back(fmt::format("{}: Python metadata without {}{}", path, what, stray));
    return {};
  }
  std::vector<model::Package> out;
  out.push_back(make_package(std::move(md.name), std::move(md.version), path));
  return out;
}

std::vector<model::Package> parse_python_egg(std::string_view content, std::string_view path,
                                             std::vector<std::string>& warnings,
                                             const PythonZipLimits& limits) {
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) {
    warnings.push_back(fmt::format("{}: cannot read the egg: out of memory", path));
    return {};
  }
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK) {
    warnings.push_back(fmt::format("{}: not a zip archive: {}", path, error_text(a.get())));
    return {};
  }
  // Reads the current entry's data, up to the limit; false (and a warning) on a damaged entry.
  auto read_entry = [&](std::string_view name, std::string& out) {
    out.clear();
    char buf[16384];
    while (out.size() <= limits.max_metadata_size) {
      la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
      if (n < 0) {
        warnings.push_back(
            fmt::format("{}: cannot read {} in the archive: {}", path, name, error_text(a.get())));
        return false;
      }
      if (n == 0) {
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    if (out.size() > limits.max_metadata_size) {
      out.resize(limits.max_metadata_size);
      warnings.push_back(
          fmt::format("{}: {} in the archive is larger than {} bytes; only its start "
                      "is read",
                      path, name, limits.max_metadata_size));
    }
    return true;
  };
  std::string metadata, wheel_metadata;
  std::string metadata_name;
  bool found = false, found_wheel = false;
  std::size_t entries = 0;
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      warnings.push_back(fmt::format("{}: damaged zip archive after {} entries: {}", path, entries,
                                     error_text(a.get())));
      break;
    }
    if (++entries > limits.max_entries) {
      warnings.push_back(fmt::format("{}: more than {} zip entries; the rest is not read", path,
                                     limits.max_entries));
      break;
    }
    const char* raw = archive_entry_pathname(entry);
    std::string_view name = raw ? raw : "";
    if (name == "EGG-INFO/PKG-INFO") {
      if (read_entry(name, metadata)) {
        found = true;
        metadata_name = name;
      }
      break;
    }
    if (!found_wheel && is_wheel_metadata(name)) {
      std::string entry_name(name);
      if (read_entry(entry_name, wheel_metadata)) {
        found_wheel = true;
        metadata_name = entry_name;
      }
    }
  }
  if (!found && found_wheel) {
    metadata = std::move(wheel_metadata);
    found = true;
  }
  if (!found) {
    warnings.push_back(fmt::format("{}: no EGG-INFO/PKG-INFO in the archive", path));
    return {};
  }
  std::vector<std::string> inner;
  auto pkgs = parse_python_metadata(metadata, fmt::format("{}!/{}", path, metadata_name), inner);
  for (auto& w : inner) {
    warnings.push_back(std::move(w));
  }
  for (auto& p : pkgs) {
    p.location = std::string(path);
  }
  return pkgs;
}

std::vector<model::Package> parse_python(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings) {
  if (content.starts_with("PK\x03\x04") || content.starts_with("PK\x05\x06")) {
    return parse_python_egg(content, path, warnings);
  }
  return parse_python_metadata(content, path, warnings);
}

}  // namespace strata::detect::lang
