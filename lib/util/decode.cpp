#include "util/decode.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#ifdef STRATA_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace strata::util {

namespace {

constexpr std::byte k_gzip0{0x1f}, k_gzip1{0x8b};

// One call of a codec: how much input it took and output it gave, and whether a gzip member or
// a zstd frame ended with it.
struct Step {
  std::size_t consumed = 0, produced = 0;
  bool member_end = false;
};

}  // namespace

struct Decoder::Engine {
  virtual ~Engine() = default;
  // Decodes what it can of `in` into `out`. The error text is the reason alone.
  virtual Result<Step> step(std::span<const std::byte> in, std::span<std::byte> out) = 0;
  // Gets ready for the next gzip member.
  virtual void reset() {}
};

namespace {

std::uint32_t clamp32(std::size_t n) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
}

#ifdef STRATA_HAVE_ISAL
std::string isal_error(int code) {
  switch (code) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER:
      return "not in gzip format";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "CRC-32 or length mismatch";
    case ISAL_NEED_DICT:
      return "needs a preset dictionary";
    default:
      return "isal_inflate error " + std::to_string(code);
  }
}

struct IsalEngine final : Decoder::Engine {
  IsalEngine() { reset(); }
  void reset() override {
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP;  // parse the header, check CRC-32 and ISIZE
  }
  Result<Step> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    state.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(in.data()));
    state.avail_in = clamp32(in.size());
    state.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    state.avail_out = clamp32(out.size());
    const std::uint32_t in_before = state.avail_in, out_before = state.avail_out;
    int r = isal_inflate(&state);
    if (r < 0 || r == ISAL_NEED_DICT) {
      return input_error("{}", isal_error(r));
    }
    return Step{in_before - state.avail_in, out_before - state.avail_out,
                state.block_state == ISAL_BLOCK_FINISH};
  }
  inflate_state state{};
};
#endif

struct ZlibEngine final : Decoder::Engine {
  ZlibEngine() { ok = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK; }
  ~ZlibEngine() override {
    if (ok) {
      inflateEnd(&z);
    }
  }
  void reset() override { inflateReset(&z); }
  Result<Step> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    if (!ok) {
      return make_error(ErrorCategory::internal, "zlib: inflateInit2 failed");
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    z.avail_in = clamp32(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = clamp32(out.size());
    const uInt in_before = z.avail_in, out_before = z.avail_out;
    int r = inflate(&z, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
      return input_error("{}", z.msg != nullptr ? z.msg : "zlib inflate error");
    }
    return Step{in_before - z.avail_in, out_before - z.avail_out, r == Z_STREAM_END};
  }
  z_stream z{};
  bool ok = false;
};

struct ZstdEngine final : Decoder::Engine {
  ZstdEngine() : ds(ZSTD_createDStream()) {}
  ~ZstdEngine() override { ZSTD_freeDStream(ds); }
  Result<Step> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    if (ds == nullptr) {
      return make_error(ErrorCategory::internal, "zstd: cannot create a decompression stream");
    }
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out.data(), out.size(), 0};
    std::size_t r = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(r) != 0) {
      return input_error("{}", ZSTD_getErrorName(r));
    }
    return Step{ib.pos, ob.pos, r == 0};
  }
  ZSTD_DStream* ds;
};

}  // namespace

bool have_isal() {
#ifdef STRATA_HAVE_ISAL
  return true;
#else
  return false;
#endif
}

std::string_view gzip_decoder_name(GzipDecoder which) {
  return which != GzipDecoder::zlib && have_isal() ? "isal" : "zlib";
}

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::gzip:
      return "gzip";
    case Codec::zstd:
      return "zstd";
    case Codec::none:
      break;
  }
  return "none";
}

Codec sniff_codec(std::span<const std::byte> head) {
  if (head.size() >= 2 && head[0] == k_gzip0 && head[1] == k_gzip1) {
    return Codec::gzip;
  }
  static constexpr std::byte k_zstd[] = {std::byte{0x28}, std::byte{0xb5}, std::byte{0x2f},
                                         std::byte{0xfd}};
  if (head.size() >= 4 && std::equal(std::begin(k_zstd), std::end(k_zstd), head.begin())) {
    return Codec::zstd;
  }
  // A zstd skippable frame (magic 0x184D2A50..5F, little-endian) may come first.
  if (head.size() >= 4 && (std::to_integer<unsigned>(head[0]) & 0xf0) == 0x50 &&
      head[1] == std::byte{0x2a} && head[2] == std::byte{0x4d} && head[3] == std::byte{0x18}) {
    return Codec::zstd;
  }
  return Codec::none;
}

Decoder::Decoder(InputStream& source, GzipDecoder gzip,
                 std::function<void(std::span<const std::byte>)> on_input, std::size_t buffer_size)
    : m_source(source),
      m_gzip(gzip),
      m_on_input(std::move(on_input)),
      m_in(buffer_size),
      m_out(buffer_size) {}

Decoder::~Decoder() = default;

