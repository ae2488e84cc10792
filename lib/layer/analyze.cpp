#include "layer/analyze.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include "layer/entry_path.hpp"
#include "util/decode.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"
#include "util/warnings.hpp"

namespace strata::layer {

namespace {

constexpr std::size_t k_buffer_size = 256u << 10;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// The decompression side: blob bytes in (hashed), uncompressed tar bytes out (hashed), decoded
// by util::Decoder (ISA-L or zlib for gzip, libzstd) and handed to libarchive's tar reader.
struct Pipeline {
  Pipeline(util::InputStream& b, const ReadOptions& options)
      : blob(b),
        max_size(options.max_layer_size),
        max_ratio(options.max_ratio),
        ratio_floor(options.ratio_floor),
        decoder(b, options.gzip, [this](std::span<const std::byte> in) {
          compressed_hash.update(in.data(), in.size());
          compressed_size += in.size();
        }) {}

  util::InputStream& blob;
  util::Sha256 compressed_hash;
  util::Sha256 uncompressed_hash;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t max_size, max_ratio, ratio_floor;
  util::Decoder decoder;
  bool outer_eof = false;
  std::optional<util::Error> io_error;      // the blob stream failed
  std::optional<util::Error> decode_error;  // the gzip/zstd stream is corrupt or truncated
  std::optional<util::Error> limit_error;   // it inflates past max_size or max_ratio

  // A block already taken (and hashed) but not yet handed to the tar reader.
  std::optional<std::pair<const void*, la_ssize_t>> pending;

  // Next block of uncompressed bytes; size 0 at the end; -1 on error.
  la_ssize_t next_block(const void** out) {
    if (pending) {
      *out = pending->first;
      la_ssize_t n = pending->second;
      pending.reset();
      return n;
    }
    if (outer_eof) {
      return 0;
    }
    auto block = decoder.next();
    if (!block) {
      (decoder.source_failed() ? io_error : decode_error) = std::move(block).error();
      return -1;
    }
    if (block->empty()) {
      outer_eof = true;
      return 0;
    }
    uncompressed_size += block->size();
    if (auto e = over_limit()) {
      limit_error = std::move(e);
      return -1;
    }
    uncompressed_hash.update(block->data(), block->size());
    *out = block->data();
    return static_cast<la_ssize_t>(block->size());
  }

  // The bound the uncompressed bytes so far break, if any.
  std::optional<util::Error> over_limit() const {
    if (uncompressed_size > max_size) {
      return util::input_error(
          "{}: inflates to more than {} bytes (limit: --max-layer-mb {}; a decompression "
          "bomb?)",
          blob.name(), max_size, max_size >> 20);
    }
    if (max_ratio != 0 && uncompressed_size > ratio_floor && compressed_size != 0 &&
        uncompressed_size / compressed_size > max_ratio) {
      return util::input_error(
          "{}: {} bytes inflate to more than {} (a compression ratio over {}:1, limit: "
          "--max-compression-ratio {}; a decompression bomb?)",
          blob.name(), compressed_size, uncompressed_size, max_ratio, max_ratio);
    }
    return std::nullopt;
  }
};

la_ssize_t inner_read(archive* a, void* ctx, const void** out) {
  auto* p = static_cast<Pipeline*>(ctx);
  la_ssize_t n = p->next_block(out);
  if (n < 0) {
    archive_set_error(a, EIO, "decompression failed");
  }
  return n;
}

std::string error_text(archive* a, const char* fallback) {
  const char* msg = a != nullptr ? archive_error_string(a) : nullptr;
  return msg != nullptr ? msg : fallback;
}

class Analyzer {
 public:
  Analyzer(util::InputStream& blob, const ReadOptions& options)
      : m_pipe(blob, options), m_options(options), m_name(blob.name()) {}

  util::Result<LayerAnalysis> run();

