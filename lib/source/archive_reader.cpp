#include "source/archive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "http/pull_stream.hpp"
#include "layer/entry_path.hpp"
#include "source/tar_index.hpp"
#include "util/decode.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/log.hpp"

namespace strata::source {

namespace {

constexpr std::size_t k_block = 256u << 10;
constexpr std::uint64_t k_max_json = 16u << 20;
// What the members of one archive may keep in memory together: the bytes of its small and JSON
// members, and a fixed cost per member (its name and map node). A docker-save or OCI archive
// keeps a few kilobytes; the layers' own analyses count against layer::ReadOptions::kept.
constexpr std::uint64_t k_max_members_kept = 64u << 20;
constexpr std::uint64_t k_member_cost = 256;

// Adds `n` to what the archive's members keep (`used`); the error past k_max_members_kept.
util::Status charge_member(std::uint64_t& used, std::uint64_t n, const std::string& path) {
  used += n;
  if (used > k_max_members_kept) {
    return util::input_error(
        "{}: the archive's members keep more than {} bytes in memory (small and JSON files, "
        "names): not an image archive",
        path, k_max_members_kept);
  }
  return {};
}

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// The data of the current member of `a`, after `prefix` (bytes already peeked).
class MemberStream final : public util::InputStream {
 public:
  MemberStream(archive* a, std::string name, std::vector<std::byte> prefix)
      : m_archive(a), m_name(std::move(name)), m_prefix(std::move(prefix)) {}

  util::Result<std::size_t> read(std::span<std::byte> buffer) override {
    if (m_pos < m_prefix.size()) {
      std::size_t n = std::min(buffer.size(), m_prefix.size() - m_pos);
      std::memcpy(buffer.data(), m_prefix.data() + m_pos, n);
      m_pos += n;
      return n;
    }
    la_ssize_t n = archive_read_data(m_archive, buffer.data(), buffer.size());
    if (n < 0) {
      const char* msg = archive_error_string(m_archive);
      m_error = msg != nullptr ? msg : "read error";
      return util::input_error("{}: {}", m_name, m_error);
    }
    return static_cast<std::size_t>(n);
  }
  std::string name() const override { return m_name; }
  // The outer archive's error, when reading the member failed ("" otherwise).
  const std::string& outer_error() const { return m_error; }

 private:
  archive* m_archive;
  std::string m_name;
  std::vector<std::byte> m_prefix;
  std::size_t m_pos = 0;
  std::string m_error;
};

bool looks_like_json(std::span<const std::byte> data) {
  for (std::byte b : data) {
    char c = static_cast<char>(b);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    return c == '{' || c == '[';
  }
  return false;
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

std::optional<std::string> normalize_member_path(std::string_view name) {
  auto p = layer::normalize_entry_path(name);
  if (!p) {
    return std::nullopt;
  }
  return p->substr(1);
}

const ArchiveMember* ArchiveContents::find(std::string_view path) const {
  std::string key(path);
  for (int hop = 0; hop < 16; ++hop) {
    auto it = members.find(key);
    if (it == members.end()) {
      return nullptr;
    }
    if (!it->second.is_link) {
      return &it->second;
    }
    key = it->second.link_target;
  }
  return nullptr;
}

namespace {

// Feeds libarchive from a util::InputStream, keeping the stream's own error (a network error
// stays a network error instead of becoming "corrupt archive").
struct StreamSource {
  util::InputStream* in = nullptr;
  std::vector<std::byte> buffer = std::vector<std::byte>(k_block);
  std::optional<util::Error> error;

  static la_ssize_t read(archive* a, void* self, const void** out) {
    auto* s = static_cast<StreamSource*>(self);
    auto n = s->in->read(s->buffer);
    if (!n) {
      s->error = n.error();
      archive_set_error(a, EIO, "%s", n.error().message.c_str());
      return -1;
    }
    *out = s->buffer.data();
    return static_cast<la_ssize_t>(*n);
  }
};

util::Result<ArchiveContents> read_members(archive* a, const std::string& path,
                                           const layer::ReadOptions& options,
                                           const StreamSource* source);

}  // namespace

namespace {

// A window [offset, offset + size) of a file, read with pread: any number of them on one file
// read at once without sharing a file position.
class FileWindowStream final : public util::InputStream {
 public:
  FileWindowStream(std::shared_ptr<const util::UniqueFd> fd, std::uint64_t offset,
                   std::uint64_t size, std::string name)
      : m_fd(std::move(fd)), m_pos(offset), m_end(offset + size), m_name(std::move(name)) {}

  util::Result<std::size_t> read(std::span<std::byte> buffer) override {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), m_end - m_pos));
    if (want == 0) {
      return std::size_t{0};
    }
    for (;;) {
      ssize_t n = ::pread(m_fd->get(), buffer.data(), want, static_cast<off_t>(m_pos));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        return util::input_error("{}: read failed: {}", m_name, std::strerror(errno));
      }
      if (n == 0) {
        return util::input_error("{}: the archive ends inside this member", m_name);
      }
      m_pos += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }
  std::string name() const override { return m_name; }

