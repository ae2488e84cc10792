#include <catch2/catch.hpp>

#include <sys/resource.h>

#include "cache/record.hpp"
#include "synthetic_layer.hpp"
#include "util/hash.hpp"

using namespace strata;
using namespace strata::cache;
using strata::cache::testing::same_layer;
using strata::cache::testing::synthetic_layer;

namespace {
const std::optional<std::string> k_no_key;
}

TEST_CASE("a record round-trips every field of a layer analysis") {
  for (unsigned n : {0u, 1u, 3u, 5u, 15u}) {
    auto a = synthetic_layer(n);
    a.files["/empty"] = {"", 0600};
    a.files["/nul"] = {std::string("a\0b", 3), 04755};
    auto rec = encode_record(a, "v7", {a.digest}, k_no_key);
    REQUIRE(rec);
    auto header = verify_record(*rec, k_no_key);
    REQUIRE(header);
    CHECK(header->analyzer_version == "v7");
    CHECK(header->key == a.diff_id);
    CHECK(header->aliases == std::vector<std::string>{a.digest});
    CHECK_FALSE(header->is_signed);
    auto back = decode_record(*rec, *header);
    REQUIRE(back);
    CHECK(same_layer(a, *back));
  }
  layer::LayerAnalysis empty;
  empty.diff_id = "sha256:" + std::string(64, 'a');
  auto rec = encode_record(empty, "", {}, k_no_key);
  REQUIRE(rec);
  auto header = verify_record(*rec, k_no_key);
  REQUIRE(header);
  auto back = decode_record(*rec, *header);
  REQUIRE(back);
  CHECK(same_layer(empty, *back));
}

TEST_CASE("a record cut at any length is rejected") {
  auto rec =
      encode_record(synthetic_layer(4, 3), "v1", {"sha256:" + std::string(64, 'b')}, k_no_key);
  REQUIRE(rec);
  for (std::size_t len = 0; len < rec->size(); ++len) {
    std::string_view cut(rec->data(), len);
    auto header = verify_record(cut, k_no_key);
    INFO("length " << len);
    REQUIRE_FALSE(header);
  }
  // and with trailing garbage
  CHECK_FALSE(verify_record(*rec + "x", k_no_key));
}

TEST_CASE("every single bit flip in a record is detected") {
  for (bool signed_record : {false, true}) {
    std::optional<std::string> key;
    if (signed_record) {
      key = "k3y";
    }
    auto rec = encode_record(synthetic_layer(2, 2), "v1", {}, key);
    REQUIRE(rec);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < rec->size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = *rec;
        bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
        auto header = verify_record(bad, key);
        if (header && decode_record(bad, *header)) {
          ++accepted;
        }
      }
    }
    CHECK(accepted == 0);
  }
}

TEST_CASE("HMAC: unsigned, wrong key and right key") {
  auto a = synthetic_layer(7);
  auto unsigned_rec = encode_record(a, "v1", {}, k_no_key);
  auto signed_rec = encode_record(a, "v1", {}, std::string("right key"));
  REQUIRE(unsigned_rec);
  REQUIRE(signed_rec);
  CHECK(signed_rec->size() == unsigned_rec->size() + 32);

  auto r = verify_record(*unsigned_rec, std::string("right key"));
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "record is not signed");
  r = verify_record(*signed_rec, std::string("wrong key"));
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "record signature mismatch");
  r = verify_record(*signed_rec, std::string("right key"));
  REQUIRE(r);
  CHECK(r->is_signed);
  auto back = decode_record(*signed_rec, *r);
  REQUIRE(back);
  CHECK(same_layer(a, *back));
  // Without a key a signed record is checked by its checksum only.
  CHECK(verify_record(*signed_rec, k_no_key));
  // A record re-signed after changing the analyzer version needs the key: stripping the mac and
  // clearing the flag leaves a checksum that no longer matches.
  std::string stripped = signed_rec->substr(0, signed_rec->size() - 32);
  stripped[12] = 0;  // flags
  CHECK_FALSE(verify_record(stripped, k_no_key));
}

