#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/secret.hpp"

namespace strata::scan {

// The secret scanner, as the layer reader and the tree walk call it (the cli builds it from the
// rule set): `wants` decides from a path and a size, `scan` appends what a file's content holds
// (redacted), `rules_id` names the rule set (cached layer analyses made with other rules are
// read again).
struct SecretHooks {
  std::function<bool(std::string_view path, std::uint64_t size)> wants;
  std::function<void(std::string_view path, std::string_view content,
                     std::vector<model::Secret>& found)>
      scan;
  std::string rules_id;
};

}  // namespace strata::scan
