#include "source/image_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "source/archive_reader.hpp"
#include "source/blob_store.hpp"
#include "source/docker_archive.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/stream.hpp"

namespace strata::source {

namespace {

constexpr std::uint64_t k_max_json_blob = 16u << 20;

util::Status check_layer_digest(const layer::LayerAnalysis& a, const image::Descriptor& desc,
                                const std::string& where) {
  if (a.digest != desc.digest) {
    return util::input_error("{}: layer blob {} does not match its digest (sha256 is {})", where,
                             desc.digest, a.digest);
  }
  if (desc.size >= 0 && static_cast<std::uint64_t>(desc.size) != a.compressed_size) {
    return util::input_error("{}: layer blob {} has {} bytes, its descriptor says {}", where,
                             desc.digest, a.compressed_size, desc.size);
  }
  return {};
}

// An OCI image layout directory. Every file is opened below the directory's descriptor with
// util::open_beneath: a symbolic link inside the layout is followed, one leading out of it (to
// /etc/passwd, /proc/self/...) is refused, and only regular files are read (a FIFO never hangs).
class DirStore final : public BlobStore {
 public:
  DirStore(std::string dir, util::UniqueFd dir_fd, const layer::ReadOptions& read)
      : m_dir(std::move(dir)), m_dir_fd(std::move(dir_fd)), m_read(read) {}

  // Opens `relative` ("index.json", "blobs/sha256/<hex>") inside the layout.
  util::Result<util::UniqueFd> open(const std::string& relative) const {
    return util::open_beneath(m_dir_fd.get(), relative, m_dir + "/" + relative,
                              "the layout directory");
  }