 private:
  util::Error fail(std::string_view what) const {
    return util::input_error("{}: {}", m_name, what);
  }
  // The error to report when libarchive failed: the stream's own error wins.
  util::Error stream_error(archive* inner, std::string_view what) const;
  util::Status handle_entry(archive* inner, archive_entry* entry);
  util::Status read_content(archive* inner, const std::string& path, std::uint64_t size,
                            std::uint32_t mode);
  // Reads the rest of the current entry's data (`size` bytes in all) onto `content`.
  util::Status read_data(archive* inner, const std::string& path, std::uint64_t size,
                         std::string& content);
  util::Status extract_entry(archive* inner, const std::string& path, std::int64_t size,
                             std::uint32_t mode);
  util::Status extract_content(archive* inner, const std::string& path, std::uint64_t size);
  util::Result<bool> extract_by_head(archive* inner, const std::string& path, std::uint64_t size);
  // Reads the rest of a file that is neither kept nor extracted onto m_extract_buffer (which
  // holds what was read of it already: nothing, or its first block) and searches it for secrets.
  util::Status inspect_rest(archive* inner, const std::string& path, std::uint64_t size);
  util::Status inspect(const std::string& path, std::string_view content);
  // Runs ReadOptions::extract on m_extract_buffer and keeps what it declares.
  util::Status keep_extracted(const std::string& path);
  bool inspects(const std::string& path, std::uint64_t size) const {
    return m_options.inspect && m_options.inspects && m_options.inspects(path, size);
  }
  // Bookkeeping every entry that is not a whiteout gets: its hash, set-id bits, and what an
  // earlier entry at the same path in this layer found.
  util::Status record_entry(archive_entry* entry, const std::string& path, bool is_dir,
                            bool is_file);
  util::Status drain();
  std::uint64_t size_limit(std::string_view path) const {
    std::uint64_t limit = m_options.size_limit ? m_options.size_limit(path) : 0;
    return limit != 0 ? limit : m_options.max_file_size;
  }
  // The budget's grant for a transient file of `size` bytes (none for small files).
  util::ByteBudget::Grant hold(std::uint64_t size) const {
    return m_options.transient_budget && size > k_small_file
               ? m_options.transient_budget->acquire(size)
               : util::ByteBudget::Grant();
  }
  static constexpr std::uint64_t k_small_file = 1u << 20;
  bool clean_end() const {
    return m_pipe.outer_eof && !m_pipe.decode_error && !m_pipe.io_error && !m_pipe.limit_error;
  }
  // Counts `bytes` against ReadOptions::kept; the error once the image's reads keep too much.
  util::Status charge(std::uint64_t bytes) {
    if (m_options.kept && !m_options.kept->take(bytes)) {
      return fail(fmt::format(
          "the image's layers keep more than {} bytes of package databases, file names and "
          "metadata (limit: --max-kept-mb {})",
          m_options.kept->limit(), m_options.kept->limit() >> 20));
    }
    return {};
  }
  void give_back(std::uint64_t bytes) {
    if (m_options.kept) {
      m_options.kept->give_back(bytes);
    }
  }
  // A warning about this layer itself (at most k_warnings_per_file are kept).
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) {
    m_warnings.add(format, std::forward<Args>(args)...);
  }

