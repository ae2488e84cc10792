#include "vulndb/bundle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "vulndb/database.hpp"
#include "vulndb/format.hpp"
#include "vulndb/import.hpp"

namespace strata::vulndb {

namespace {

constexpr std::size_t k_chunk = 1 << 16;
constexpr std::size_t k_max_header = 256;

// Reads up to `size` bytes at `offset` (short only at end of file).
util::Result<std::size_t> read_at(int fd, char* buf, std::size_t size, std::uint64_t offset,
                                  const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buf + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return util::input_error("{}: read error: {}", path, std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

util::Result<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19) {
    return util::input_error("bad number");
  }
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return util::input_error("bad number");
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

struct Header {
  std::string sha256;
  std::uint64_t size = 0;
  std::size_t length = 0;  // header bytes
};

util::Result<Header> parse_header(std::string_view text, const std::string& path) {
  auto bad = [&](std::string_view why) {
    return util::input_error("{}: not a valid strata database bundle ({})", path, why);
  };
  auto end = text.find("\n\n");
  if (!text.starts_with(k_bundle_magic) || end == std::string_view::npos) {
    return bad("bad header");
  }
  std::vector<std::string_view> lines;
  std::string_view rest = text.substr(0, end + 1);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() != 3 || lines[0] != "STRATA-DB-BUNDLE 1") {
    return bad(lines.empty() ? "bad header" : "unsupported version: " + std::string(lines[0]));
  }
  Header h;
  h.length = end + 2;
  if (!lines[1].starts_with("sha256 ") || lines[1].size() != 7 + 64 ||
      lines[1].find_first_not_of("0123456789abcdef", 7) != std::string_view::npos) {
    return bad("bad sha256 line");
  }
  h.sha256 = std::string(lines[1].substr(7));
  if (!lines[2].starts_with("size ")) {
    return bad("bad size line");
  }
  auto size = parse_decimal(lines[2].substr(5));
  if (!size) {
    return bad("bad size line");
  }
  h.size = *size;
  return h;
}

}  // namespace

bool is_bundle(const std::string& path) {
  auto head = util::read_file_head(path, k_bundle_magic.size());
  return head && *head == k_bundle_magic;
}

util::Result<BundleStats> export_bundle(const std::string& db_dir, const std::string& out_path) {
  TRY_ASSIGN(Database db, Database::open(db_dir));  // refuse to bundle a broken database
  const std::string path = db.info().path;
  // One descriptor for both passes: an update renaming a new database in meanwhile does not
  // change what is read.
  util::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  std::vector<char> buf(k_chunk);
  util::Sha256 sha;
  std::uint64_t size = 0;
  while (true) {
    TRY_ASSIGN(std::size_t n, read_at(in.get(), buf.data(), buf.size(), size, path));
    if (n == 0) {
      break;
    }
    sha.update(buf.data(), n);
    size += n;
  }
  BundleStats stats{size, sha.hex_digest()};
  TRY_ASSIGN(util::TempFile out, util::TempFile::create(out_path + ".tmp."));
  std::string header =
      fmt::format("STRATA-DB-BUNDLE 1\nsha256 {}\nsize {}\n\n", stats.sha256, size);
  TRY(out.write(header));
  util::Sha256 check;
  for (std::uint64_t off = 0; off < size;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - off));
    TRY_ASSIGN(std::size_t n, read_at(in.get(), buf.data(), want, off, path));
    if (n != want) {
      return util::input_error("{}: file shrank while it was exported", path);
    }
    check.update(buf.data(), n);
    TRY(out.write(std::string_view(buf.data(), n)));
    off += n;
  }
  if (check.hex_digest() != stats.sha256) {
    return util::input_error("{}: file changed while it was exported", path);
  }
  TRY(out.sync_and_close());
  TRY(out.rename_to(out_path));
  return stats;
}

util::Result<BundleStats> import_bundle(const std::string& path, const std::string& db_dir) {
  TRY_ASSIGN(util::UniqueFd in, util::open_regular(path));  // never a FIFO or a device
  std::string head(k_max_header, '\0');
  TRY_ASSIGN(std::size_t got, read_at(in.get(), head.data(), head.size(), 0, path));
  head.resize(got);
  TRY_ASSIGN(Header h, parse_header(head, path));
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  if (file_size != h.length + h.size) {
    return util::input_error(
        "{}: corrupt strata database bundle: {} payload bytes, the header says {} (truncated or "
        "extended)",
        path, file_size - h.length, h.size);
  }
  TRY_ASSIGN(util::FileLock lock, lock_database_dir(db_dir, /*wait=*/true));
  const std::string final_path = db_dir + "/" + k_db_file_name;
  TRY_ASSIGN(util::TempFile out, util::TempFile::create(final_path + ".tmp."));
  std::vector<char> buf(k_chunk);
  util::Sha256 sha;
  for (std::uint64_t off = 0; off < h.size;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), h.size - off));
    TRY_ASSIGN(std::size_t n, read_at(in.get(), buf.data(), want, h.length + off, path));
    if (n != want) {
      return util::input_error("{}: corrupt strata database bundle: truncated", path);
    }
    sha.update(buf.data(), n);
    TRY(out.write(std::string_view(buf.data(), n)));
    off += n;
  }
  BundleStats stats{h.size, sha.hex_digest()};
  if (stats.sha256 != h.sha256) {
    return util::input_error(
        "{}: corrupt strata database bundle: sha256 {} does not match the header's {}", path,
        stats.sha256, h.sha256);
  }
  TRY(out.sync_and_close());
  {
    auto db = Database::open_file(out.path());
    util::Status usable = db ? db->verify() : util::Status(db.error());
    if (!usable) {
      return util::input_error("{}: the bundle does not hold a usable database: {}", path,
                               usable.error().message);
    }
  }
  TRY(out.rename_to(final_path));
  return stats;
}

}  // namespace strata::vulndb
