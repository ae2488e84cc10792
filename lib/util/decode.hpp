#pragma once
// Streaming decompression of layer blobs and image archives: gzip (ISA-L's isal_inflate where
// the build has it, zlib otherwise or when asked), zstd (libzstd), or nothing (a plain tar).
// The codec is chosen by the first bytes, never by a name or a media type: registries and
// archives mislabel layers, and Docker decides the same way.
//
// Why not libarchive's own gzip filter: it inflates with zlib, 2-2.5x slower than ISA-L, and
// copies every block once more through its "raw" format reader. The tar reader above is
// libarchive's, fed the decoded bytes directly.
//
// Streams as they are found in images, and what happens to them:
// - gzip with several members (pigz --independent, concatenated layers): decoded member after
//   member, as gzip -dc does;
// - bytes after the last gzip member that do not begin another one: ignored (the caller may
//   still read and hash them: see rest_of_input); GNU gzip warns about "trailing garbage" and
//   libarchive stops the same way;
// - zstd: any number of frames, skippable frames included; anything else after a frame is an
//   error (libzstd decides);
// - a truncated stream, a bad checksum (gzip CRC-32 and ISIZE, zstd's optional checksum) or a
//   corrupt block: an input error "corrupt or truncated compressed stream: <why>".

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::util {

enum class Codec { none, gzip, zstd };
// Which gzip decoder: ISA-L (when built with it) or zlib. Both give the same bytes or the same
// error class; zlib is the fallback on platforms without ISA-L and a second opinion in tests.
enum class GzipDecoder { automatic, isal, zlib };

// Whether this build has ISA-L (libisal); GzipDecoder::isal falls back to zlib without it.
bool have_isal();
// "isal" or "zlib": the decoder `which` resolves to in this build.
std::string_view gzip_decoder_name(GzipDecoder which);
// "gzip", "zstd", "none".
std::string_view codec_name(Codec codec);
// The codec whose magic `head` starts with (none when too short or anything else).
Codec sniff_codec(std::span<const std::byte> head);

class Decoder {
 public:
  // Reads compressed bytes from `source`; each block read is shown to `on_input` (hashing,
  // counting) before it is decoded. `buffer_size` is the size of both the input and the output
  // buffer.
  Decoder(InputStream& source, GzipDecoder gzip,
          std::function<void(std::span<const std::byte>)> on_input = {},
          std::size_t buffer_size = 256u << 10);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // The next block of decoded bytes, valid until the next call; empty at the end of the
  // compressed stream. Errors: the source's own error as it is (source_failed() is then true),
  // or an input error for corrupt data (naming source.name()).
  Result<std::span<const std::byte>> next();

  // After next() returned the end: reads the rest of the source (bytes after the compressed
  // stream), showing it to on_input. The source's errors as they are.
  Status rest_of_input();

  // The codec found (valid after the first next()).
  Codec codec() const { return m_codec; }
  bool source_failed() const { return m_source_failed; }
  bool source_eof() const { return m_source_eof; }
  // Bytes read from the source so far.
  std::uint64_t input_bytes() const { return m_input_bytes; }

  struct Engine;  // the codec's state (decode.cpp)

 private:
  // Reads the next input block into m_in (keeping `keep` unconsumed bytes at the front).
  // False at the end of the source.
  Result<bool> refill();
  Status detect();

  InputStream& m_source;
  GzipDecoder m_gzip;
  std::function<void(std::span<const std::byte>)> m_on_input;
  std::vector<std::byte> m_in;
  std::vector<std::byte> m_out;
  std::size_t m_in_pos = 0, m_in_len = 0;
  std::uint64_t m_input_bytes = 0;
  Codec m_codec = Codec::none;
  bool m_detected = false;
  bool m_source_eof = false;
  bool m_source_failed = false;
  bool m_done = false;
  std::unique_ptr<Engine> m_engine;

  friend struct Engine;
};

// A Decoder as an InputStream (the decoded bytes), for readers that want one: the outer
// gzip-compressed image archive.
class DecodingStream final : public InputStream {
 public:
  DecodingStream(InputStream& source, GzipDecoder gzip)
      : m_decoder(source, gzip), m_name(source.name()) {}
  Result<std::size_t> read(std::span<std::byte> buffer) override;
  std::string name() const override { return m_name; }
  Decoder& decoder() { return m_decoder; }

 private:
  Decoder m_decoder;
  std::string m_name;
  std::span<const std::byte> m_pending;
};

}  // namespace strata::util
