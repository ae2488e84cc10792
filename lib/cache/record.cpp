#include "cache/record.hpp"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "util/codec.hpp"
#include "util/hash.hpp"

namespace strata::cache {
namespace {

constexpr std::size_t k_mac_size = 32;
constexpr std::uint32_t k_flag_signed = 1;
constexpr int k_zstd_level = 3;

std::string hmac_sha256(const std::string& key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// The Package fields a record carries, in order (layer is the record's own diff_id).
template <typename P>
auto package_fields(P& p) {
  return std::array{&p.name,        &p.version,          &p.type,   &p.ecosystem,
                    &p.source_name, &p.source_version,   &p.arch,   &p.purl,
                    &p.location,    &p.modularity_label, &p.license};
}

// The body grammar (all integers little-endian, strings with a u32 length):
//   body  = diff_id digest compressed_size:u64 uncompressed_size:u64 entries:u64
//           files:u64 { path mode:u32 content } symlinks hardlinks dirs whiteouts opaque warnings
//           extracted:u64 { path packages:u64 { name version type ecosystem source_name
//                                                source_version arch purl location
//                                                modularity_label license } }
//           setid:u64 { path mode:u32 owner } entry_hashes:u64 { u64 } secret_rules
//           secrets:u64 { rule_id category severity title path match line:u32 deleted:u32 }
//   links = count:u64 { path target }      lists = count:u64 { string }
std::string encode_body(const layer::LayerAnalysis& a) {
  std::string out;
  util::codec::Writer w(out);
  w.str32(a.diff_id);
  w.str32(a.digest);
  w.u64le(a.compressed_size);
  w.u64le(a.uncompressed_size);
  w.u64le(a.entries);
  w.u64le(a.files.size());
  for (const auto& [path, file] : a.files) {
    w.str32(path);
    w.u32le(file.mode);
    w.str32(file.content);
  }
  for (const auto* links : {&a.symlinks, &a.hardlinks}) {
    w.u64le(links->size());
    for (const auto& [path, target] : *links) {
      w.str32(path);
      w.str32(target);
    }
  }
  for (const auto* list : {&a.dirs, &a.whiteouts, &a.opaque_dirs, &a.warnings}) {
    w.u64le(list->size());
    for (const auto& s : *list) {
      w.str32(s);
    }
  }
  w.u64le(a.extracted.size());
  for (const auto& [path, packages] : a.extracted) {
    w.str32(path);
    w.u64le(packages.size());
    for (const auto& p : packages) {
      for (const std::string* field : package_fields(p)) {
        w.str32(*field);
      }
    }
  }
  w.u64le(a.setid.size());
  for (const auto& f : a.setid) {
    w.str32(f.path);
    w.u32le(f.mode);
    w.str32(f.owner);
  }
  w.u64le(a.entry_hashes.size());
  for (std::uint64_t h : a.entry_hashes) {
    w.u64le(h);
  }
  w.str32(a.secret_rules);
  w.u64le(a.secrets.size());
  for (const auto& s : a.secrets) {
    for (const std::string* field :
         {&s.rule_id, &s.category, &s.severity, &s.title, &s.path, &s.match}) {
      w.str32(*field);
    }
    w.u32le(s.line);
    w.u32le(s.deleted ? 1 : 0);
  }
  return out;
}

void decode_pairs(util::codec::Reader& r, std::map<std::string, std::string>& out) {
  const std::uint64_t n = r.count64(8);
  for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::string path(r.str32());
    out.emplace_hint(out.end(), std::move(path), std::string(r.str32()));
  }
}

void decode_list(util::codec::Reader& r, std::vector<std::string>& out) {
  out.resize(r.count64(4));
  for (auto& s : out) {
    s = r.str32();
  }
}

bool decode_body(std::string_view body, layer::LayerAnalysis& a) {
  util::codec::Reader r(body);
  a.diff_id = r.str32();
  a.digest = r.str32();
  a.compressed_size = r.u64le();
  a.uncompressed_size = r.u64le();
  a.entries = r.u64le();
  const std::uint64_t n = r.count64(12);
  for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::string path(r.str32());
    layer::LayerFile file;
    file.mode = r.u32le();
    file.content = r.str32();
    a.files.emplace_hint(a.files.end(), std::move(path), std::move(file));
  }
  decode_pairs(r, a.symlinks);
  decode_pairs(r, a.hardlinks);
  for (auto* list : {&a.dirs, &a.whiteouts, &a.opaque_dirs, &a.warnings}) {
    decode_list(r, *list);
  }
  const std::uint64_t n_extracted = r.count64(12);
  for (std::uint64_t i = 0; i < n_extracted && !r.failed(); ++i) {
    std::string path(r.str32());
    std::vector<model::Package> packages(r.count64(40));
    for (auto& p : packages) {
      for (std::string* field : package_fields(p)) {
        *field = r.str32();
      }
    }
    a.extracted.emplace_hint(a.extracted.end(), std::move(path), std::move(packages));
  }
  a.setid.resize(r.count64(12));
  for (auto& f : a.setid) {
    f.path = r.str32();
    f.mode = r.u32le();
    f.owner = r.str32();
  }
  a.entry_hashes.resize(r.count64(8));
  for (auto& h : a.entry_hashes) {
    h = r.u64le();
  }
  a.secret_rules = r.str32();
  a.secrets.resize(r.count64(32));
  for (auto& s : a.secrets) {
    for (std::string* field : {&s.rule_id, &s.category, &s.severity, &s.title, &s.path, &s.match}) {
      *field = r.str32();
    }
    s.line = r.u32le();
    s.deleted = r.u32le() != 0;
  }
  return !r.failed() && r.remaining() == 0;
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

