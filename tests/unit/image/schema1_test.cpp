#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "image/schema1.hpp"

using namespace strata;

namespace {

std::string b64url(std::string_view in) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    nbits += 8;
    while (nbits >= 6) {
      out += k_alphabet[(bits >> (nbits - 6)) & 63];
      nbits -= 6;
    }
  }
  if (nbits > 0) {
    out += k_alphabet[(bits << (6 - nbits)) & 63];
  }
  return out;
}

const std::string k_a = "sha256:" + std::string(64, 'a');
const std::string k_b = "sha256:" + std::string(64, 'b');
const std::string k_empty =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

// An unsigned schema 1 payload: fsLayers top-first (a throwaway empty layer on top, then b, a).
std::string payload() {
  nlohmann::json doc = {
      {"schemaVersion", 1},
      {"name", "strata/alpine"},
      {"tag", "v1"},
      {"architecture", "amd64"},
      {"fsLayers", {{{"blobSum", k_empty}}, {{"blobSum", k_b}}, {{"blobSum", k_a}}}},
      {"history",
       {{{"v1Compatibility",
          R"({"id":"3","parent":"2","architecture":"arm64","variant":"v8","os":"linux","throwaway":true,"container_config":{"Cmd":["/bin/sh","-c","#(nop) CMD [\"sh\"]"]}})"}},
        {{"v1Compatibility",
          R"({"id":"2","parent":"1","container_config":{"Cmd":["/bin/sh","-c","apk add curl"]}})"}},
        {{"v1Compatibility", R"({"id":"1","container_config":{"Cmd":["ADD rootfs /"]}})"}}}}};
  return doc.dump(3);
}

// Signs `p` the way libtrust lays it out: the payload up to its closing "\n}", the signatures
// member, then the tail; formatLength / formatTail in the protected header.
std::string sign(const std::string& p, const std::string& tail_override = {}) {
  auto cut = p.rfind("\n}");
  REQUIRE(cut != std::string::npos);
  std::string tail = tail_override.empty() ? p.substr(cut) : tail_override;
  std::string prot =
      b64url(fmt::format(R"({{"formatLength":{},"formatTail":"{}","time":"2026-01-01T00:00:00Z"}})",
                         cut, b64url(tail)));
  return p.substr(0, cut) +
         ",\n   \"signatures\": [{\"header\": {\"alg\": \"ES256\"}, \"signature\": \"c2ln\", "
         "\"protected\": \"" +
         prot + "\"}]" + p.substr(cut);
}

}  // namespace

TEST_CASE("schema 1: layers bottom-up, throwaway flags, created_by and platform") {
  auto m = image::parse_schema1_manifest(payload());
  REQUIRE(m);
  CHECK(m->name == "strata/alpine");
  CHECK(m->platform.str() == "linux/arm64/v8");
  REQUIRE(m->layers.size() == 3);
  CHECK(m->layers[0].digest == k_a);
  CHECK(m->layers[0].created_by == "ADD rootfs /");
  CHECK(m->layers[1].digest == k_b);
  CHECK(m->layers[1].created_by == "/bin/sh -c apk add curl");
  CHECK(m->layers[2].throwaway);
  auto applied = m->applied_layers();
  REQUIRE(applied.size() == 2);
  CHECK(applied[0].digest == k_a);
  CHECK(applied[1].digest == k_b);
  auto config = m->synthesized_config();
  CHECK(config.diff_ids.empty());
  CHECK(config.layer_created_by() ==
        std::vector<std::string>{"ADD rootfs /", "/bin/sh -c apk add curl"});
}

TEST_CASE("schema 1: the payload of a signed manifest is the document without signatures") {
  std::string p = payload();
  std::string signed_doc = sign(p);
  CHECK(image::sniff_media_type(signed_doc) == image::k_docker_manifest_v1_signed);
  CHECK(image::sniff_media_type(p) == image::k_docker_manifest_v1);
  auto got = image::schema1_payload(signed_doc);
  REQUIRE(got);
  CHECK(*got == p);
  // unsigned: the document itself
  auto same = image::schema1_payload(p);
  REQUIRE(same);
  CHECK(*same == p);
}

TEST_CASE("schema 1: malformed documents are one-line input errors") {
  std::string p = payload();
  auto check_error = [](const auto& r, std::string_view want) {
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(std::string(want)));
    CHECK(r.error().message.find('\n') == std::string::npos);
  };
  check_error(image::parse_schema1_manifest("{\"schemaVersion\": 1, "), "malformed JSON");
  check_error(image::schema1_payload("{\"schemaVersion\": 1, "), "malformed JSON");
  check_error(image::parse_schema1_manifest(R"({"schemaVersion":2,"fsLayers":[],"history":[]})"),
              "schemaVersion is not 1");

  auto doc = nlohmann::json::parse(p);
  doc["history"].erase(0);
  check_error(image::parse_schema1_manifest(doc.dump()), "3 fsLayers but 2 history entries");

  doc = nlohmann::json::parse(p);
  doc["history"][1]["v1Compatibility"] = "{not json";
  check_error(image::parse_schema1_manifest(doc.dump()), "history[1].v1Compatibility");

  doc = nlohmann::json::parse(p);
  doc["fsLayers"][0]["blobSum"] = "md5:abc";
  check_error(image::parse_schema1_manifest(doc.dump()), "invalid blobSum");

  doc = nlohmann::json::parse(p);
  doc.erase("history");
  check_error(image::parse_schema1_manifest(doc.dump()), "no fsLayers or history");

  // a protected header whose formatLength runs past the document
  std::string bad = sign(p);
  auto pos = bad.find("\"protected\": \"") + 14;
  bad.replace(pos, bad.find('"', pos) - pos,
              b64url(R"({"formatLength":99999999,"formatTail":"fQ"})"));
  check_error(image::schema1_payload(bad), "formatLength");
  // two signatures that cover different payloads
  auto two = nlohmann::json::parse(sign(p));
  auto extra = two["signatures"][0];
  extra["protected"] = b64url(R"({"formatLength":10,"formatTail":"fQ"})");
  two["signatures"].push_back(extra);
  check_error(image::schema1_payload(two.dump(3)), "different payloads");
  check_error(image::schema1_payload(R"({"schemaVersion":1,"signatures":[{"protected":"@@"}]})"),
              "protected header is malformed");
}
