#include "vulndb/database.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "util/codec.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "vercmp/vercmp.hpp"
#include "vulndb/format.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

// Blocks larger than this are not ours (ours are about 4 KiB, k_body_block_target and
// k_package_block_target, a single huge package excepted).
constexpr std::uint64_t k_max_block_size = 256u << 20;
// Decompressed blocks kept per database: enough for a whole image's lookups.
constexpr std::size_t k_block_cache_bytes = 64u << 20;

util::Error corrupt(const std::string& path, const std::string& what) {
  return util::input_error("{}: corrupt vulnerability database ({}): run `strata db update`", path,
                           what);
}

// A fence as the reader uses it: its name resolved into the fences' `names`.
struct Fence {
  std::uint32_t ecosystem = 0;
  std::string_view name;  // into the mapped file
  BlockRef block;
};

using Block = std::shared_ptr<const std::string>;

util::Result<std::vector<ExportInfo>> parse_exports(const json& j, const std::string& path) {
  std::vector<ExportInfo> out;
  if (!j.is_array()) {
    return util::input_error("{}: corrupt database (bad exports): run `strata db update`", path);
  }
  for (const auto& e : j) {
    if (!e.is_object()) {
      continue;
    }
    ExportInfo x;
    x.ecosystem = e.value("ecosystem", "");
    x.source = e.value("source", "");
    x.url = e.value("url", "");
    x.etag = e.value("etag", "");
    x.last_modified = e.value("last_modified", "");
    x.sha256 = e.value("sha256", "");
    x.size = e.value("size", std::uint64_t{0});
    x.checked = e.value("checked", "");
    out.push_back(std::move(x));
  }
  return out;
}

// Fills `info` from the meta object (format.hpp): unknown keys are ignored, missing counts read
// as 0; the ecosystem list must be there and sorted.
util::Status parse_meta(const json& meta, const std::string& path, DbInfo& info) {
  auto str = [&](const char* key) {
    auto it = meta.find(key);
    return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [&](const char* key) {
    auto it = meta.find(key);
    return it != meta.end() && it->is_number_unsigned() ? it->get<std::uint64_t>()
                                                        : std::uint64_t{0};
  };
  info.built = str("built");
  info.generator = str("generator");
  info.record_count = num("record_count");
  info.withdrawn = num("withdrawn");
  info.failed = num("failed");
  info.duplicates = num("duplicates");
  if (auto it = meta.find("sources"); it != meta.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) {
        info.sources.push_back(v.get<std::string>());
      }
    }
  }
  if (auto it = meta.find("exports"); it != meta.end()) {
    TRY_ASSIGN(info.exports, parse_exports(*it, path));
  }
  auto eco = meta.find("ecosystems");
  if (eco == meta.end() || !eco->is_array()) {
    return corrupt(path, "meta data has no ecosystem list");
  }
  for (const auto& e : *eco) {
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
      return corrupt(path, "bad ecosystem entry in the meta data");
    }
    EcosystemCount c;
    c.ecosystem = e["name"].get<std::string>();
    c.advisories = e.value("advisories", std::uint64_t{0});
    c.packages = e.value("packages", std::uint64_t{0});
    c.entries = e.value("entries", std::uint64_t{0});
    if (!info.ecosystems.empty() && c.ecosystem <= info.ecosystems.back().ecosystem) {
      return corrupt(path, "ecosystem list not sorted");
    }
    info.ecosystems.push_back(std::move(c));
  }
  return {};
}

}  // namespace

std::string exports_json(const std::vector<ExportInfo>& exports) {
  json arr = json::array();
  for (const auto& e : exports) {
    arr.push_back({{"ecosystem", e.ecosystem},
                   {"source", e.source},
                   {"url", e.url},
                   {"etag", e.etag},
                   {"last_modified", e.last_modified},
                   {"sha256", e.sha256},
                   {"size", e.size},
                   {"checked", e.checked}});
  }
  return arr.dump();
}