 private:
  std::shared_ptr<const util::UniqueFd> m_fd;
  std::uint64_t m_pos, m_end;
  std::string m_name;
};

// The first `n` bytes of a member of the indexed archive `fd` (all of it when n >= its size).
util::Result<std::string> read_member_bytes(int fd, const TarMember& m, std::uint64_t n,
                                            const std::string& path) {
  std::string out(static_cast<std::size_t>(std::min(n, m.size)), '\0');
  TRY(util::pread_exact(fd, out.data(), out.size(), m.offset, path));
  return out;
}

util::Result<ArchiveMember> make_link(bool hard, std::string_view target, const std::string& name,
                                      const std::string& path);

// The members of an indexed archive: links and JSON documents as the one-pass reader has them,
// other regular members left where they are (ArchiveMember::offset).
util::Result<ArchiveContents> indexed_members(std::shared_ptr<const util::UniqueFd> file,
                                              const std::vector<TarMember>& index,
                                              const std::string& path) {
  const int fd = file->get();
  ArchiveContents out;
  out.indexed = true;
  std::uint64_t kept = 0;
  for (const TarMember& m : index) {
    auto name = normalize_member_path(m.name);
    if (!name) {
      return util::input_error("{}: member '{}' has an absolute or escaping path", path, m.name);
    }
    if (name->empty()) {
      continue;
    }
    TRY(charge_member(kept, name->size() + m.link.size() + k_member_cost, path));
    if (m.type == TarMember::Type::hardlink || m.type == TarMember::Type::symlink) {
      TRY_ASSIGN(out.members[*name],
                 make_link(m.type == TarMember::Type::hardlink, m.link, *name, path));
      continue;
    }
    if (m.type != TarMember::Type::regular) {
      continue;
    }
    ArchiveMember member;
    member.size = m.size;
    bool keep = m.size < 1024;
    if (!keep && m.size <= k_max_json) {
      TRY_ASSIGN(std::string head, read_member_bytes(fd, m, 4096, path));
      keep = looks_like_json(std::as_bytes(std::span(head.data(), head.size())));
    }
    if (keep) {
      TRY(charge_member(kept, m.size, path));
      TRY_ASSIGN(member.content, read_member_bytes(fd, m, m.size, path));
    } else {
      member.offset = m.offset;
      member.file = file;
    }
    out.members[*name] = std::move(member);
  }
  if (out.members.empty()) {
    return util::input_error("{}: empty archive", path);
  }
  return out;
}

}  // namespace

util::Result<layer::LayerAnalysis> member_layer(const std::string& where,
                                                const ArchiveMember& member,
                                                const layer::ReadOptions& read) {
  if (member.analysis) {
    if (!member.analysis->ok()) {
      return member.analysis->error();
    }
    return member.analysis->value();
  }
  if (member.content) {
    util::MemoryInputStream stream(
        std::as_bytes(std::span(member.content->data(), member.content->size())), where);
    return layer::analyze_layer(stream, read);
  }
  if (member.offset && member.file) {
    FileWindowStream stream(member.file, *member.offset, member.size, where);
    return layer::analyze_layer(stream, read);
  }
  return util::input_error("{}: not a layer", where);
}

