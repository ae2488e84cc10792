#include "layer/entry_path.hpp"

#include <vector>

#include "util/strings.hpp"

namespace strata::layer {

util::Result<std::string> normalize_entry_path(std::string_view name) {
  const bool absolute = !name.empty() && name.front() == '/';
  std::vector<std::string_view> stack;
  for (auto part : util::split(name, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (stack.empty()) {
        if (absolute) {
          continue;  // Clean("/..") is "/"
        }
        return util::input_error("path '{}' escapes the layer root", util::printable(name, 256));
      }
      stack.pop_back();
      continue;
    }
    stack.push_back(part);
  }
  std::string out;
  for (auto part : stack) {
    out += '/';
    out += part;
  }
  return out.empty() ? std::string("/") : out;
}

Whiteout classify_whiteout(std::string_view path) {
  constexpr std::string_view k_prefix = ".wh.";
  constexpr std::string_view k_meta = ".wh..wh.";
  constexpr std::string_view k_opaque = ".wh..wh..opq";
  auto slash = path.rfind('/');
  std::string_view parent =
      slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base.substr(0, k_prefix.size()) != k_prefix) {
    return {};
  }
  std::string parent_path = parent.empty() ? std::string("/") : std::string(parent);
  if (base == k_opaque) {
    return {WhiteoutKind::opaque, parent_path};
  }
  if (base.substr(0, k_meta.size()) == k_meta) {
    return {WhiteoutKind::other_meta, {}};
  }
  if (base.size() == k_prefix.size()) {
    return {WhiteoutKind::other_meta, {}};
  }
  std::string target = std::string(parent) + "/" + std::string(base.substr(k_prefix.size()));
  return {WhiteoutKind::file, target};
}

}  // namespace strata::layer
