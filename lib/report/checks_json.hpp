#pragma once
// JSON shapes shared by the strata and NeuVector writers (internal to lib/report).

#include <nlohmann/json.hpp>

#include "model/types.hpp"

namespace strata::report::detail {

// A CIS image item in NeuVector's RESTBenchItem shape (the strata report uses it as is).
inline nlohmann::ordered_json check_json(const model::Check& c) {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  for (const auto& m : c.message) {
    messages.push_back(m);
  }
  return nlohmann::ordered_json{{"test_number", c.test_number},
                                {"category", c.category},
                                {"type", c.type},
                                {"profile", c.profile},
                                {"scored", c.scored},
                                {"automated", c.automated},
                                {"description", c.description},
                                {"remediation", c.remediation},
                                {"level", c.level},
                                {"evidence", c.evidence},
                                {"location", c.location},
                                {"message", std::move(messages)},
                                {"tags", nlohmann::ordered_json::array()}};
}

}  // namespace strata::report::detail
