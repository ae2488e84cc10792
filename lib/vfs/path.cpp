#include "vfs/vfs.hpp"

#include "util/strings.hpp"

namespace strata::vfs {

std::string normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  for (auto part : util::split(path, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

}  // namespace strata::vfs