Result<bool> Decoder::refill() {
  if (m_source_eof) {
    return false;
  }
  if (m_in_pos > 0) {
    std::memmove(m_in.data(), m_in.data() + m_in_pos, m_in_len - m_in_pos);
    m_in_len -= m_in_pos;
    m_in_pos = 0;
  }
  if (m_in_len == m_in.size()) {
    return true;  // full: the codec has to take some first
  }
  auto n = m_source.read(std::span(m_in).subspan(m_in_len));
  if (!n) {
    m_source_failed = true;
    return std::move(n).error();
  }
  if (*n == 0) {
    m_source_eof = true;
    return false;
  }
  if (m_on_input) {
    m_on_input(std::span<const std::byte>(m_in.data() + m_in_len, *n));
  }
  m_in_len += *n;
  m_input_bytes += *n;
  return true;
}

Status Decoder::detect() {
  m_detected = true;
  while (m_in_len - m_in_pos < 4) {
    TRY_ASSIGN(bool more, refill());
    if (!more) {
      break;
    }
  }
  m_codec = sniff_codec(std::span<const std::byte>(m_in.data() + m_in_pos, m_in_len - m_in_pos));
  switch (m_codec) {
    case Codec::gzip:
#ifdef STRATA_HAVE_ISAL
      if (m_gzip != GzipDecoder::zlib) {
        m_engine = std::make_unique<IsalEngine>();
        break;
      }
#endif
      m_engine = std::make_unique<ZlibEngine>();
      break;
    case Codec::zstd:
      m_engine = std::make_unique<ZstdEngine>();
      break;
    case Codec::none:
      m_out.clear();  // plain bytes are handed out from the input buffer
      m_out.shrink_to_fit();
      break;
  }
  return {};
}

Result<std::span<const std::byte>> Decoder::next() {
  if (m_done) {
    return std::span<const std::byte>();
  }
  if (!m_detected) {
    TRY(detect());
  }
  if (m_codec == Codec::none) {
    if (m_in_pos == m_in_len) {
      m_in_pos = m_in_len = 0;
      TRY_ASSIGN(bool more, refill());
      if (!more) {
        m_done = true;
        return std::span<const std::byte>();
      }
    }
    std::span<const std::byte> block(m_in.data() + m_in_pos, m_in_len - m_in_pos);
    m_in_pos = m_in_len;
    return block;
  }
  auto corrupt = [&](std::string_view why) {
    return input_error("{}: corrupt or truncated compressed stream: {}", m_source.name(), why);
  };
  std::size_t produced = 0;
  while (produced < m_out.size()) {
    if (m_in_pos == m_in_len && !m_source_eof) {
      TRY(refill());
    }
    std::span<const std::byte> in(m_in.data() + m_in_pos, m_in_len - m_in_pos);
    auto step = m_engine->step(in, std::span(m_out).subspan(produced));
    if (!step) {
      return corrupt(step.error().message);
    }
    m_in_pos += step->consumed;
    produced += step->produced;
    if (step->member_end) {
      // Another gzip member or zstd frame, or the end: look at the next two bytes.
      while (m_in_len - m_in_pos < 2) {
        TRY_ASSIGN(bool more, refill());
        if (!more) {
          break;
        }
      }
      const std::size_t left = m_in_len - m_in_pos;
      if (m_codec == Codec::gzip) {
        if (left >= 2 && m_in[m_in_pos] == k_gzip0 && m_in[m_in_pos + 1] == k_gzip1) {
          m_engine->reset();
          continue;
        }
        m_done = true;  // trailing bytes, if any, are not gzip: ignored (see the header)
        break;
      }
      if (left == 0) {
        m_done = true;
        break;
      }
      continue;  // zstd: the next frame (libzstd rejects what is not one)
    }
    if (step->consumed == 0 && step->produced == 0) {
      // Stalled: the codec needs more input than there is.
      if (m_in_pos == 0 && m_in_len == m_in.size()) {
        return corrupt("the decoder takes no input");  // cannot happen with output room left
      }
      TRY_ASSIGN(bool more, refill());
      if (!more) {
        return corrupt("unexpected end of stream");
      }
    }
  }
  return std::span<const std::byte>(m_out.data(), produced);
}

Status Decoder::rest_of_input() {
  m_in_pos = m_in_len = 0;
  for (;;) {
    TRY_ASSIGN(bool more, refill());
    if (!more) {
      return {};
    }
    m_in_pos = m_in_len = 0;
  }
}

Result<std::size_t> DecodingStream::read(std::span<std::byte> buffer) {
  if (m_pending.empty()) {
    TRY_ASSIGN(m_pending, m_decoder.next());
    if (m_pending.empty()) {
      return std::size_t{0};
    }
  }
  std::size_t n = std::min(buffer.size(), m_pending.size());
  std::memcpy(buffer.data(), m_pending.data(), n);
  m_pending = m_pending.subspan(n);
  return n;
}

}  // namespace strata::util
