// The vulnerability database file (vulndb/format.hpp, vulndb/database.hpp): opened, verified
// and queried. Every section is checksummed, so random bytes rarely get past the header; the
// first byte therefore picks:
//   '0' the input is the file, as it is
//   '1' the input describes a file that the harness assembles with correct checksums: one
//       package block and one body block (zstd-compressed from fuzzed raw bytes, with a raw size
//       that may lie), one fence (fuzzed ecosystem index and name), the meta JSON (fuzzed), and
//       the names looked up. This reaches the block decoders behind the checksums.
// The file lives in a memfd (opened through /proc/self/fd), so runs write nothing to disk.
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <string>

#include "common.hpp"
#include "util/hash.hpp"
#include "vulndb/database.hpp"
#include "vulndb/format.hpp"

namespace {

using namespace strata;

int g_fd = -1;
std::string g_path;

void write_file(std::string_view bytes) {
  if (::ftruncate(g_fd, 0) != 0 ||
      ::pwrite(g_fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    std::abort();
  }
}

void exercise(const std::vector<std::string>& names) {
  auto db = vulndb::Database::open_file(g_path);
  if (!db.ok()) {
    return;
  }
  (void)db->info();
  (void)db->blocks();
  (void)db->verify();
  for (const auto& eco : db->ecosystems()) {
    for (const auto& name : names) {
      auto found = db->query(eco, name, vulndb::Database::Details::none);
      if (found.ok()) {
        for (auto& a : *found) {
          (void)db->load_details(a);
        }
      }
    }
  }
}

std::string compress(const std::string& raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1);
  if (ZSTD_isError(n) != 0) {
    std::abort();
  }
  out.resize(n);
  return out;
}

std::string assemble(FuzzedDataProvider& in, std::vector<std::string>& names) {
  const std::string package_raw = in.ConsumeRandomLengthString(4096);
  const std::string body_raw = in.ConsumeRandomLengthString(4096);
  const std::string fence_name = in.ConsumeRandomLengthString(64);
  const std::string meta = in.ConsumeRandomLengthString(1024);
  names.push_back(fence_name);
  names.push_back(in.ConsumeRandomLengthString(64));
  const auto eco = in.ConsumeIntegralInRange<std::uint32_t>(0, 3);
  const auto package_raw_size = in.ConsumeBool() ? static_cast<std::uint32_t>(package_raw.size())
                                                 : in.ConsumeIntegral<std::uint32_t>();
  const auto body_raw_size = in.ConsumeBool() ? static_cast<std::uint32_t>(body_raw.size())
                                              : in.ConsumeIntegral<std::uint32_t>();

  std::string file(vulndb::k_header_size, '\0');
  vulndb::BlockRef body;
  const std::string body_frame = compress(body_raw);
  body.offset = file.size();
  body.size = static_cast<std::uint32_t>(body_frame.size());
  body.raw_size = body_raw_size;
  body.xxh3 = util::xxh3_64(body_frame);
  file += body_frame;

  vulndb::FenceEntry fence;
  const std::string package_frame = compress(package_raw);
  fence.ecosystem = eco;
  fence.name_offset = 0;
  fence.name_size = static_cast<std::uint32_t>(fence_name.size());
  fence.block.offset = file.size();
  fence.block.size = static_cast<std::uint32_t>(package_frame.size());
  fence.block.raw_size = package_raw_size;
  fence.block.xxh3 = util::xxh3_64(package_frame);
  file += package_frame;

  vulndb::DbHeader h;
  h.version = vulndb::k_format_version;
  std::string fences;
  fences.append("\x01\0\0\0", 4);
  vulndb::encode_fence(fence, fences);
  fences += fence_name;
  h.fences_offset = file.size();
  h.fences_size = fences.size();
  h.fences_xxh3 = util::xxh3_64(fences);
  file += fences;

  std::string table;
  vulndb::encode_body_entry(body, table);
  h.body_table_offset = file.size();
  h.body_count = 1;
  h.body_table_xxh3 = util::xxh3_64(table);
  file += table;

  h.meta_offset = file.size();
  h.meta_size = meta.size();
  h.meta_xxh3 = util::xxh3_64(meta);
  file += meta;
  h.file_size = file.size();
  file.replace(0, vulndb::k_header_size, vulndb::encode_header(h));
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_fd = ::memfd_create("strata-fuzz-db", MFD_CLOEXEC);
  if (g_fd < 0) {
    std::abort();
  }
  g_path = "/proc/self/fd/" + std::to_string(g_fd);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [which, in] = fuzz::select(fuzz::bytes(data, size), 2);
  std::vector<std::string> names = {"openssl", "busybox", "django", ""};
  if (which == 0) {
    write_file(in);
  } else {
    FuzzedDataProvider provider(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
    write_file(assemble(provider, names));
  }
  exercise(names);
  return 0;
}
