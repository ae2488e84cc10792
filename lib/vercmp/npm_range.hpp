#pragma once
// npm range expressions, evaluated as node-semver's Range / satisfies() do.
//
// A range is comparator sets joined by "||"; a set is whitespace-separated comparators, all of
// which must hold. Sugar is desugared exactly as node-semver's classes/range.js:
//   "1.2.3 - 2.3"  -> >=1.2.3 <2.4.0-0        "^1.2.3" -> >=1.2.3 <2.0.0-0
//   "~1.2.3"       -> >=1.2.3 <1.3.0-0        "~>1.2"  -> >=1.2.0 <1.3.0-0
//   "1.x", "1.*", "1" -> >=1.0.0 <2.0.0-0     "*", "x", "" -> any version
// plus ">= 1.2" spacing, build metadata stripped from ranges, and in loose mode invalid
// comparators dropped. Prerelease rule: a version with a prerelease satisfies a set only if
// some comparator of that set has a prerelease on the same [major, minor, patch], unless
// include_prerelease is set.
//
// Parse once, test many: Range::test() does not allocate.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "vercmp/semver.hpp"

namespace strata::vercmp::npm_range {

// node-semver's options object; loose = true is the default here (npm advisories and
// package.json ranges are read loosely by npm).
struct Options {
  bool loose = true;
  bool include_prerelease = false;
};

struct Comparator {
  enum class Op : std::uint8_t { any, eq, lt, le, gt, ge };
  Op op = Op::any;
  semver::Version version;  // unused for Op::any
};

class Range {
 public:
  // Whether `version` satisfies some comparator set (with the prerelease rule above).
  bool test(const semver::Version& version) const;

  const Options& options() const { return m_options; }
  // The desugared comparator sets (node-semver's Range.set).
  const std::vector<std::vector<Comparator>>& sets() const { return m_sets; }
  // node-semver's Range.range: ">=1.2.3 <2.0.0-0||>=3.0.0".
  std::string str() const;

  // Internal: filled by parse_range().
  Options m_options;
  std::vector<std::vector<Comparator>> m_sets;
};

// Parses a range expression; an input error when node-semver's Range constructor would throw
// (no valid comparator set, an invalid comparator in strict mode, ...). Ranges longer than
// 1024 characters are rejected.
util::Result<Range> parse_range(std::string_view text, Options options = {});

// satisfies() with explicit options. Errors name the invalid side; node-semver answers false.
util::Result<bool> satisfies(std::string_view version, std::string_view range,
                             const Options& options);

}  // namespace strata::vercmp::npm_range
