// cargo-auditable's ".dep-v0" section (see rust.hpp).

#include <zlib.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "detect/lang/lock_json.hpp"
#include "detect/lang/rust.hpp"

namespace strata::detect::lang {

namespace {

// zlib-inflates `in`, producing at most `max` bytes.
util::Result<std::string> inflate_bounded(std::string_view in, std::size_t max) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    return util::input_error("zlib initialisation failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    std::size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max) {
      inflateEnd(&zs);
      return util::input_error("more than {} bytes once decompressed", max);
    }
    out.append(chunk, produced);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      break;  // input exhausted before the end of the stream
    }
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return util::input_error("not a complete zlib stream{}{}", zs.msg ? ": " : "",
                             zs.msg ? zs.msg : "");
  }
  return out;
}

}  // namespace

util::Result<std::optional<std::string>> read_cargo_auditable_json(const Executable& exe) {
  const ExeSection* section = exe.section(".dep-v0");
  if (section == nullptr) {
    return std::optional<std::string>();
  }
  std::string_view data = exe.data(*section);
  if (data.size() != section->file_size) {
    return util::input_error("the .dep-v0 section ({} bytes) is cut short at {} bytes",
                             section->file_size, data.size());
  }
  auto json = inflate_bounded(data, k_max_auditable_json);
  if (!json) {
    return std::move(json).error();
  }
  return std::optional<std::string>(std::move(*json));
}

util::Result<std::vector<model::Package>> cargo_auditable_packages(std::string_view json,
                                                                   std::string_view path,
                                                                   std::size_t& skipped) {
  if (json_nesting_depth(json, k_max_auditable_depth) > k_max_auditable_depth) {
    return util::input_error("JSON nested deeper than {}", k_max_auditable_depth);
  }
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return util::input_error("not JSON");
  }
  if (!doc.is_object() || !doc.contains("packages") || !doc["packages"].is_array()) {
    return util::input_error("no \"packages\" array");
  }
  std::vector<model::Package> out;
  for (const auto& p : doc["packages"]) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("version") ||
        !p["version"].is_string()) {
      ++skipped;
      continue;
    }
    if (p.contains("kind") && p["kind"].is_string() && p["kind"].get<std::string>() == "build") {
      continue;
    }
    out.push_back(
        cargo_package(p["name"].get<std::string>(), p["version"].get<std::string>(), path));
  }
  return out;
}

std::vector<model::Package> parse_cargo_auditable(std::string_view bytes, std::string_view path,
                                                  std::vector<std::string>& warnings) {
  auto exe = Executable::parse(bytes);
  if (!exe) {
    return {};
  }
  return parse_cargo_auditable(*exe, path, warnings);
}

std::vector<model::Package> parse_cargo_auditable(const Executable& exe, std::string_view path,
                                                  std::vector<std::string>& warnings) {
  auto json = read_cargo_auditable_json(exe);
  if (!json) {
    warnings.push_back(fmt::format("{}: cargo-auditable data: {}", path, json.error().message));
    return {};
  }
  if (!*json) {
    return {};
  }
  std::size_t skipped = 0;
  auto pkgs = cargo_auditable_packages(**json, path, skipped);
  if (!pkgs) {
    warnings.push_back(fmt::format("{}: cargo-auditable data: {}", path, pkgs.error().message));
    return {};
  }
  if (skipped > 0) {
    warnings.push_back(
        fmt::format("{}: cargo-auditable data: skipped {} package{} without a "
                    "name or version",
                    path, skipped, skipped == 1 ? "" : "s"));
  }
  return std::move(*pkgs);
}

}  // namespace strata::detect::lang