  Pipeline m_pipe;
  const ReadOptions& m_options;
  std::string m_name;
  LayerAnalysis m_out;
  util::FileWarnings m_warnings{m_out.warnings, m_name};
  std::string m_extract_buffer;  // reused for every extracted file
  static constexpr std::size_t k_kept_buffer = 4u << 20;
  std::map<std::string, model::SetidFile> m_setid;
  std::set<std::string> m_secret_paths;
  std::int64_t m_last_entry_end = 0;  // lower bound of where the last entry's data ends
  bool m_truncated_tail = false;      // the tar ended right after an entry's data
};

util::Error Analyzer::stream_error(archive* inner, std::string_view what) const {
  if (m_pipe.limit_error) {
    return *m_pipe.limit_error;
  }
  if (m_pipe.io_error) {
    return *m_pipe.io_error;
  }
  if (m_pipe.decode_error) {
    return *m_pipe.decode_error;
  }
  return fail(fmt::format("{}: {}", what, error_text(inner, "unknown error")));
}

util::Status Analyzer::read_content(archive* inner, const std::string& path, std::uint64_t size,
                                    std::uint32_t mode) {
  // Charged before it is read (the header says how much), so that layers read at once cannot
  // hold more than the quota between them; what `accepts` drops or trims is given back.
  const std::uint64_t charged = size + path.size() + k_record_cost;
  TRY(charge(charged));
  std::string content;
  TRY(read_data(inner, path, size, content));
  if (inspects(path, size)) {
    TRY(inspect(path, content));
  }
  m_out.symlinks.erase(path);
  m_out.hardlinks.erase(path);
  if (m_options.accepts && !m_options.accepts(path, content)) {
    m_out.files.erase(path);  // a later entry replaces an earlier one, kept or not
    give_back(charged);
    return {};
  }
  if (content.size() < size) {
    give_back(size - content.size());
    std::string(content).swap(content);  // trimmed: keep only what is left
  }
  m_out.files[path] = LayerFile{std::move(content), mode};
  return {};
}

util::Status Analyzer::extract_content(archive* inner, const std::string& path,
                                       std::uint64_t size) {
  auto grant = hold(size);
  m_extract_buffer.clear();
  TRY(read_data(inner, path, size, m_extract_buffer));
  if (inspects(path, size)) {
    TRY(inspect(path, m_extract_buffer));
  }
  TRY(keep_extracted(path));
  if (m_extract_buffer.capacity() > k_kept_buffer) {
    std::string().swap(m_extract_buffer);  // one large file does not pin its size for the rest
  }
  return {};
}

// Files found by content: the first block decides. Returns whether the file was extracted.
util::Result<bool> Analyzer::extract_by_head(archive* inner, const std::string& path,
                                             std::uint64_t size) {
  const void* block = nullptr;
  std::size_t n = 0;
  la_int64_t offset = 0;
  int r = archive_read_data_block(inner, &block, &n, &offset);
  if (r == ARCHIVE_EOF || r < ARCHIVE_WARN || offset != 0) {
    return false;  // an empty or sparse file, or an error the next header read reports
  }
  std::string_view head(static_cast<const char*>(block), std::min(n, k_head_size));
  if (!m_options.extracts_head(head)) {
    if (inspects(path, size)) {
      m_extract_buffer.assign(static_cast<const char*>(block), n);
      TRY(inspect_rest(inner, path, size));
    }
    return false;
  }
  if (size > m_options.max_extract_size) {
    warn("{}: {} not examined: {} bytes exceed the {} byte limit", m_name, path, size,
         m_options.max_extract_size);
    TRY(charge(path.size() + k_record_cost));
    m_out.extracted[path] = {};  // it still replaces what a lower layer had there
    return true;
  }
  auto grant = hold(size);
  m_extract_buffer.assign(static_cast<const char*>(block), n);
  TRY(read_data(inner, path, size, m_extract_buffer));
  if (inspects(path, size)) {
    TRY(inspect(path, m_extract_buffer));
  }
  TRY(keep_extracted(path));
  if (m_extract_buffer.capacity() > k_kept_buffer) {
    std::string().swap(m_extract_buffer);
  }
  return true;
}

util::Status Analyzer::read_data(archive* inner, const std::string& path, std::uint64_t size,
                                 std::string& content) {
  content.reserve(size);
  for (;;) {
    const void* block = nullptr;
    std::size_t n = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(inner, &block, &n, &offset);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      // All data read, only the padding after it is missing: the footer-less case.
      if (content.size() == size && clean_end()) {
        m_truncated_tail = true;
        break;
      }
      return stream_error(inner, fmt::format("reading '{}'", path));
    }
    // Sparse files: fill holes with zeros up to the block's offset.
    if (offset >= 0 && static_cast<std::uint64_t>(offset) > content.size() &&
        static_cast<std::uint64_t>(offset) <= size) {
      content.resize(static_cast<std::size_t>(offset), '\0');
    }
    content.append(static_cast<const char*>(block), n);
  }
  if (content.size() < size) {
    content.resize(size, '\0');
  }
  return {};
}

