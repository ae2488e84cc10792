#include "detect/lang/java.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "detect/lang/java_manifest.hpp"
#include "detect/lang/java_properties.hpp"
#include "detect/purl.hpp"
#include "util/strings.hpp"

namespace strata::detect::lang {

namespace {

constexpr std::array<std::string_view, 7> k_extensions{".jar", ".war", ".ear", ".par",
                                                       ".sar", ".jpi", ".hpi"};
constexpr std::string_view k_manifest = "META-INF/MANIFEST.MF";
constexpr std::size_t k_chunk = 64 * 1024;

bool has_archive_extension(std::string_view name) {
  if (name.size() < 4) {
    return false;
  }
  std::string_view ext = name.substr(name.size() - 4);
  for (auto e : k_extensions) {
    if (util::iequals(ext, e)) {
      return true;
    }
  }
  return false;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

std::string archive_error(archive* a) {
  const char* e = archive_error_string(a);
  return e != nullptr ? e : "unknown error";
}

// What an entry is to this parser.
enum class Kind { other, pom_properties, manifest_exact, manifest_other_case, nested };

Kind kind_of(std::string_view name) {
  std::string_view base = base_name(name);
  if (base == "pom.properties") {
    return Kind::pom_properties;
  }
  if (name == k_manifest) {
    return Kind::manifest_exact;
  }
  if (util::iequals(name, k_manifest)) {
    return Kind::manifest_other_case;
  }
  return has_archive_extension(base) ? Kind::nested : Kind::other;
}

// One parse: the bounds shared by the archive and every nested one, the output.
class Walker {
 public:
  Walker(const JarLimits& limits, std::string_view root, std::vector<model::Package>& out,
         std::vector<std::string>& warnings)
      : m_limits(limits), m_root(root), m_out(out), m_warnings(warnings) {}

  // The packages of the archive `bytes` at `path`, `depth` levels below the parsed one.
  void walk(std::string_view bytes, const std::string& path, int depth);

  // Adds the count of warnings left out, if any.
  void finish() {
    if (m_suppressed > 0) {
      m_warnings.push_back(
          fmt::format("{}: {} more warnings about this archive not shown", m_root, m_suppressed));
    }
  }

 private:
  enum class Read { ok, skipped, stop };

  // Reads the current entry of `a` (at `where`, in the archive `archive`, the bytes `a` reads)
  // into `data`, at most `cap` bytes. `stop` when the archive cannot be read further.
  Read read_entry(archive* a, archive_entry* e, std::uint64_t cap, std::string_view archive,
                  const std::string& where, std::string& data);
  void pom_properties(std::string_view text, const std::string& where,
                      std::vector<MavenCoordinates>& own);
  void add(const MavenCoordinates& c, const std::string& path);
  void warn(std::string message) {
    if (m_warned < m_limits.max_warnings) {
      ++m_warned;
      m_warnings.push_back(std::move(message));
    } else {
      ++m_suppressed;
    }
  }

  const JarLimits& m_limits;
  std::string_view m_root;
  std::vector<model::Package>& m_out;
  std::vector<std::string>& m_warnings;
  std::set<std::string> m_seen;  // name, version and location of every package added
  std::uint64_t m_entries = 0;
  std::uint64_t m_bytes = 0;
  bool m_exhausted = false;  // max_entries or max_total_bytes reached: read nothing more
  std::size_t m_warned = 0;
  std::size_t m_suppressed = 0;
};

void Walker::walk(std::string_view bytes, const std::string& path, int depth) {
  ArchivePtr a(archive_read_new());
  if (!a) {
    warn(fmt::format("{}: cannot allocate a zip reader", path));
    return;
  }
  // The seeking reader only: the central directory, as the JVM reads it (see the header).
  archive_read_support_format_zip_seekable(a.get());
  if (bytes.empty() ||
      archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    warn(fmt::format("{}: not a readable zip archive ({})", path,
                     bytes.empty() ? "empty" : archive_error(a.get())));
    return;
  }
  std::vector<MavenCoordinates> own;
  std::optional<std::string> manifest_exact, manifest_other_case;
  while (!m_exhausted) {
    if (m_entries >= m_limits.max_entries) {
      warn(fmt::format("{}: more than {} archive entries in all; the rest not read", path,
                       m_limits.max_entries));
      m_exhausted = true;
      break;
    }
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) {
      break;
    }
    ++m_entries;
    if (r == ARCHIVE_FATAL) {
      warn(fmt::format("{}: zip archive unreadable past entry {} ({})", path, m_entries,
                       archive_error(a.get())));
      break;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      continue;  // this entry's header is unusable; the next one may be fine
    }
    const char* name_c = archive_entry_pathname_utf8(e);
    if (name_c == nullptr) {
      name_c = archive_entry_pathname(e);
    }
    if (name_c == nullptr || archive_entry_filetype(e) == AE_IFDIR) {
      continue;
    }
    const std::string_view name(name_c);
    const Kind kind = kind_of(name);
    if (kind == Kind::other || (kind == Kind::manifest_exact && manifest_exact) ||
        (kind == Kind::manifest_other_case && manifest_other_case)) {
      continue;
    }
    const std::string where = fmt::format("{}!/{}", path, name);
    if (archive_entry_is_encrypted(e)) {
      warn(fmt::format("{}: encrypted entry not read", where));
      continue;
    }
    if (kind == Kind::nested && depth >= m_limits.max_depth) {
      warn(fmt::format("{}: archive nested more than {} levels deep not read", where,
                       m_limits.max_depth));
      continue;
    }
    const std::uint64_t cap =
        kind == Kind::nested ? m_limits.max_archive_bytes : m_limits.max_metadata_bytes;
    std::string data;
    Read read = read_entry(a.get(), e, cap, bytes, where, data);
    if (read == Read::stop) {
      break;
    }
    if (read == Read::skipped) {
      continue;
    }
    switch (kind) {
      case Kind::pom_properties:
        pom_properties(data, where, own);
        break;
      case Kind::manifest_exact:
        manifest_exact = std::move(data);
        break;
      case Kind::manifest_other_case:
        manifest_other_case = std::move(data);
        break;
      case Kind::nested:
        walk(data, where, depth + 1);  // `data` is freed before the next entry is read
        break;
      case Kind::other:
        break;
    }
  }
  for (const auto& c : own) {
    add(c, path);
  }
  const auto& manifest = manifest_exact ? manifest_exact : manifest_other_case;
  if (own.empty() && manifest) {
    if (auto c = coordinates_from_manifest(parse_manifest_main_section(*manifest))) {
      add(*c, path);
    }
  }
}

Walker::Read Walker::read_entry(archive* a, archive_entry* e, std::uint64_t cap,
                                std::string_view archive, const std::string& where,
                                std::string& data) {
  const std::uint64_t archive_size = archive.size();
  constexpr auto k_max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t ratio = std::max<std::uint64_t>(m_limits.max_ratio, 1);
  auto times_ratio = [&](std::uint64_t n) { return n > k_max / ratio ? k_max : n * ratio; };
  if (archive_entry_size_is_set(e)) {
    // Before reading: the declared size against the cap, and against what the whole archive
    // (more than the entry's compressed data) could hold at max_ratio.
    const auto declared =
        static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(e), 0));
    if (declared > cap) {
      warn(fmt::format("{}: declares {} bytes, more than the {} read at most; not read", where,
                       declared, cap));
      return Read::skipped;
    }
    if (declared > std::max(m_limits.min_bomb_bytes, times_ratio(archive_size))) {
      warn(fmt::format("{}: declares {} bytes in a {}-byte archive, a zip bomb; not read", where,
                       declared, archive_size));
      return Read::skipped;
    }
    // The declared size may be a lie: reserve no more than the bomb check lets through.
    data.reserve(std::min(declared, m_limits.min_bomb_bytes));
  }
  // While reading: the bytes out against the cap, and those libarchive inflated against the
  // compressed bytes it has consumed for them (its read position in the archive). A block that
  // lies inside `archive` is the archive's own bytes handed out as they are (a STORED entry,
  // as Spring Boot stores BOOT-INF/lib/*.jar): it is not inflated, and libarchive moves its
  // read position past such a block only when the next one is asked for, so counting it
  // against the position made every STORED entry over min_bomb_bytes look like a bomb.
  const la_int64_t start = archive_filter_bytes(a, 0);
  const auto archive_begin = reinterpret_cast<std::uintptr_t>(archive.data());
  std::uint64_t stored = 0;
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(a, &block, &size, &offset);
    if (r == ARCHIVE_EOF) {
      return Read::ok;
    }
    if (r < ARCHIVE_OK || offset != static_cast<la_int64_t>(data.size())) {
      data.clear();
      warn(fmt::format("{}: not read ({})", where,
                       r < ARCHIVE_OK ? archive_error(a) : "data out of order"));
      return r == ARCHIVE_FATAL ? Read::stop : Read::skipped;
    }
    const auto at = reinterpret_cast<std::uintptr_t>(block);
    const bool raw = at >= archive_begin && at - archive_begin <= archive.size() &&
                     size <= archive.size() - (at - archive_begin);
    // In chunks, so that a bound stops the read having held at most one chunk more.
    for (std::size_t done = 0; done < size;) {
      const std::size_t n = std::min(k_chunk, size - done);
      data.append(static_cast<const char*>(block) + done, n);
      done += n;
      stored += raw ? n : 0;
      m_bytes += n;
      if (m_bytes > m_limits.max_total_bytes) {
        warn(fmt::format("{}: more than {} bytes decompressed in all; the rest not read", where,
                         m_limits.max_total_bytes));
        m_exhausted = true;
        return Read::stop;
      }
      if (data.size() > cap) {
        warn(fmt::format("{}: decompresses to more than {} bytes; not read", where, cap));
        return Read::skipped;
      }
      const std::uint64_t inflated = data.size() - stored;
      const la_int64_t consumed = std::max<la_int64_t>(archive_filter_bytes(a, 0) - start, 1);
      if (inflated > m_limits.min_bomb_bytes &&
          inflated > times_ratio(static_cast<std::uint64_t>(consumed))) {
        warn(fmt::format("{}: {} bytes from {} compressed, a zip bomb; not read", where,
                         data.size(), consumed));
        return Read::skipped;
      }
    }
  }
}