struct Database::Impl {
  std::string path;
  const char* map = nullptr;
  std::size_t size = 0;
  std::vector<std::string> ecosystems;  // meta.ecosystems names, sorted
  std::string_view fence_table;         // fence_count fixed-size entries (format.hpp)
  std::string_view fence_names;
  std::uint32_t fence_count = 0;
  std::string_view body_table;
  DbInfo info;

  std::mutex cache_mutex;
  std::unordered_map<std::uint64_t, Block> cache;  // (kind << 32 | index) -> raw block
  std::deque<std::uint64_t> cache_order;           // insertion order, evicted first-in first-out
  std::size_t cache_bytes = 0;

  ~Impl() {
    if (map != nullptr) {
      ::munmap(const_cast<char*>(map), size);
    }
  }

  // Reads, checks and decompresses one block; `what` names it in errors ("package block 3").
  util::Result<Block> read_block(const BlockRef& ref, const std::string& what) const {
    if (ref.offset < k_header_size || ref.offset > size || ref.size > size - ref.offset ||
        ref.raw_size > k_max_block_size) {
      return corrupt(path, what + " lies outside the file");
    }
    std::string_view frame(map + ref.offset, ref.size);
    if (util::xxh3_64(frame) != ref.xxh3) {
      return corrupt(path, what + ": checksum mismatch");
    }
    // One decompression context per thread, reused: ZSTD_decompress() would allocate (and
    // page-fault in) a fresh one for every block.
    struct DCtx {
      ZSTD_DCtx* ctx = ZSTD_createDCtx();
      ~DCtx() { ZSTD_freeDCtx(ctx); }
    };
    thread_local DCtx dctx;
    auto raw = std::make_shared<std::string>(ref.raw_size, '\0');
    std::size_t n =
        dctx.ctx == nullptr
            ? ZSTD_decompress(raw->data(), raw->size(), frame.data(), frame.size())
            : ZSTD_decompressDCtx(dctx.ctx, raw->data(), raw->size(), frame.data(), frame.size());
    if (ZSTD_isError(n) != 0 || n != ref.raw_size) {
      return corrupt(path, what + ": does not decompress to its size");
    }
    return Block(std::move(raw));
  }

  BlockRef body_ref(std::uint32_t index) const {
    return decode_body_entry(
        body_table.substr(std::size_t{index} * k_body_entry_size, k_body_entry_size));
  }

  // Fence i, read in place (its bounds were checked on open).
  Fence fence(std::uint32_t i) const {
    const FenceEntry e =
        decode_fence(fence_table.substr(std::size_t{i} * k_fence_size, k_fence_size));
    return Fence{
        e.ecosystem,
        fence_names.substr(std::min<std::size_t>(e.name_offset, fence_names.size()), e.name_size),
        e.block};
  }

  // kind 0 = package block, 1 = body block.
  util::Result<Block> block(std::uint32_t kind, std::uint32_t index) {
    const std::uint64_t key = (std::uint64_t{kind} << 32) | index;
    {
      std::lock_guard lock(cache_mutex);
      if (auto it = cache.find(key); it != cache.end()) {
        return it->second;
      }
    }
    Block b;
    if (kind == 0) {
      TRY_ASSIGN(b, read_block(fence(index).block, fmt::format("package block {}", index)));
    } else {
      if (index >= body_count()) {
        return corrupt(path, fmt::format("reference to body block {} of {}", index, body_count()));
      }
      TRY_ASSIGN(b, read_block(body_ref(index), fmt::format("body block {}", index)));
    }
    std::lock_guard lock(cache_mutex);
    if (cache.emplace(key, b).second) {
      cache_order.push_back(key);
      cache_bytes += b->size();
      while (cache_bytes > k_block_cache_bytes && cache_order.size() > 1) {
        auto old = cache.find(cache_order.front());
        cache_bytes -= old->second->size();
        cache.erase(old);
        cache_order.pop_front();
      }
    }
    return b;
  }