util::Status Analyzer::handle_entry(archive* inner, archive_entry* entry) {
  const char* raw_name = archive_entry_pathname(entry);
  if (raw_name == nullptr) {
    return fail("tar entry without a usable name");
  }
  auto path_or = normalize_entry_path(raw_name);
  if (!path_or) {
    return fail(path_or.error().message);
  }
  std::string path = std::move(path_or).value();
  if (path.size() > k_max_path) {
    return fail(fmt::format("entry name '{}' is longer than {} bytes", util::printable(path, 64),
                            k_max_path));
  }
  auto type = archive_entry_filetype(entry);
  std::int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
  // No entry can be larger than the layer may inflate to (nor negative): checked before any
  // arithmetic or allocation uses it.
  if (size < 0 || static_cast<std::uint64_t>(size) > m_options.max_layer_size) {
    return fail(
        fmt::format("entry '{}' declares {} bytes, more than the layer may hold "
                    "(limit: --max-layer-mb {})",
                    util::printable(path, 256), size, m_options.max_layer_size >> 20));
  }
  const std::int64_t header_at = archive_read_header_position(inner);
  m_last_entry_end = header_at < 0 ? 0 : header_at + 512 + (type == AE_IFREG ? size : 0);
  if (path == "/") {
    return {};
  }
  auto wh = classify_whiteout(path);
  if (wh.kind == WhiteoutKind::file) {
    TRY(charge(wh.target.size() + k_record_cost));
    m_out.whiteouts.push_back(wh.target);
    return {};
  }
  if (wh.kind == WhiteoutKind::opaque) {
    TRY(charge(wh.target.size() + k_record_cost));
    m_out.opaque_dirs.push_back(wh.target);
    return {};
  }
  if (wh.kind == WhiteoutKind::other_meta) {
    return {};
  }
  std::uint32_t mode = archive_entry_perm(entry);
  const char* link = archive_entry_hardlink(entry);
  TRY(record_entry(entry, path, link == nullptr && type == AE_IFDIR,
                   link != nullptr || type == AE_IFREG));
  if (link != nullptr) {
    auto target_or = normalize_entry_path(link);
    if (!target_or) {
      return fail(
          fmt::format("hard link '{}': {}", util::printable(path, 256), target_or.error().message));
    }
    if (target_or->size() > k_max_path) {
      return fail(fmt::format("hard link '{}': target longer than {} bytes",
                              util::printable(path, 256), k_max_path));
    }
    if (!m_options.wants || !m_options.wants(path)) {
      return {};
    }
    m_out.symlinks.erase(path);
    if (auto it = m_out.files.find(*target_or); it != m_out.files.end()) {
      TRY(charge(it->second.content.size() + path.size() + k_record_cost));
      LayerFile copy = it->second;
      m_out.hardlinks.erase(path);
      m_out.files[path] = std::move(copy);
    } else {
      m_out.files.erase(path);
      TRY(charge(path.size() + target_or->size() + k_record_cost));
      m_out.hardlinks[path] = *target_or;
    }
    return {};
  }
  switch (type) {
    case AE_IFDIR:
      TRY(charge(path.size() + k_record_cost));
      m_out.dirs.push_back(path);
      return {};
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(entry);
      const std::size_t target_size = target != nullptr ? std::strlen(target) : 0;
      if (target_size > k_max_path) {
        return fail(fmt::format("symlink '{}': target longer than {} bytes",
                                util::printable(path, 256), k_max_path));
      }
      TRY(charge(path.size() + target_size + k_record_cost));
      m_out.files.erase(path);
      m_out.hardlinks.erase(path);
      m_out.symlinks[path] = target != nullptr ? target : "";
      return {};
    }
    case AE_IFREG:
      if (!m_options.wants || !m_options.wants(path)) {
        return extract_entry(inner, path, size, archive_entry_perm(entry));
      }
      if (std::uint64_t limit = size_limit(path);
          size < 0 || static_cast<std::uint64_t>(size) > limit) {
        warn("{}: {} skipped: {} bytes exceed the {} byte limit", m_name, path, size, limit);
        return {};
      }
      return read_content(inner, path, static_cast<std::uint64_t>(size), mode);
    default:
      return {};  // devices, fifos: nothing a detector reads
  }
}

