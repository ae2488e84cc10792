// The layer cache's files (cache/record.hpp, cache/index.hpp):
//   '0' a record as read from the cache directory: verified (without a key, and with one) and,
//       when accepted, decoded
//   '1' a record body (the zstd-compressed part): the harness frames it (header with the body's
//       own diff_id as key, payload, checksum) so the body decoder runs behind the checksum; a
//       body that decodes is encoded again and must decode to the same analysis
//   '2' the JSON index (cacher.json), which must read back what it serialises to
#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "cache/index.hpp"
#include "cache/record.hpp"
#include "common.hpp"
#include "util/codec.hpp"
#include "util/hash.hpp"

namespace {

using namespace strata;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "cache: %s\n", what);
    __builtin_trap();
  }
}

void read_record(std::string_view record, const std::optional<std::string>& key) {
  auto header = cache::verify_record(record, key);
  if (header.ok()) {
    (void)cache::decode_record(record, *header);
  }
}

std::string frame(std::string_view body) {
  std::string payload(ZSTD_compressBound(body.size()), '\0');
  std::size_t n = ZSTD_compress(payload.data(), payload.size(), body.data(), body.size(), 1);
  check(ZSTD_isError(n) == 0, "zstd");
  payload.resize(n);
  // The key must be the body's diff_id (its first str) for decode_record to accept it.
  util::codec::Reader r(body);
  std::string_view diff_id = r.str32();
  std::string out;
  util::codec::Writer w(out);
  w.raw(cache::k_record_magic);
  w.u32le(cache::k_record_format);
  w.u32le(0);
  w.str32("fuzz");
  w.str32(r.failed() ? std::string_view() : diff_id);
  w.u32le(0);
  w.u64le(body.size());
  w.u64le(payload.size());
  w.raw(payload);
  w.u64le(util::xxh3_64(out));
  return out;
}

void round_trip(const layer::LayerAnalysis& a) {
  auto again = cache::encode_record(a, "fuzz", {}, std::string("key"));
  check(again.ok(), "a decoded analysis does not encode");
  auto header = cache::verify_record(*again, std::string("key"));
  check(header.ok(), "an encoded record does not verify");
  auto b = cache::decode_record(*again, *header);
  check(b.ok(), "an encoded record does not decode");
  check(b->diff_id == a.diff_id && b->files.size() == a.files.size() && b->symlinks == a.symlinks &&
            b->hardlinks == a.hardlinks && b->dirs == a.dirs && b->whiteouts == a.whiteouts &&
            b->warnings == a.warnings && b->entry_hashes == a.entry_hashes &&
            b->secrets.size() == a.secrets.size(),
        "a record decodes to another analysis");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [which, in] = fuzz::select(fuzz::bytes(data, size), 3);
  switch (which) {
    case 0:
      read_record(in, std::nullopt);
      read_record(in, std::string("key"));
      break;
    case 1: {
      const std::string record = frame(in);
      auto header = cache::verify_record(record, std::nullopt);
      check(header.ok(), "a framed body does not verify");
      if (auto a = cache::decode_record(record, *header); a.ok()) {
        round_trip(*a);
      }
      break;
    }
    default:
      if (auto index = cache::parse_index(in); index.ok()) {
        auto text = cache::serialize_index(*index);
        auto back = cache::parse_index(text);
        check(back.ok() && back->records.size() == index->records.size() &&
                  back->aliases == index->aliases,
              "a serialised index does not read back");
      }
      break;
  }
  return 0;
}