  std::uint64_t body_count() const { return body_table.size() / k_body_entry_size; }

  // --- open_file(): the phases ---

  // Opens and maps `path` after checking its header and size; returns the header.
  util::Result<DbHeader> map_file(const std::string& file) {
    path = file;
    TRY_ASSIGN(util::UniqueFd fd, util::open_regular(path));  // never a FIFO or a device
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
      return util::input_error("{}: {}", path, std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
      return util::input_error("{}: not a regular file", path);
    }
    TRY_ASSIGN(DbHeader h, read_header(fd.get(), path));
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    if (file_size != h.file_size) {
      return corrupt(path, fmt::format("{} bytes where the header says {}: truncated or extended",
                                       file_size, h.file_size));
    }
    void* mapped = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (mapped == MAP_FAILED) {
      return util::input_error("{}: cannot map: {}", path, std::strerror(errno));
    }
    map = static_cast<const char*>(mapped);
    size = file_size;
    return h;
  }

  // The section at [off, off + len) of the mapped file, checked against its xxh3 `sum`.
  util::Result<std::string_view> section(std::uint64_t off, std::uint64_t len, std::uint64_t sum,
                                         const char* what) const {
    if (off < k_header_size || off > size || len > size - off) {
      return corrupt(path, fmt::format("the {} lie outside the file", what));
    }
    std::string_view bytes(map + off, len);
    if (util::xxh3_64(bytes) != sum) {
      return corrupt(path, fmt::format("the {}: checksum mismatch", what));
    }
    return bytes;
  }

