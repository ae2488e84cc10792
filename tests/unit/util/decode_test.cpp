#include <catch2/catch.hpp>
#include <random>

#include "support/compress.hpp"
#include "util/decode.hpp"
#include "util/hash.hpp"

using namespace strata;

namespace {

using test::gzip;
using test::zstd;

// Text that compresses, with some random bytes so that blocks of every kind appear.
std::string sample(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(size);
  while (s.size() < size) {
    if (rng() % 4 == 0) {
      for (int i = 0; i < 200 && s.size() < size; ++i) {
        s.push_back(static_cast<char>(rng()));
      }
    } else {
      s += "line " + std::to_string(rng() % 1000) + " of some configuration file\n";
    }
  }
  s.resize(size);
  return s;
}

struct Decoded {
  std::string out;
  std::optional<util::Error> error;
  std::string input_hash;  // sha256 of every input byte shown to on_input
  util::Codec codec = util::Codec::none;
};

Decoded decode(const std::string& bytes, util::GzipDecoder which, std::size_t buffer = 256u << 10,
               bool rest = true) {
  util::MemoryInputStream in(std::as_bytes(std::span(bytes.data(), bytes.size())), "blob");
  util::Sha256 hash;
  util::Decoder d(
      in, which, [&](std::span<const std::byte> b) { hash.update(b.data(), b.size()); }, buffer);
  Decoded r;
  for (;;) {
    auto block = d.next();
    if (!block) {
      r.error = block.error();
      return r;
    }
    if (block->empty()) {
      break;
    }
    r.out.append(reinterpret_cast<const char*>(block->data()), block->size());
  }
  r.codec = d.codec();
  if (rest) {
    REQUIRE(d.rest_of_input().ok());
    CHECK(d.input_bytes() == bytes.size());
  }
  r.input_hash = hash.hex_digest();
  return r;
}

const std::vector<util::GzipDecoder> k_decoders = {util::GzipDecoder::isal,
                                                   util::GzipDecoder::zlib};

}  // namespace

TEST_CASE("decoder: gzip by ISA-L and by zlib give the same bytes", "[decode]") {
  INFO("built with ISA-L: " << util::have_isal());
  CHECK(util::gzip_decoder_name(util::GzipDecoder::zlib) == "zlib");
  for (std::size_t size :
       {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{3u << 20}}) {
    std::string data = sample(size, static_cast<unsigned>(size));
    for (int level : {1, 9}) {
      std::string gz = gzip(data, level);
      for (auto which : k_decoders) {
        for (std::size_t buffer : {std::size_t{7}, std::size_t{4096}, std::size_t{256u << 10}}) {
          INFO("size " << size << " level " << level << " decoder "
                       << util::gzip_decoder_name(which) << " buffer " << buffer);
          auto r = decode(gz, which, buffer);
          REQUIRE_FALSE(r.error);
          CHECK(r.codec == util::Codec::gzip);
          CHECK(r.out == data);
          CHECK(r.input_hash == util::sha256_hex(gz));
        }
      }
    }
  }
}

TEST_CASE("decoder: gzip members one after another, then trailing bytes", "[decode]") {
  std::string a = sample(300000, 1), b = sample(5000, 2), c = sample(70000, 3);
  std::string multi = gzip(a) + gzip(b) + gzip("") + gzip(c);
  for (auto which : k_decoders) {
    INFO(util::gzip_decoder_name(which));
    auto r = decode(multi, which);
    REQUIRE_FALSE(r.error);
    CHECK(r.out == a + b + c);
    // Bytes after the last member that do not start another one are not decoded, but read and
    // shown to on_input (the blob's digest covers them).
    std::string trailing = multi + std::string(1000, '\0');
    auto t = decode(trailing, which);
    REQUIRE_FALSE(t.error);
    CHECK(t.out == a + b + c);
    CHECK(t.input_hash == util::sha256_hex(trailing));
    auto one = decode(multi + "\x1f", which);  // half a magic: trailing too
    REQUIRE_FALSE(one.error);
    CHECK(one.out == a + b + c);
  }
}

TEST_CASE("decoder: truncated and corrupt gzip are errors in both decoders", "[decode]") {
  std::string data = sample(400000, 7);
  std::string gz = gzip(data);
  for (auto which : k_decoders) {
    INFO(util::gzip_decoder_name(which));
    for (std::size_t cut :
         {std::size_t{3}, std::size_t{10}, gz.size() / 2, gz.size() - 8, gz.size() - 1}) {
      INFO("cut at " << cut);
      auto r = decode(gz.substr(0, cut), which, 256u << 10, false);
      REQUIRE(r.error);
      CHECK(r.error->category == util::ErrorCategory::input);
      CHECK(r.error->message.rfind("blob: corrupt or truncated compressed stream: ", 0) == 0);
    }
    std::string bad_crc = gz;
    bad_crc[gz.size() - 6] = static_cast<char>(bad_crc[gz.size() - 6] ^ 1);
    CHECK(decode(bad_crc, which, 256u << 10, false).error);
    std::string bad_size = gz;
    bad_size[gz.size() - 2] = static_cast<char>(bad_size[gz.size() - 2] ^ 1);
    CHECK(decode(bad_size, which, 256u << 10, false).error);
    std::string bad_body = gz;
    for (std::size_t i = 2000; i < 2100; ++i) {
      bad_body[i] = static_cast<char>(bad_body[i] ^ 0x5a);
    }
    CHECK(decode(bad_body, which, 256u << 10, false).error);
    std::string bad_method = gz;
    bad_method[2] = 7;  // not deflate
    CHECK(decode(bad_method, which, 256u << 10, false).error);
  }
}

TEST_CASE("decoder: zstd frames, skippable frames, truncation; plain bytes pass", "[decode]") {
  std::string a = sample(500000, 4), b = sample(1000, 5);
  // A skippable frame (magic 0x184D2A50, 4-byte length) before and between the frames.
  std::string skip("\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
  std::string zs = skip + zstd(a) + skip + zstd(b);
  auto r = decode(zs, util::GzipDecoder::automatic, 4096);
  REQUIRE_FALSE(r.error);
  CHECK(r.codec == util::Codec::zstd);
  CHECK(r.out == a + b);
  auto cut = decode(zs.substr(0, zs.size() - 3), util::GzipDecoder::automatic, 4096, false);
  REQUIRE(cut.error);
  CHECK(cut.error->message.find("corrupt or truncated compressed stream") != std::string::npos);
  CHECK(decode(zstd(a) + "garbage!", util::GzipDecoder::automatic, 4096, false).error);

  std::string plain = "ustar-ish bytes that are no compressed stream";
  auto p = decode(plain, util::GzipDecoder::automatic, 7);
  REQUIRE_FALSE(p.error);
  CHECK(p.codec == util::Codec::none);
  CHECK(p.out == plain);
  auto empty = decode("", util::GzipDecoder::automatic);
  REQUIRE_FALSE(empty.error);
  CHECK(empty.out.empty());
}

TEST_CASE("decoding stream: the outer archive's reader", "[decode]") {
  std::string data = sample(100000, 9);
  std::string gz = gzip(data);
  util::MemoryInputStream in(std::as_bytes(std::span(gz.data(), gz.size())), "archive.tar.gz");
  util::DecodingStream s(in, util::GzipDecoder::automatic);
  CHECK(s.name() == "archive.tar.gz");
  std::string out;
  std::vector<std::byte> buf(333);
  for (;;) {
    auto n = s.read(buf);
    REQUIRE(n.ok());
    if (*n == 0) {
      break;
    }
    out.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
  CHECK(out == data);
}
