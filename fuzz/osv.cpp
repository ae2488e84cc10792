// OSV records (vulndb/osv_record.hpp), their ranges (vercmp/osv_range.hpp) and the database's
// encoding of them (vulndb/format.hpp):
//   '0' one record    '1' a document (one record or an array of them)
// Every record parsed is evaluated against the versions its events name, and its body and
// affected entries go through the database codec, which must give them back unchanged.
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "util/codec.hpp"
#include "vercmp/osv_range.hpp"
#include "vercmp/vercmp.hpp"
#include "vulndb/format.hpp"
#include "vulndb/osv_record.hpp"

namespace {

using namespace strata;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "osv codec: %s\n", what);
    __builtin_trap();
  }
}

void exercise(const vulndb::OsvRecord& rec) {
  std::size_t evaluations = 0;
  for (const auto& aff : rec.affected) {
    auto scheme = vercmp::scheme_for_ecosystem(aff.ecosystem);
    vercmp::RangeStats stats;
    std::vector<std::string> versions = {"0", "1.0"};
    for (const auto& range : aff.ranges) {
      for (const auto& event : range.events) {
        versions.push_back(event.version);
      }
    }
    for (const auto& v : versions) {
      if (++evaluations > 64) {  // a record with a million ranges: evaluated enough
        break;
      }
      (void)vercmp::evaluate(aff, scheme, v, &stats);
    }

    std::string bytes;
    vulndb::encode_affected(aff, bytes);
    util::codec::Reader r(bytes);
    vercmp::OsvAffected back;
    check(vulndb::decode_affected(r, back) && r.at_end(), "affected does not decode");
    check(back.ranges.size() == aff.ranges.size() && back.versions == aff.versions,
          "affected decodes to something else");
  }
  std::string body;
  vulndb::encode_body(rec, body);
  util::codec::Reader r(body);
  vulndb::Advisory a;
  check(vulndb::decode_body(r, a) && r.at_end(), "body does not decode");
  check(a.summary == rec.summary && a.details == rec.details && a.aliases == rec.aliases,
        "body decodes to something else");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [which, in] = fuzz::select(fuzz::bytes(data, size), 2);
  if (which == 0) {
    if (auto rec = vulndb::parse_osv_record(in); rec.ok()) {
      exercise(*rec);
    }
  } else if (auto recs = vulndb::parse_osv_document(in); recs.ok()) {
    for (const auto& rec : *recs) {
      exercise(rec);
    }
  }
  return 0;
}