util::Status Analyzer::extract_entry(archive* inner, const std::string& path, std::int64_t size,
                                     std::uint32_t mode) {
  if (size <= 0) {
    return {};
  }
  const auto usize = static_cast<std::uint64_t>(size);
  if (m_options.extract && m_options.extracts && m_options.extracts(path)) {
    if (usize > m_options.max_extract_size) {
      warn("{}: {} not examined: {} bytes exceed the {} byte limit", m_name, path, size,
           m_options.max_extract_size);
      TRY(charge(path.size() + k_record_cost));
      m_out.extracted[path] = {};
      return {};
    }
    return extract_content(inner, path, usize);
  }
  if (m_options.extract && m_options.extracts_head && (mode & 0111) != 0) {
    TRY(extract_by_head(inner, path, usize));
    return {};
  }
  if (inspects(path, usize)) {
    m_extract_buffer.clear();
    return inspect_rest(inner, path, usize);
  }
  return {};
}

util::Status Analyzer::inspect_rest(archive* inner, const std::string& path, std::uint64_t size) {
  auto grant = hold(size);
  TRY(read_data(inner, path, size, m_extract_buffer));
  TRY(inspect(path, m_extract_buffer));
  if (m_extract_buffer.capacity() > k_kept_buffer) {
    std::string().swap(m_extract_buffer);
  }
  return {};
}

util::Status Analyzer::keep_extracted(const std::string& path) {
  std::vector<model::Package> packages;
  const std::size_t warnings_before = m_out.warnings.size();
  m_options.extract(path, m_extract_buffer, packages, m_out.warnings);
  std::uint64_t cost = path.size() + k_record_cost * (1 + packages.size());
  for (std::size_t i = warnings_before; i < m_out.warnings.size(); ++i) {
    cost += m_out.warnings[i].size() + k_record_cost;
  }
  TRY(charge(cost));
  m_out.extracted[path] = std::move(packages);
  return {};
}

util::Status Analyzer::inspect(const std::string& path, std::string_view content) {
  const std::size_t before = m_out.secrets.size();
  m_options.inspect(path, content, m_out.secrets);
  std::uint64_t cost = 0;
  for (std::size_t i = before; i < m_out.secrets.size(); ++i) {
    m_out.secrets[i].path = path;
    cost += path.size() + m_out.secrets[i].match.size() + k_record_cost;
  }
  if (m_out.secrets.size() > before) {
    m_secret_paths.insert(path);
  }
  return charge(cost);
}

util::Status Analyzer::record_entry(archive_entry* entry, const std::string& path, bool is_dir,
                                    bool is_file) {
  if (!is_dir) {
    TRY(charge(sizeof(std::uint64_t)));
    m_out.entry_hashes.push_back(entry_hash(path));
  }
  // A second entry for a path replaces the first: its set-id bits no longer count, and a secret
  // the first one held is in the blob but no longer in the layer's tree.
  m_setid.erase(path);
  if (!m_secret_paths.empty() && m_secret_paths.erase(path) != 0) {
    for (auto& s : m_out.secrets) {
      if (s.path == path) {
        s.deleted = true;
      }
    }
  }
  const std::uint32_t perm = archive_entry_perm(entry);
  if (is_file && (perm & 06000) != 0) {
    const char* uname = archive_entry_uname(entry);
    std::string owner = uname != nullptr && *uname != '\0'
                            ? std::string(uname)
                            : std::to_string(archive_entry_uid(entry));
    TRY(charge(path.size() + owner.size() + k_record_cost));
    m_setid[path] = model::SetidFile{path, perm, std::move(owner), ""};
  }
  return {};
}

util::Status Analyzer::drain() {
  const void* block = nullptr;
  for (;;) {
    la_ssize_t n = m_pipe.next_block(&block);
    if (n == 0) {
      break;
    }
    if (n < 0) {
      return stream_error(nullptr, "reading layer");
    }
  }
  // The decoder stops at the end of the compressed stream: hash whatever follows it too.
  return m_pipe.decoder.rest_of_input();
}