  std::string out;
  util::codec::Writer w(out);
  w.raw(k_record_magic);
  w.u32le(k_record_format);
  w.u32le(hmac_key ? k_flag_signed : 0);
  w.str32(analyzer_version);
  w.str32(analysis.diff_id);
  w.u32le(static_cast<std::uint32_t>(aliases.size()));
  for (const auto& a : aliases) {
    w.str32(a);
  }
  w.u64le(body.size());
  w.u64le(payload.size());
  w.raw(payload);
  w.u64le(util::xxh3_64(out));
  if (hmac_key) {
    w.raw(hmac_sha256(*hmac_key, out));
  }
  return out;
}

util::Result<RecordHeader> verify_record(std::string_view record,
                                         const std::optional<std::string>& hmac_key) {
  util::codec::Reader r(record);
  RecordHeader h;
  if (r.raw(k_record_magic.size()) != k_record_magic) {
    return util::input_error("not a strata cache record");
  }
  h.format = r.u32le();
  if (r.failed() || h.format != k_record_format) {
    return util::input_error("unknown record format");
  }
  const std::uint32_t flags = r.u32le();
  h.analyzer_version = r.str32();
  h.key = r.str32();
  h.aliases.resize(r.count32(4));
  for (auto& a : h.aliases) {
    a = r.str32();
  }
  if (r.failed()) {
    return util::input_error("truncated record header");
  }
  h.body_size = r.u64le();
  const std::uint64_t payload_size = r.u64le();
  r.raw(payload_size);
  if (r.failed()) {
    return util::input_error("truncated record");
  }
  h.payload_offset = r.pos() - payload_size;
  h.payload_size = payload_size;
  const std::size_t checked = r.pos();
  const std::uint64_t checksum = r.u64le();
  if (r.failed()) {
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
  // Decompressed in steps, the body growing with what the frame really holds: a frame of a few
  // bytes may declare a 1 GiB body, which must not be allocated first (seen while writing
  // fuzz/cache.cpp; testdata/fuzz/regressions/cache/).
  std::unique_ptr<ZSTD_DStream, std::size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(),
                                                                       ZSTD_freeDStream);
  if (!stream) {
    return util::make_error(util::ErrorCategory::internal, "zstd: out of memory");
  }
  constexpr std::size_t k_step = 1u << 20;
  std::string body;
  ZSTD_inBuffer in{payload.data(), payload.size(), 0};
  for (;;) {
    const std::size_t old = body.size();
    // Room for one byte more than declared, so that a frame holding more shows it.
    body.resize(old + std::min<std::uint64_t>(header.body_size + 1 - old, k_step));
    ZSTD_outBuffer out{body.data() + old, body.size() - old, 0};
    const std::size_t left_in_frame = ZSTD_decompressStream(stream.get(), &out, &in);
    body.resize(old + out.pos);
    if (ZSTD_isError(left_in_frame) != 0 || body.size() > header.body_size) {
      return util::input_error("record payload does not decompress");
    }
    if (left_in_frame == 0) {
      break;
    }
    if (out.pos == 0 && in.pos == in.size) {
      return util::input_error("record payload does not decompress");  // cut short
    }
  }
  if (in.pos != in.size || body.size() != header.body_size) {
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