util::Result<ArchiveContents> read_image_archive(const std::string& path,
                                                 const layer::ReadOptions& options) {
  TRY_ASSIGN(util::UniqueFd fd, util::open_regular(path));  // never a FIFO or a device
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return util::input_error("{}: cannot open: {}", path, std::strerror(errno));
  }
  std::array<std::byte, 8> head{};
  const ssize_t got = ::pread(fd.get(), head.data(), head.size(), 0);
  const util::Codec codec = util::sniff_codec(
      std::span(head.data(), static_cast<std::size_t>(std::max<ssize_t>(got, 0))));
  if (codec != util::Codec::none) {
    // A compressed archive cannot be seeked: read once, every layer analysed as it passes.
    LOG_INFO(
        "{}: {}-compressed archive: read in one pass, so layers in the layer cache are "
        "decoded again (an uncompressed archive lets strata skip them)",
        path, util::codec_name(codec));
    // Two stages on two threads: the outer archive is decoded on its own thread (PullStream's
    // producer) while this one reads the tar and analyses the layers in it.
    TRY_ASSIGN(auto file, util::FileInputStream::open(path));
    http::PullStream decoded(path,
                             [&file, gzip = options.gzip](const http::PushSink& sink,
                                                          std::stop_token stop) -> util::Status {
                               util::Decoder decoder(*file, gzip);
                               while (!stop.stop_requested()) {
                                 TRY_ASSIGN(auto block, decoder.next());
                                 if (block.empty()) {
                                   return {};
                                 }
                                 TRY(sink(block));
                               }
                               return {};
                             });
    return read_image_archive(decoded, options);
  }
  TRY_ASSIGN(auto index, index_tar(fd.get(), static_cast<std::uint64_t>(st.st_size), path));
  if (index) {
    return indexed_members(std::make_shared<const util::UniqueFd>(std::move(fd)), *index, path);
  }
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), k_block) != ARCHIVE_OK) {
    const char* msg = archive_error_string(a.get());
    return util::input_error("{}: not an image archive (a tar or gzip-compressed tar): {}", path,
                             msg != nullptr ? msg : "unrecognised format");
  }
  return read_members(a.get(), path, options, nullptr);
}

util::Result<ArchiveContents> read_image_archive(util::InputStream& in,
                                                 const layer::ReadOptions& options) {
  const std::string path = in.name();
  StreamSource source;
  source.in = &in;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open(a.get(), &source, nullptr, &StreamSource::read, nullptr) != ARCHIVE_OK) {
    if (source.error) {
      return *source.error;
    }
    const char* msg = archive_error_string(a.get());
    return util::input_error("{}: not an image archive (a tar or gzip-compressed tar): {}", path,
                             msg != nullptr ? msg : "unrecognised format");
  }
  return read_members(a.get(), path, options, &source);
}

namespace {

// An error of the stream under the archive (`source`, null when reading a file) is the real
// cause of any archive error.
util::Error outer_error(const StreamSource* source, util::Error archive_error) {
  return source != nullptr && source->error ? *source->error : std::move(archive_error);
}

util::Error data_error(archive* a, const std::string& path, const std::string& name,
                       const StreamSource* source) {
  const char* msg = archive_error_string(a);
  return outer_error(source, util::input_error("{}: corrupt or truncated archive at '{}': {}", path,
                                               name, msg != nullptr ? msg : "read error"));
}

// The member for a link named `name` to `target` (a hard link's target is a member path, a
// symlink's is relative to the link's directory); an error when the target escapes the archive.
util::Result<ArchiveMember> make_link(bool hard, std::string_view target, const std::string& name,
                                      const std::string& path) {
  ArchiveMember member;
  member.is_link = true;
  auto norm = hard ? normalize_member_path(target)
                   : normalize_member_path(parent_of(name) + "/" + std::string(target));
  if (!norm || (!hard && target.starts_with('/'))) {
    return util::input_error("{}: member '{}' links outside the archive", path, name);
  }
  member.link_target = *norm;
  return member;
}

// The member for a hard or symbolic link entry, its target normalised inside the archive;
// nullopt when `entry` is not a link. An error when the target escapes the archive.
util::Result<std::optional<ArchiveMember>> link_member(archive_entry* entry,
                                                       const std::string& name,
                                                       const std::string& path) {
  if (const char* hard = archive_entry_hardlink(entry); hard != nullptr) {
    TRY_ASSIGN(ArchiveMember m, make_link(true, hard, name, path));
    return std::optional(std::move(m));
  }
  if (archive_entry_filetype(entry) != AE_IFLNK) {
    return std::optional<ArchiveMember>();
  }
  const char* target = archive_entry_symlink(entry);
  TRY_ASSIGN(ArchiveMember m, make_link(false, target != nullptr ? target : "", name, path));
  return std::optional(std::move(m));
}

// Reads into `buffer` until it is full or the member ends; the number of bytes read.
util::Result<std::size_t> read_block(archive* a, std::span<std::byte> buffer,
                                     const std::string& path, const std::string& name,
                                     const StreamSource* source) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    la_ssize_t n = archive_read_data(a, buffer.data() + filled, buffer.size() - filled);
    if (n < 0) {
      return data_error(a, path, name, source);
    }
    if (n == 0) {
      break;
    }
    filled += static_cast<std::size_t>(n);
  }
  return filled;
}