util::Result<LayerAnalysis> Analyzer::run() {
  // The first block decides the codec, and tells an empty blob apart.
  const void* first = nullptr;
  la_ssize_t first_size = m_pipe.next_block(&first);
  if (first_size < 0) {
    return stream_error(nullptr, "reading layer");
  }
  if (m_pipe.compressed_size == 0) {
    return fail("empty layer blob");
  }
  m_pipe.pending = first_size > 0 ? std::optional(std::pair(first, first_size)) : std::nullopt;
  ArchivePtr inner(archive_read_new());
  archive_read_support_format_tar(inner.get());
  if (archive_read_open(inner.get(), &m_pipe, nullptr, inner_read, nullptr) != ARCHIVE_OK) {
    if (m_pipe.uncompressed_size == 0 && !m_pipe.decode_error && !m_pipe.io_error) {
      return fail("not a tar stream (no data after decompression)");
    }
    return stream_error(inner.get(), "not a tar stream");
  }
  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(inner.get(), &entry);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      if (clean_end() && m_out.entries > 0 &&
          static_cast<std::int64_t>(m_pipe.uncompressed_size) >= m_last_entry_end) {
        m_truncated_tail = true;
        break;
      }
      return stream_error(inner.get(), m_out.entries == 0 ? "not a tar stream" : "corrupt tar");
    }
    ++m_out.entries;
    TRY(handle_entry(inner.get(), entry));
    if (m_truncated_tail) {
      break;
    }
  }
  if (m_truncated_tail) {
    warn(
        "{}: tar stream ends without its end-of-archive footer after {} entries (accepted, as "
        "Docker does)",
        m_name, m_out.entries);
  }
  inner.reset();
  TRY(drain());
  std::sort(m_out.entry_hashes.begin(), m_out.entry_hashes.end());
  m_out.entry_hashes.erase(std::unique(m_out.entry_hashes.begin(), m_out.entry_hashes.end()),
                           m_out.entry_hashes.end());
  for (auto& [path, file] : m_setid) {
    m_out.setid.push_back(std::move(file));
  }
  m_out.secret_rules = m_options.inspect ? m_options.inspect_id : std::string();
  m_warnings.finish();
  m_out.digest = "sha256:" + m_pipe.compressed_hash.hex_digest();
  m_out.diff_id = "sha256:" + m_pipe.uncompressed_hash.hex_digest();
  m_out.compressed_size = m_pipe.compressed_size;
  m_out.uncompressed_size = m_pipe.uncompressed_size;
  return std::move(m_out);
}

}  // namespace

std::uint64_t kept_cost(const LayerAnalysis& a) {
  std::uint64_t cost = a.entry_hashes.size() * sizeof(std::uint64_t);
  auto names = [&](const std::vector<std::string>& v) {
    for (const auto& n : v) {
      cost += n.size() + k_record_cost;
    }
  };
  for (const auto& [path, file] : a.files) {
    cost += path.size() + file.content.size() + k_record_cost;
  }
  for (const auto& [path, target] : a.symlinks) {
    cost += path.size() + target.size() + k_record_cost;
  }
  for (const auto& [path, target] : a.hardlinks) {
    cost += path.size() + target.size() + k_record_cost;
  }
  names(a.dirs);
  names(a.whiteouts);
  names(a.opaque_dirs);
  names(a.warnings);
  for (const auto& [path, packages] : a.extracted) {
    cost += path.size() + k_record_cost * (1 + packages.size());
  }
  for (const auto& f : a.setid) {
    cost += f.path.size() + f.owner.size() + k_record_cost;
  }
  for (const auto& s : a.secrets) {
    cost += s.path.size() + s.match.size() + k_record_cost;
  }
  return cost;
}

std::uint64_t entry_hash(std::string_view normalized_path) {
  return util::xxh3_64(normalized_path);
}

bool replaced_in(const LayerAnalysis& analysis, std::string_view path) {
  auto has_entry = [&](std::string_view p) {
    return std::binary_search(analysis.entry_hashes.begin(), analysis.entry_hashes.end(),
                              entry_hash(p));
  };
  auto listed = [](const std::vector<std::string>& v, std::string_view p) {
    return std::find(v.begin(), v.end(), p) != v.end();
  };
  if (has_entry(path) || listed(analysis.whiteouts, path) || listed(analysis.dirs, path)) {
    return true;
  }
  for (auto slash = path.rfind('/'); slash != std::string_view::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    std::string_view parent = path.substr(0, slash);
    if (has_entry(parent) || listed(analysis.whiteouts, parent) ||
        listed(analysis.opaque_dirs, parent)) {
      return true;
    }
  }
  return false;
}

util::Result<LayerAnalysis> analyze_layer(util::InputStream& blob, const ReadOptions& options) {
  Analyzer analyzer(blob, options);
  return analyzer.run();
}

}  // namespace strata::layer
