#include "fixtures.hpp"

#include <stdexcept>

namespace strata::secret::testing {

const Scanner& builtin_scanner() {
  static const Scanner k_scanner = [] {
    auto scanner = Scanner::create(builtin_rules());
    if (!scanner) {
      throw std::runtime_error(scanner.error().message);
    }
    return std::move(scanner).value();
  }();
  return k_scanner;
}

}  // namespace strata::secret::testing
