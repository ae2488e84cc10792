#pragma once
// Tar entry names as they appear in image layers, turned into absolute normalised paths, and the
// OCI whiteout conventions.

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::layer {

// "./etc//x/" -> "/etc/x"; "./" -> "/". Errors (input): an absolute name ("/etc/x") and a name
// whose ".." components climb above the root ("../x", "a/../../x"). ".." that stays inside the
// root ("a/../b") is collapsed.
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
