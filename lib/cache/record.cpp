#include "cache/record.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zstd.h>

#include <cstring>

#include "util/hash.hpp"

namespace strata::cache {
namespace {

constexpr std::size_t k_mac_size = 32;
constexpr std::uint32_t k_flag_signed = 1;
constexpr int k_zstd_level = 3;

class Writer {
 public:
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    m_out.append(s);
  }
  void raw(std::string_view s) { m_out.append(s); }
  std::string& out() { return m_out; }

 private:
  void put(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      m_out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
  }
  std::string m_out;
};

// Bounds-checked reader: every read fails once the input is exhausted, so a truncated or
// corrupt record is an error, never an overrun.
class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool u32(std::uint32_t& v) {
    std::uint64_t x = 0;
    bool ok = get(x, 4);
    v = static_cast<std::uint32_t>(x);
    return ok;
  }
  bool u64(std::uint64_t& v) { return get(v, 8); }
  bool str(std::string& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > remaining()) {
      return false;
    }
    s.assign(m_data.substr(m_pos, n));
    m_pos += n;
    return true;
  }
  bool raw(std::size_t n, std::string_view& s) {
    if (n > remaining()) {
      return false;
    }
    s = m_data.substr(m_pos, n);
    m_pos += n;
    return true;
  }
  // A count of items, each at least `min_item` bytes: bounded by what is left.
  bool count(std::uint64_t& n, std::size_t min_item) {
    return u64(n) && n <= remaining() / min_item;
  }
  std::size_t pos() const { return m_pos; }
  std::size_t remaining() const { return m_data.size() - m_pos; }

 private:
  bool get(std::uint64_t& v, int bytes) {
    if (remaining() < static_cast<std::size_t>(bytes)) {
      return false;
    }
    v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_data[m_pos + i])) << (8 * i);
    }
    m_pos += bytes;
    return true;
  }
  std::string_view m_data;
  std::size_t m_pos = 0;
};

std::string hmac_sha256(const std::string& key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string encode_body(const layer::LayerAnalysis& a) {
  Writer w;
  w.str(a.diff_id);
  w.str(a.digest);
  w.u64(a.compressed_size);
  w.u64(a.uncompressed_size);
  w.u64(a.entries);
  w.u64(a.files.size());
  for (const auto& [path, file] : a.files) {
    w.str(path);
    w.u32(file.mode);
    w.str(file.content);
  }
  for (const auto* links : {&a.symlinks, &a.hardlinks}) {
    w.u64(links->size());
    for (const auto& [path, target] : *links) {
      w.str(path);
      w.str(target);
    }
  }
  for (const auto* list : {&a.dirs, &a.whiteouts, &a.opaque_dirs, &a.warnings}) {
    w.u64(list->size());
    for (const auto& s : *list) {
      w.str(s);
    }
  }
  return std::move(w.out());
}

bool decode_pairs(Reader& r, std::map<std::string, std::string>& out) {
  std::uint64_t n = 0;
  if (!r.count(n, 8)) {
    return false;
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string path, target;
    if (!r.str(path) || !r.str(target)) {
      return false;
    }
    out.emplace_hint(out.end(), std::move(path), std::move(target));
  }
  return true;
}

bool decode_list(Reader& r, std::vector<std::string>& out) {
  std::uint64_t n = 0;
  if (!r.count(n, 4)) {
    return false;
  }
  out.resize(n);
  for (auto& s : out) {
    if (!r.str(s)) {
      return false;
    }
  }
  return true;
}

bool decode_body(std::string_view body, layer::LayerAnalysis& a) {
  Reader r(body);
  std::uint64_t n = 0;
  if (!r.str(a.diff_id) || !r.str(a.digest) || !r.u64(a.compressed_size) ||
      !r.u64(a.uncompressed_size) || !r.u64(a.entries) || !r.count(n, 12)) {
    return false;
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string path;
    layer::LayerFile file;
    if (!r.str(path) || !r.u32(file.mode) || !r.str(file.content)) {
      return false;
    }
    a.files.emplace_hint(a.files.end(), std::move(path), std::move(file));
  }
  return decode_pairs(r, a.symlinks) && decode_pairs(r, a.hardlinks) && decode_list(r, a.dirs) &&
         decode_list(r, a.whiteouts) && decode_list(r, a.opaque_dirs) &&
         decode_list(r, a.warnings) && r.remaining() == 0;
}

}  // namespace