void Walker::pom_properties(std::string_view text, const std::string& where,
                            std::vector<MavenCoordinates>& own) {
  JavaProperties props = parse_java_properties(text);
  if (props.malformed_escape) {
    warn(fmt::format("{}: malformed \\u escape (kept as text)", where));
  }
  auto value = [&](const char* key) {
    auto it = props.values.find(key);
    return it == props.values.end() ? std::string() : std::string(util::trim(it->second));
  };
  MavenCoordinates c{value("groupId"), value("artifactId"), value("version")};
  const char* missing = !is_maven_id(c.group_id)      ? "groupId"
                        : !is_maven_id(c.artifact_id) ? "artifactId"
                        : c.version.empty()           ? "version"
                                                      : nullptr;
  if (missing != nullptr) {
    warn(fmt::format("{}: no valid {}; skipped", where, missing));
    return;
  }
  own.push_back(std::move(c));
}

void Walker::add(const MavenCoordinates& c, const std::string& path) {
  std::string key = fmt::format("{}:{}\n{}\n{}", c.group_id, c.artifact_id, c.version, path);
  if (!m_seen.insert(std::move(key)).second) {
    return;  // the same package declared twice by one archive
  }
  model::Package p;
  p.name = c.group_id + ":" + c.artifact_id;
  p.version = c.version;
  p.type = "java";
  p.ecosystem = "Maven";
  p.purl = make_purl("maven", c.group_id, c.artifact_id, c.version, "", "");
  p.location = path;
  m_out.push_back(std::move(p));
}

}  // namespace

bool is_java_candidate(std::string_view path) {
  return has_archive_extension(base_name(path));
}

std::vector<model::Package> parse_java_archive(std::string_view content, std::string_view path,
                                               std::vector<std::string>& warnings,
                                               const JarLimits& limits) {
  std::vector<model::Package> out;
  Walker walker(limits, path, out, warnings);
  walker.walk(content, std::string(path), 0);
  walker.finish();
  return out;
}

}  // namespace strata::detect::lang