  util::Status load_meta(std::string_view text, std::uint32_t version) {
    json meta = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!meta.is_object()) {
      return corrupt(path, "meta data is not a JSON object");
    }
    info.path = path;
    info.size_bytes = size;
    info.format_version = static_cast<int>(version);
    TRY(parse_meta(meta, path, info));
    for (const auto& e : info.ecosystems) {
      ecosystems.push_back(e.ecosystem);
    }
    return {};
  }

  // Checked once here (no allocation: a few ns per fence) so lookups can trust them.
  util::Status load_fences(std::string_view fences) {
    util::codec::Reader fr(fences);
    const std::uint32_t count = fr.u32le();
    if (fr.failed() || count > (fences.size() - 4) / k_fence_size) {
      return corrupt(path, "bad fences");
    }
    fence_count = count;
    fence_table = fences.substr(4, std::size_t{count} * k_fence_size);
    fence_names = fences.substr(4 + std::size_t{count} * k_fence_size);
    for (std::uint32_t i = 0; i < count; ++i) {
      const FenceEntry e =
          decode_fence(fence_table.substr(std::size_t{i} * k_fence_size, k_fence_size));
      if (e.ecosystem >= ecosystems.size() ||
          std::uint64_t{e.name_offset} + e.name_size > fence_names.size()) {
        return corrupt(path, "bad fences");
      }
    }
    return {};
  }

  // --- query() ---

  // The package block that holds (eco, package) if any block does: the last one whose first
  // package is <= it, by a binary search over the fences in the mapped file.
  std::optional<std::uint32_t> find_block(std::uint32_t eco, std::string_view package) const {
    std::uint32_t lo = 0;
    std::uint32_t hi = fence_count;  // the first fence > key is in [lo, hi]
    while (lo < hi) {
      std::uint32_t mid = lo + (hi - lo) / 2;
      const Fence f = fence(mid);
      if (package_less(eco, package, f.ecosystem, f.name)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo == 0 ? std::nullopt : std::optional<std::uint32_t>(lo - 1);
  }

  static bool package_less(std::uint32_t e1, std::string_view n1, std::uint32_t e2,
                           std::string_view n2) {
    return e1 != e2 ? e1 < e2 : n1 < n2;
  }

  // Decodes the `items` of one package at `r` into advisories named (ecosystem, asked).
  util::Status read_items(util::codec::Reader& r, const std::string& what,
                          std::string_view ecosystem, const std::string& asked,
                          std::vector<Advisory>& out) const {
    std::uint64_t items = r.count(4);
    for (std::uint64_t i = 0; i < items && !r.failed(); ++i) {
      Advisory a;
      a.id = std::string(r.str());
      a.body.block = static_cast<std::uint32_t>(r.varint());
      a.body.offset = static_cast<std::uint32_t>(r.varint());
      std::uint64_t entries = r.count(2);
      for (std::uint64_t k = 0; k < entries && !r.failed(); ++k) {
        vercmp::OsvAffected aff;
        if (!decode_affected(r, aff)) {
          return corrupt(path, what + ": bad affected entry");
        }
        aff.ecosystem = std::string(ecosystem);
        aff.name = asked;
        a.affected.push_back(std::move(aff));
      }
      out.push_back(std::move(a));
    }
    if (r.failed()) {
      return corrupt(path, what + ": bad advisory entry");
    }
    return {};
  }

  // --- verify() ---

  util::Status verify_package_block(std::uint32_t i) const {
    const Fence fence_i = fence(i);
    const std::string what = fmt::format("package block {}", i);
    TRY_ASSIGN(Block block, read_block(fence_i.block, what));
    util::codec::Reader r(*block);
    bool first = true;
    while (!r.at_end() && !r.failed()) {
      auto e = static_cast<std::uint32_t>(r.varint());
      std::string_view name = r.str();
      if (first && (e != fence_i.ecosystem || name != fence_i.name)) {
        return corrupt(path, what + ": does not start with its fence");
      }
      first = false;
      std::uint64_t package_size = r.varint();
      std::uint64_t before = r.pos();
      TRY(verify_items(r, what));
      if (!r.failed() && r.pos() - before != package_size) {
        return corrupt(path, what + ": package size mismatch");
      }
    }
    if (r.failed() || first) {
      return corrupt(path, what + ": bad package entry");
    }
    return {};
  }

  util::Status verify_items(util::codec::Reader& r, const std::string& what) const {
    std::uint64_t items = r.count(4);
    for (std::uint64_t k = 0; k < items && !r.failed(); ++k) {
      r.str();
      if (r.varint() >= body_count()) {
        return corrupt(path, what + ": reference to a missing body block");
      }
      r.varint();
      std::uint64_t entries = r.count(2);
      for (std::uint64_t x = 0; x < entries && !r.failed(); ++x) {
        vercmp::OsvAffected aff;
        if (!decode_affected(r, aff)) {
          return corrupt(path, what + ": bad affected entry");
        }
      }
    }
    return {};
  }

  util::Status verify_body_block(std::uint32_t i) const {
    const std::string what = fmt::format("body block {}", i);
    TRY_ASSIGN(Block block, read_block(body_ref(i), what));
    util::codec::Reader r(*block);
    while (!r.at_end()) {
      Advisory a;
      if (!decode_body(r, a)) {
        return corrupt(path, what + ": bad entry");
      }
    }
    return {};
  }
};

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

util::Result<Database> Database::open(const std::string& dir) {
  std::string path = dir + "/" + k_db_file_name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return util::input_error(
        "no vulnerability database at {}: run `strata db update` or `strata db import`", dir);
  }
  TRY_ASSIGN(auto db, open_file(path));
  return db;
}

util::Result<Database> Database::open_file(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  TRY_ASSIGN(const DbHeader h, impl->map_file(path));
  TRY_ASSIGN(auto meta, impl->section(h.meta_offset, h.meta_size, h.meta_xxh3, "meta data"));
  TRY_ASSIGN(auto fences, impl->section(h.fences_offset, h.fences_size, h.fences_xxh3, "fences"));
  if (h.body_count > impl->size / k_body_entry_size) {
    return corrupt(path, "body table larger than the file");
  }
  TRY_ASSIGN(impl->body_table, impl->section(h.body_table_offset, h.body_count * k_body_entry_size,
                                             h.body_table_xxh3, "body table"));
  TRY(impl->load_meta(meta, h.version));
  TRY(impl->load_fences(fences));
  return Database(std::move(impl));
}