util::Result<std::string> encode_record(const layer::LayerAnalysis& analysis,
                                        std::string_view analyzer_version,
                                        const std::vector<std::string>& aliases,
                                        const std::optional<std::string>& hmac_key) {
  std::string body = encode_body(analysis);
  if (body.size() > k_max_body_size) {
    return util::make_error(util::ErrorCategory::internal,
                            "layer {}: analysis too large to cache ({} bytes)", analysis.diff_id,
                            body.size());
  }
  std::string payload(ZSTD_compressBound(body.size()), '\0');
  std::size_t n =
      ZSTD_compress(payload.data(), payload.size(), body.data(), body.size(), k_zstd_level);
  if (ZSTD_isError(n) != 0) {
    return util::make_error(util::ErrorCategory::internal, "zstd: {}", ZSTD_getErrorName(n));
  }
  payload.resize(n);

  Writer w;
  w.raw(k_record_magic);
  w.u32(k_record_format);
  w.u32(hmac_key ? k_flag_signed : 0);
  w.str(analyzer_version);
  w.str(analysis.diff_id);
  w.u32(static_cast<std::uint32_t>(aliases.size()));
  for (const auto& a : aliases) {
    w.str(a);
  }
  w.u64(body.size());
  w.u64(payload.size());
  w.raw(payload);
  w.u64(util::xxh3_64(w.out()));
  if (hmac_key) {
    w.raw(hmac_sha256(*hmac_key, w.out()));
  }
  return std::move(w.out());
}

util::Result<RecordHeader> verify_record(std::string_view record,
                                         const std::optional<std::string>& hmac_key) {
  Reader r(record);
  RecordHeader h;
  std::string_view magic;
  std::uint32_t flags = 0, n_aliases = 0;
  if (!r.raw(k_record_magic.size(), magic) || magic != k_record_magic) {
    return util::input_error("not a strata cache record");
  }
  if (!r.u32(h.format) || h.format != k_record_format) {
    return util::input_error("unknown record format");
  }
  if (!r.u32(flags) || !r.str(h.analyzer_version) || !r.str(h.key) || !r.u32(n_aliases) ||
      n_aliases > r.remaining() / 4) {
    return util::input_error("truncated record header");
  }
  h.aliases.resize(n_aliases);
  for (auto& a : h.aliases) {
    if (!r.str(a)) {
      return util::input_error("truncated record header");
    }
  }
  std::uint64_t payload_size = 0;
  std::string_view payload;
  if (!r.u64(h.body_size) || !r.u64(payload_size) || payload_size > r.remaining() ||
      !r.raw(payload_size, payload)) {
    return util::input_error("truncated record");
  }
  h.payload_offset = r.pos() - payload_size;
  h.payload_size = payload_size;
  const std::size_t checked = r.pos();
  std::uint64_t checksum = 0;
  if (!r.u64(checksum)) {
    return util::input_error("truncated record");
  }
  h.is_signed = (flags & k_flag_signed) != 0;
  if ((flags & ~k_flag_signed) != 0 || r.remaining() != (h.is_signed ? k_mac_size : 0)) {
    return util::input_error("bad record trailer");
  }
  if (checksum != util::xxh3_64(record.substr(0, checked))) {
    return util::input_error("record checksum mismatch");
  }
  if (hmac_key) {
    if (!h.is_signed) {
      return util::input_error("record is not signed");
    }
    std::string mac = hmac_sha256(*hmac_key, record.substr(0, r.pos()));
    if (CRYPTO_memcmp(mac.data(), record.data() + r.pos(), k_mac_size) != 0) {
      return util::input_error("record signature mismatch");
    }
  }
  if (h.body_size > k_max_body_size) {
    return util::input_error("record body too large");
  }
  return h;
}

util::Result<layer::LayerAnalysis> decode_record(std::string_view record,
                                                 const RecordHeader& header) {
  std::string_view payload = record.substr(header.payload_offset, header.payload_size);
  unsigned long long declared = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (declared != header.body_size) {
    return util::input_error("record payload size mismatch");
  }
  std::string body(header.body_size, '\0');
  std::size_t n = ZSTD_decompress(body.data(), body.size(), payload.data(), payload.size());
  if (ZSTD_isError(n) != 0 || n != body.size()) {
    return util::input_error("record payload does not decompress");
  }
  layer::LayerAnalysis analysis;
  if (!decode_body(body, analysis)) {
    return util::input_error("record body does not decode");
  }
  if (analysis.diff_id != header.key) {
    return util::input_error("record body is for another layer");
  }
  return analysis;
}

}  // namespace strata::cache
