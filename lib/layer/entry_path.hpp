#pragma once
// Tar entry names as they appear in image layers, turned into absolute normalised paths, and the
// OCI whiteout conventions.

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::layer {

// "./etc//x/" -> "/etc/x"; "./" -> "/". As Docker unpacks a layer (Go's filepath.Clean, then
// joined under the root): an absolute name is joined under the root ("/etc/x" -> "/etc/x") and
// its ".." at the root stays at the root ("/../etc" -> "/etc"); ".." that stays inside the root
// ("a/../b") is collapsed. Error (input): a relative name whose ".." components climb above the
// root ("../x", "a/../../x"), which Docker rejects as a breakout.
util::Result<std::string> normalize_entry_path(std::string_view name);

enum class WhiteoutKind { none, file, opaque, other_meta };

struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::none;
  std::string target;  // file: the deleted path; opaque: the directory made opaque
};

// Classifies a normalised path by its last component: ".wh..wh..opq" -> opaque(parent),
// ".wh..wh.<anything else>" -> other_meta (aufs bookkeeping, ignored), ".wh.NAME" ->
// file(parent/NAME), otherwise none.
Whiteout classify_whiteout(std::string_view normalized_path);

}  // namespace strata::layer