// A regular file member: kept whole when small or JSON (classified by its first block), else
// streamed through the layer reader.
util::Result<ArchiveMember> regular_member(archive* a, const std::string& name, std::uint64_t size,
                                           const std::string& path,
                                           const layer::ReadOptions& options,
                                           const StreamSource* source,
                                           std::vector<std::byte>& buffer, std::uint64_t& kept) {
  ArchiveMember member;
  member.size = size;
  TRY_ASSIGN(std::size_t peeked, read_block(a, buffer, path, name, source));
  std::span<const std::byte> head(buffer.data(), peeked);
  bool keep = member.size < 1024 || (member.size <= k_max_json && looks_like_json(head));
  if (keep) {
    TRY(charge_member(kept, member.size, path));
    std::string content(reinterpret_cast<const char*>(head.data()), head.size());
    for (;;) {
      la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n < 0) {
        return data_error(a, path, name, source);
      }
      if (n == 0) {
        break;
      }
      content.append(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(n));
    }
    member.content = std::move(content);
    return member;
  }
  MemberStream stream(a, path + ":" + name, std::vector<std::byte>(head.begin(), head.end()));
  member.analysis = layer::analyze_layer(stream, options);
  if (!stream.outer_error().empty()) {
    // The outer archive itself broke while reading the member: that is fatal.
    return outer_error(source, util::input_error("{}: corrupt or truncated archive at '{}': {}",
                                                 path, name, stream.outer_error()));
  }
  return member;
}

util::Result<ArchiveContents> read_members(archive* a, const std::string& path,
                                           const layer::ReadOptions& options,
                                           const StreamSource* source) {
  ArchiveContents out;
  std::vector<std::byte> buffer(k_block);
  std::uint64_t kept = 0;
  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      const char* msg = archive_error_string(a);
      if (out.members.empty() && msg != nullptr && std::strstr(msg, "empty") != nullptr) {
        return util::input_error("{}: empty archive", path);
      }
      return outer_error(source, util::input_error("{}: corrupt or truncated archive: {}", path,
                                                   msg != nullptr ? msg : "read error"));
    }
    const char* raw = archive_entry_pathname(entry);
    auto name = normalize_member_path(raw != nullptr ? raw : "");
    if (!name) {
      return util::input_error("{}: member '{}' has an absolute or escaping path", path,
                               raw != nullptr ? raw : "");
    }
    if (name->empty()) {
      continue;
    }
    TRY(charge_member(kept, name->size() + k_member_cost, path));
    TRY_ASSIGN(std::optional<ArchiveMember> link, link_member(entry, *name, path));
    if (link) {
      out.members[*name] = std::move(*link);
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      continue;
    }
    const auto size =
        static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
    TRY_ASSIGN(out.members[*name],
               regular_member(a, *name, size, path, options, source, buffer, kept));
  }
  if (out.members.empty()) {
    return util::input_error("{}: empty archive", path);
  }
  return out;
}

}  // namespace

}  // namespace strata::source
