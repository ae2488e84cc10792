#pragma once
// go version scheme. The implementer extends this header with the parsed Version type,
// parse(), compare() and canonical(); compare_strings() and validate() are the dispatcher's
// contract (vercmp/vercmp.cpp) and keep these signatures.

#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::go {

// <0, 0, >0; an invalid side is an input error naming it: "invalid go version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::go
