// Placeholder: replaced by the real OSV range evaluation (being written in parallel).
#include "vercmp/osv_range.hpp"

namespace strata::vercmp {

util::Result<AffectedVerdict> evaluate(const OsvAffected&, SchemeId, std::string_view,
                                       RangeStats*) {
  return util::Error{util::ErrorCategory::internal, "OSV range evaluation: not implemented yet"};
}

}  // namespace strata::vercmp
