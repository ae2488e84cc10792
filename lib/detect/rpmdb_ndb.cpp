#include "detect/rpmdb_ndb.hpp"

#include <cstdint>

namespace strata::detect {

namespace {

constexpr std::string_view k_header_magic = "RpmP";
constexpr std::string_view k_slot_magic = "Slot";
constexpr std::string_view k_blob_magic = "BlbS";
constexpr std::size_t k_slot_size = 16;
constexpr std::size_t k_slot_page_size = 4096;
constexpr std::size_t k_header_slots = 2;
constexpr std::size_t k_block_size = 16;
constexpr std::size_t k_blob_head_size = 16;

std::uint32_t le32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) {
    v = v << 8 | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  }
  return v;
}

// The header blob of the package in `slot` (16 bytes), checked against `bytes`.
util::Result<std::string_view> blob_of(std::string_view bytes, std::string_view slot,
                                       std::uint32_t pkgidx) {
  const std::uint64_t offset = std::uint64_t{le32(slot, 8)} * k_block_size;
  const std::uint64_t room = std::uint64_t{le32(slot, 12)} * k_block_size;
  if (room < k_blob_head_size || offset > bytes.size() || bytes.size() - offset < room) {
    return util::input_error("blob of {} bytes at {} outside the file", room, offset);
  }
  std::string_view blob = bytes.substr(offset, room);
  if (!blob.starts_with(k_blob_magic) || le32(blob, 4) != pkgidx) {
    return util::input_error("no blob for package {} at {}", pkgidx, offset);
  }
  const std::uint32_t len = le32(blob, 12);
  if (len > room - k_blob_head_size) {
    return util::input_error("blob of {} bytes in {} bytes of blocks", len, room);
  }
  return blob.substr(k_blob_head_size, len);
}

}  // namespace

util::Result<std::vector<RpmdbEntry>> read_rpmdb_ndb(std::string_view bytes) {
  if (bytes.size() < k_header_slots * k_slot_size || !bytes.starts_with(k_header_magic)) {
    return util::input_error("Packages.db: not an NDB database");
  }
  const std::uint64_t slot_pages = le32(bytes, 12);
  if (slot_pages == 0 || slot_pages * k_slot_page_size > bytes.size()) {
    return util::input_error("Packages.db: {} slot pages do not fit in {} bytes", slot_pages,
                             bytes.size());
  }
  std::vector<RpmdbEntry> out;
  const std::size_t slots = slot_pages * (k_slot_page_size / k_slot_size);
  for (std::size_t i = k_header_slots; i < slots; ++i) {
    std::string_view slot = bytes.substr(i * k_slot_size, k_slot_size);
    const std::uint32_t pkgidx = le32(slot, 4);
    if (!slot.starts_with(k_slot_magic)) {
      out.push_back({0, util::input_error("Packages.db: slot {} is damaged", i)});
      continue;
    }
    if (pkgidx == 0) {
      continue;  // a free slot
    }
    auto blob = blob_of(bytes, slot, pkgidx);
    if (!blob) {
      out.push_back({pkgidx, blob.error().wrap("Packages.db")});
      continue;
    }
    out.push_back({pkgidx, parse_rpm_header(*blob)});
  }
  return out;
}

}  // namespace strata::detect