util::Result<std::vector<Advisory>> Database::query(std::string_view ecosystem,
                                                    std::string_view package,
                                                    Details details) const {
  std::vector<Advisory> out;
  const Impl& d = *m_impl;
  const std::string asked(package);  // entries carry the name as the caller asked for it
  const std::string normalized = vercmp::normalize_package_name(ecosystem, package);
  package = normalized;
  auto eco_it = std::lower_bound(d.ecosystems.begin(), d.ecosystems.end(), ecosystem);
  if (eco_it == d.ecosystems.end() || *eco_it != ecosystem) {
    return out;
  }
  const auto eco = static_cast<std::uint32_t>(eco_it - d.ecosystems.begin());
  const std::optional<std::uint32_t> index = d.find_block(eco, package);
  if (!index) {
    return out;
  }
  TRY_ASSIGN(Block block, m_impl->block(0, *index));
  util::codec::Reader r(*block);
  const std::string what = fmt::format("package block {}", *index);
  while (!r.at_end()) {
    auto e = static_cast<std::uint32_t>(r.varint());
    std::string_view name = r.str();
    std::uint64_t size = r.varint();
    if (r.failed()) {
      return corrupt(d.path, what + ": bad package entry");
    }
    if (Impl::package_less(e, name, eco, package)) {
      r.skip(size);
      continue;
    }
    if (e == eco && name == package) {
      TRY(d.read_items(r, what, ecosystem, asked, out));
    }
    break;  // found, or sorted past it: it is not in the database
  }
  if (r.failed()) {
    return corrupt(d.path, what + ": bad package entry");
  }
  if (details == Details::all) {
    for (auto& a : out) {
      TRY(load_details(a));
    }
  }
  return out;
}

util::Status Database::load_details(Advisory& a) const {
  if (a.has_details) {
    return {};
  }
  TRY_ASSIGN(Block block, m_impl->block(1, a.body.block));
  if (a.body.offset >= block->size()) {
    return corrupt(m_impl->path,
                   fmt::format("advisory {} points outside body block {}", a.id, a.body.block));
  }
  util::codec::Reader r(std::string_view(*block).substr(a.body.offset));
  if (!decode_body(r, a)) {
    return corrupt(m_impl->path,
                   fmt::format("body block {}: bad entry for {}", a.body.block, a.id));
  }
  a.has_details = true;
  return {};
}

std::vector<Database::BlockInfo> Database::blocks() const {
  std::vector<BlockInfo> out;
  for (std::uint32_t i = 0; i < m_impl->body_count(); ++i) {
    const BlockRef r = m_impl->body_ref(i);
    out.push_back(BlockInfo{false, i, r.offset, r.size, r.raw_size});
  }
  for (std::uint32_t i = 0; i < m_impl->fence_count; ++i) {
    const BlockRef r = m_impl->fence(i).block;
    out.push_back(BlockInfo{true, i, r.offset, r.size, r.raw_size});
  }
  return out;
}

util::Status Database::verify() const {
  for (std::uint32_t i = 0; i < m_impl->fence_count; ++i) {
    TRY(m_impl->verify_package_block(i));
  }
  for (std::uint32_t i = 0; i < m_impl->body_count(); ++i) {
    TRY(m_impl->verify_body_block(i));
  }
  return {};
}

bool Database::has_ecosystem(std::string_view ecosystem) const {
  return std::binary_search(m_impl->ecosystems.begin(), m_impl->ecosystems.end(), ecosystem);
}

std::vector<std::string> Database::ecosystems() const {
  return m_impl->ecosystems;
}

DbInfo Database::info() const {
  return m_impl->info;
}

}  // namespace strata::vulndb
