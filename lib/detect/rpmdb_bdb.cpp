#include "detect/rpmdb_bdb.hpp"

#include <cstdint>
#include <string>

namespace strata::detect {

namespace {

constexpr std::uint32_t k_hash_magic = 0x061561;
constexpr std::size_t k_page_header_size = 26;
constexpr std::uint8_t k_page_hash_unsorted = 2;  // hash v8 (BDB < 4.6)
constexpr std::uint8_t k_page_overflow = 7;
constexpr std::uint8_t k_page_hash = 13;
constexpr std::uint8_t k_item_keydata = 1;
constexpr std::uint8_t k_item_offpage = 3;
constexpr std::size_t k_offpage_size = 12;
constexpr std::uint32_t k_max_header_size = 256u << 20;

// The file as pages, reading integers in its byte order.
class Pages {
 public:
  Pages(std::string_view bytes, bool big_endian, std::uint32_t page_size)
      : m_bytes(bytes), m_big(big_endian), m_size(page_size) {}

  std::uint32_t count() const { return static_cast<std::uint32_t>(m_bytes.size() / m_size); }
  std::string_view page(std::uint32_t pgno) const {
    return m_bytes.substr(std::size_t{pgno} * m_size, m_size);
  }
  std::uint32_t u32(std::string_view p, std::size_t at) const { return read(p, at, 4); }
  std::uint16_t u16(std::string_view p, std::size_t at) const {
    return static_cast<std::uint16_t>(read(p, at, 2));
  }

 private:
  std::uint32_t read(std::string_view p, std::size_t at, int n) const {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      const auto b = static_cast<std::uint32_t>(static_cast<unsigned char>(p[at + i]));
      v |= m_big ? b << (8 * (n - 1 - i)) : b << (8 * i);
    }
    return v;
  }

  std::string_view m_bytes;
  bool m_big;
  std::uint32_t m_size;
};

// The data of an OFFPAGE item: `tlen` bytes from the overflow chain starting at `pgno`.
util::Result<std::string> overflow_data(const Pages& pages, std::uint32_t pgno,
                                        std::uint32_t tlen) {
  if (tlen > k_max_header_size) {
    return util::input_error("overflow item of {} bytes", tlen);
  }
  std::string out;
  out.reserve(tlen);
  for (std::uint32_t hops = 0; out.size() < tlen; ++hops) {
    if (pgno == 0 || pgno >= pages.count() || hops >= pages.count()) {
      return util::input_error("overflow chain broken at page {} ({} of {} bytes)", pgno,
                               out.size(), tlen);
    }
    std::string_view p = pages.page(pgno);
    const std::size_t used = pages.u16(p, 22);
    if (p[25] != static_cast<char>(k_page_overflow) || used > p.size() - k_page_header_size) {
      return util::input_error("page {} is not an overflow page", pgno);
    }
    out.append(p.substr(k_page_header_size, std::min<std::size_t>(used, tlen - out.size())));
    pgno = pages.u32(p, 16);
  }
  return out;
}

// The bytes of item `i` of a hash page: from its offset to the previous item's (or the page end).
util::Result<std::string_view> item(const Pages& pages, std::string_view p, std::size_t i) {
  const std::size_t at = pages.u16(p, k_page_header_size + 2 * i);
  const std::size_t end = i == 0 ? p.size() : pages.u16(p, k_page_header_size + 2 * (i - 1));
  if (at < k_page_header_size || end > p.size() || at >= end) {
    return util::input_error("item {} at {} outside its page", i, at);
  }
  return p.substr(at, end - at);
}

// The value of a key/data item: inline (KEYDATA) or in overflow pages (OFFPAGE).
util::Result<std::string> item_data(const Pages& pages, std::string_view it) {
  if (it[0] == static_cast<char>(k_item_keydata)) {
    return std::string(it.substr(1));
  }
  if (it[0] == static_cast<char>(k_item_offpage) && it.size() >= k_offpage_size) {
    return overflow_data(pages, pages.u32(it, 4), pages.u32(it, 8));
  }
  return util::input_error("item of type {}", static_cast<int>(static_cast<unsigned char>(it[0])));
}

// The key of a record: rpm's header number (4 bytes, native order).
util::Result<std::int64_t> record_key(const Pages& pages, std::string_view key_item) {
  if (key_item.size() == 5 && key_item[0] == static_cast<char>(k_item_keydata)) {
    return std::int64_t{pages.u32(key_item, 1)};
  }
  return util::input_error("a key of {} bytes, not a header number", key_item.size());
}

// Adds the records of one hash page to `out`.
void read_hash_page(const Pages& pages, std::uint32_t pgno, std::vector<RpmdbEntry>& out) {
  std::string_view p = pages.page(pgno);
  const std::size_t entries = pages.u16(p, 20);
  if (k_page_header_size + 2 * entries > p.size()) {
    out.push_back({0, util::input_error("page {}: {} entries do not fit", pgno, entries)});
    return;
  }
  for (std::size_t i = 0; i + 1 < entries; i += 2) {
    auto key = item(pages, p, i);
    auto data = item(pages, p, i + 1);
    if (!key || !data) {
      out.push_back({0, (key ? data.error() : key.error()).wrap(fmt::format("page {}", pgno))});
      continue;
    }
    auto hnum = record_key(pages, *key);
    auto blob = item_data(pages, *data);
    if (!hnum || !blob) {
      out.push_back(
          {hnum ? *hnum : 0,
           (hnum ? blob.error() : hnum.error()).wrap(fmt::format("page {} item {}", pgno, i))});
      continue;
    }
    if (*hnum == 0 && blob->size() == 4) {
      continue;  // rpm's record 0: the next free header number, not a package
    }
    out.push_back({*hnum, parse_rpm_header(*blob)});
  }
}

}  // namespace

util::Result<std::vector<RpmdbEntry>> read_rpmdb_bdb(std::string_view bytes) {
  if (bytes.size() < 512) {
    return util::input_error("Packages: not a BerkeleyDB hash database");
  }
  const Pages le(bytes, false, 4096);
  const bool big = le.u32(bytes, 12) != k_hash_magic;
  const Pages probe(bytes, big, 4096);
  if (probe.u32(bytes, 12) != k_hash_magic || bytes[25] != 8) {
    return util::input_error("Packages: not a BerkeleyDB hash database");
  }
  const std::uint32_t page_size = probe.u32(bytes, 20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return util::input_error("Packages: page size {} is not a BerkeleyDB page size", page_size);
  }
  const Pages pages(bytes, big, page_size);
  std::vector<RpmdbEntry> out;
  for (std::uint32_t pgno = 1; pgno < pages.count(); ++pgno) {
    const auto type = static_cast<std::uint8_t>(pages.page(pgno)[25]);
    if (type == k_page_hash || type == k_page_hash_unsorted) {
      read_hash_page(pages, pgno, out);
    }
  }
  return out;
}

}  // namespace strata::detect