TEST_CASE("records of another format or not records at all are rejected") {
  CHECK_FALSE(verify_record("", k_no_key));
  CHECK_FALSE(verify_record("STRATALC", k_no_key));
  CHECK_FALSE(verify_record(std::string(4096, '\0'), k_no_key));
  auto rec = encode_record(synthetic_layer(1), "v1", {}, k_no_key);
  REQUIRE(rec);
  std::string other = *rec;
  other[8] = 1;  // format 1: before extracted packages
  auto r = verify_record(other, k_no_key);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "unknown record format");
}

// Someone who can write the cache directory edits a record to hide a package. An edit that keeps
// the old checksum (and mac) fails the checksum; a record re-encoded with the package dropped is
// well-formed, so only the signature can reject it: with a key, unsigned or wrongly keyed records
// are refused. Without a key such a record is accepted (the checksum guards against accidents,
// not against another writer): that is what STRATA_CACHE_KEY and the cache directory's owner and
// mode checks are for.
TEST_CASE("a record altered to drop a package is rejected by its checksum or its signature") {
  auto a = synthetic_layer(7);
  REQUIRE_FALSE(a.extracted.empty());
  layer::LayerAnalysis altered = a;
  altered.extracted.erase(altered.extracted.begin());
  const std::optional<std::string> key = std::string("the node's key");
  auto good = encode_record(a, "v1", {}, key);
  auto forged = encode_record(altered, "v1", {}, k_no_key);
  REQUIRE(good);
  REQUIRE(forged);

  // the altered header and payload with the good record's checksum and mac
  std::string spliced = forged->substr(0, forged->size() - 8) + good->substr(good->size() - 40);
  spliced[12] = 1;  // flags: signed
  CHECK_FALSE(verify_record(spliced, key));
  CHECK_FALSE(verify_record(spliced, k_no_key));

  // re-encoded: refused with a key, whether unsigned or signed with another key
  auto r = verify_record(*forged, key);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "record is not signed");
  auto guessed = encode_record(altered, "v1", {}, std::string("a guessed key"));
  REQUIRE(guessed);
  r = verify_record(*guessed, key);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "record signature mismatch");

  // the good record still reads back with every package
  auto header = verify_record(*good, key);
  REQUIRE(header);
  auto back = decode_record(*good, *header);
  REQUIRE(back);
  CHECK(back->extracted.size() == a.extracted.size());
}

TEST_CASE("a record whose tiny payload declares a 1 GiB body is rejected without allocating it") {
  // decode_record allocated the declared size before decompressing (seen writing fuzz/cache.cpp).
  // A 13-byte zstd frame: single segment, content size 1 GiB (4 bytes), one raw block of 1 byte.
  const std::string frame("\x28\xb5\x2f\xfd\xa0\x00\x00\x00\x40\x09\x00\x00x", 13);
  const std::uint64_t body_size = 1ull << 30;
  std::string record("STRATALC", 8);
  auto u32 = [&](std::uint32_t v) { record.append(reinterpret_cast<const char*>(&v), 4); };
  auto u64 = [&](std::uint64_t v) { record.append(reinterpret_cast<const char*>(&v), 8); };
  u32(k_record_format);
  u32(0);
  u32(1);
  record += "a";
  u32(0);  // key
  u32(0);  // aliases
  u64(body_size);
  u64(frame.size());
  record += frame;
  u64(util::xxh3_64(record));
  auto header = verify_record(record, k_no_key);
  REQUIRE(header.ok());
  CHECK(header->body_size == body_size);
  struct rusage before {};
  ::getrusage(RUSAGE_SELF, &before);
  auto decoded = decode_record(record, *header);
  struct rusage after {};
  ::getrusage(RUSAGE_SELF, &after);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().message == "record payload does not decompress");
  CHECK(after.ru_maxrss - before.ru_maxrss < 64 * 1024);  // KiB: far below the 1 GiB declared
}
