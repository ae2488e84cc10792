#pragma once
// Installed Python distributions (ecosystem "PyPI"): the core metadata file each installer leaves
// next to the package, in a site-packages or dist-packages directory (system, /usr/local,
// virtualenvs anywhere).
//
//   <d>.dist-info/METADATA         wheels installed by pip (PEP 376 / 627)
//   <d>.egg-info/PKG-INFO          setuptools "egg-info" directories
//   <d>.egg-info                   the older single-file form (Debian's python3-* packages)
//   <d>.egg/EGG-INFO/PKG-INFO      unzipped eggs
//   <d>.egg                        zipped eggs: a zip archive holding EGG-INFO/PKG-INFO
//
// The metadata is RFC 822 style, read the way Python's email parser (compat32, what
// importlib.metadata uses) reads it: a header line is `Name: value` where Name is printable ASCII
// without blanks or ':'; a line starting with a blank or tab continues the previous header; the
// headers end at the first empty line or at the first line that is neither (what follows is the
// description, never read). Header names are case-insensitive; a repeated header keeps its first
// value. A folded value is unfolded and trimmed. LF, CRLF and CR line ends; a UTF-8 BOM is
// skipped (Python would not: its first line would not be a header).
//
// Name is reported as the metadata writes it ("pyOpenSSL"); the purl carries the PEP 503
// normalised name (lower case, runs of '-', '_', '.' as one '-'): pkg:pypi/pyopenssl@26.0.0.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

// Whether the file at `path` (normalised, absolute) holds Python metadata (one of the forms above)
// under a directory named site-packages or dist-packages (any path component before it).
bool is_python_candidate(std::string_view path);

// PEP 503: lower case, each run of '-', '_', '.' becomes one '-'.
std::string pep503_normalise(std::string_view name);

// The headers of a metadata file, as the email parser would read them (above).
struct PythonMetadata {
  std::string name;     // "" when absent
  std::string version;  // "" when absent
  // Set when the headers ended at a line that is not a header (1-based line number), else 0.
  std::size_t stray_line = 0;
};
PythonMetadata read_python_metadata(std::string_view content);

// The one package a METADATA / PKG-INFO / .egg-info file declares. A file without Name or
// Version: no package, and a warning naming `path` (and the stray line that ended the headers
// early, if any).
std::vector<model::Package> parse_python_metadata(std::string_view content, std::string_view path,
                                                  std::vector<std::string>& warnings);

// Limits for reading a zipped egg.
struct PythonZipLimits {
  std::size_t max_entries = 100000;          // zip entries looked at
  std::size_t max_metadata_size = 4u << 20;  // bytes of PKG-INFO read (the headers come first)
};

// The package of a zipped egg: the metadata in its EGG-INFO/PKG-INFO. A wheel's top-level
// <d>.dist-info/METADATA is read the same way when there is no EGG-INFO (a .whl is not a
// candidate, but the reader accepts one). Not a zip, no metadata entry, a limit hit, or a damaged
// archive: a warning naming `path`, and no package.
std::vector<model::Package> parse_python_egg(std::string_view content, std::string_view path,
                                             std::vector<std::string>& warnings,
                                             const PythonZipLimits& limits = {});

// Either of the above: a zip archive (content starting "PK\3\4", or "PK\5\6" for an empty one)
// goes to parse_python_egg, anything else to parse_python_metadata.
std::vector<model::Package> parse_python(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings);

}  // namespace strata::detect::lang