  // Whether anything (even a dangling link) is at `relative`: its absence is a missing blob.
  bool exists(const std::string& relative) const {
    struct stat st {};
    return ::fstatat(m_dir_fd.get(), relative.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

  // Reads `relative` whole, up to `max_size` bytes.
  util::Result<std::string> read(const std::string& relative, std::uint64_t max_size) const {
    TRY_ASSIGN(util::UniqueFd fd, open(relative));
    return util::read_fd(fd.get(), max_size, m_dir + "/" + relative);
  }

  util::Result<std::string> read_json(const image::Descriptor& desc) override {
    std::string rel = blob_path(desc);
    if (!exists(rel)) {
      return util::input_error("{}: missing blob {}", m_dir, desc.digest);
    }
    auto content = read(rel, k_max_json_blob);
    if (!content) {
      return content.error();
    }
    TRY(verify_blob(*content, desc, m_dir));
    return content;
  }

  util::Result<layer::LayerAnalysis> read_layer(const image::Descriptor& desc) override {
    std::string rel = blob_path(desc);
    if (!exists(rel)) {
      return util::input_error("{}: missing layer blob {}", m_dir, desc.digest);
    }
    TRY_ASSIGN(auto stream, open_stream(rel));
    auto analysis = layer::analyze_layer(*stream, m_read);
    if (!analysis) {
      // A blob that is not what its descriptor says is the better diagnosis than its parse error.
      TRY(verify_file_digest(rel, desc));
      return analysis;
    }
    TRY(check_layer_digest(*analysis, desc, m_dir));
    return analysis;
  }

  std::string name() const override { return m_dir; }
  bool can_skip() const override { return true; }

 private:
  util::Result<std::unique_ptr<util::FileInputStream>> open_stream(const std::string& rel) const {
    TRY_ASSIGN(util::UniqueFd fd, open(rel));
    return util::FileInputStream::from_fd(std::move(fd), m_dir + "/" + rel);
  }

  util::Status verify_file_digest(const std::string& rel, const image::Descriptor& desc) const {
    TRY_ASSIGN(auto stream, open_stream(rel));
    util::Sha256 hash;
    std::vector<std::byte> buffer(256u << 10);
    for (;;) {
      TRY_ASSIGN(std::size_t n, stream->read(buffer));
      if (n == 0) {
        break;
      }
      hash.update(buffer.data(), n);
    }
    std::string actual = "sha256:" + hash.hex_digest();
    if (actual != desc.digest) {
      return util::input_error("{}: layer blob {} does not match its digest (sha256 is {})", m_dir,
                               desc.digest, actual);
    }
    return {};
  }

  static std::string blob_path(const image::Descriptor& desc) {
    auto d = util::parse_digest(desc.digest);
    return d ? "blobs/" + d->algorithm + "/" + d->hex : "blobs/invalid";
  }
  std::string m_dir;
  util::UniqueFd m_dir_fd;
  const layer::ReadOptions& m_read;
};

// The members of an OCI archive (already read in one pass).
class ArchiveStore final : public BlobStore {
 public:
  ArchiveStore(std::string path, const ArchiveContents& contents, const layer::ReadOptions& read)
      : m_path(std::move(path)), m_contents(contents), m_read(read) {}

  util::Result<std::string> read_json(const image::Descriptor& desc) override {
    const ArchiveMember* m = find(desc);
    if (m == nullptr) {
      return util::input_error("{}: missing blob {}", m_path, desc.digest);
    }
    if (!m->content) {
      return util::input_error("{}: blob {} is not a JSON document", m_path, desc.digest);
    }
    TRY(verify_blob(*m->content, desc, m_path));
    return *m->content;
  }

  util::Result<layer::LayerAnalysis> read_layer(const image::Descriptor& desc) override {
    const ArchiveMember* m = find(desc);
    if (m == nullptr) {
      return util::input_error("{}: missing layer blob {}", m_path, desc.digest);
    }
    TRY_ASSIGN(auto analysis, member_layer(m_path + ":" + blob_key(desc), *m, m_read));
    TRY(check_layer_digest(analysis, desc, m_path));
    return analysis;
  }

  std::string name() const override { return m_path; }
  bool can_skip() const override { return m_contents.indexed; }

 private:
  static std::string blob_key(const image::Descriptor& desc) {
    auto d = util::parse_digest(desc.digest);
    return d ? "blobs/" + d->algorithm + "/" + d->hex : "blobs/invalid";
  }
  const ArchiveMember* find(const image::Descriptor& desc) const {
    return m_contents.find(blob_key(desc));
  }
  std::string m_path;
  const ArchiveContents& m_contents;
  const layer::ReadOptions& m_read;
};

util::Result<LoadedImage> load_layout_dir(const std::string& dir, const LoadOptions& options) {
  util::UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) {
    return util::input_error("{}: {}", dir, std::strerror(errno));
  }
  DirStore store(dir, std::move(dir_fd), options.read);
  if (!store.exists("oci-layout") || !store.exists("index.json")) {
    return util::input_error("{}: not an OCI image layout (no oci-layout and index.json)", dir);
  }
  TRY_ASSIGN(std::string layout, store.read("oci-layout", 1u << 20));
  if (layout.find("imageLayoutVersion") == std::string::npos) {
    return util::input_error("{}/oci-layout: not an OCI layout marker (no imageLayoutVersion)",
                             dir);
  }
  TRY_ASSIGN(std::string index, store.read("index.json", k_max_json_blob));
  return resolve_oci(store, index, "oci-layout", options);
}

}  // namespace

namespace {

util::Result<LoadedImage> resolve_archive(const std::string& path, const ArchiveContents& contents,
                                          const LoadOptions& options) {
  if (contents.find("manifest.json") != nullptr) {
    return resolve_docker_archive(path, contents, options);
  }
  const ArchiveMember* index = contents.find("index.json");
  if (index != nullptr && index->content) {
    ArchiveStore store(path, contents, options.read);
    return resolve_oci(store, *index->content, "oci-archive", options);
  }
  return util::input_error("{}: not an image archive (no manifest.json or index.json)", path);
}

}  // namespace

util::Result<LoadedImage> load_image(const std::string& path, const LoadOptions& options) {
  TRY(image::parse_platform(options.platform));
  if (util::is_directory(path)) {
    return load_layout_dir(path, options);
  }
  TRY_ASSIGN(ArchiveContents contents, read_image_archive(path, options.read));
  return resolve_archive(path, contents, options);
}

util::Result<LoadedImage> load_image_stream(util::InputStream& in, const LoadOptions& options) {
  TRY(image::parse_platform(options.platform));
  TRY_ASSIGN(ArchiveContents contents, read_image_archive(in, options.read));
  return resolve_archive(in.name(), contents, options);
}

}  // namespace strata::source
