#pragma once
// PEP 440 versions (PyPI), with the ordering and normalisation of pypa/packaging's `Version`.
//
// Accepted spelling (case-insensitive, ASCII only, surrounding whitespace ignored):
//   [v] [N!] N(.N)* [[-_.]? (a|alpha|b|beta|c|rc|pre|preview) [-_.]? [N]]
//        [-N | [-_.]? (post|rev|r) [-_.]? [N]] [[-_.]? dev [-_.]? [N]] [+local]
//   local = [a-z0-9]+ ([-_.][a-z0-9]+)*
// Numbers may be arbitrarily long (as Python ints). Ordering: epoch, release (trailing zeros
// ignored), pre (a < b < rc; a dev-only release sorts before every pre-release of it), post,
// dev, local (absent < present; numeric local parts > alphanumeric ones).
//
// Parse once, compare many: compare() never allocates.
//
// Versions outside that grammar ("0.1-bulbasaur", "1.0-foo", "2004d") exist on PyPI. They are
// not errors here: like packaging 21.3's `parse()` (which fell back to `LegacyVersion`), the
// scheme orders them before every valid version, and among themselves by packaging 21.3's
// `_legacy_cmpkey` (setuptools' pre-PEP 440 scheme; see LegacyVersion). Only an empty string and
// one longer than 4096 bytes are invalid.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::pep440 {

// A non-negative integer of any length. Values up to 19 digits live in `small`; longer ones
// (leading zeros stripped) are digits [offset, offset+length) in the owning Version's `m_text`.
struct Number {
  std::uint64_t small = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;  // 0: the value is `small`
};

enum class PreKind : std::uint8_t { none, a, b, rc };

// One dot-separated part of the local version label ("ubuntu.1" -> "ubuntu", 1).
struct LocalPart {
  bool numeric = false;
  Number number;             // when numeric
  std::uint32_t offset = 0;  // when alphanumeric: lower-cased text in Version::m_text
  std::uint32_t length = 0;
};

class Version {
 public:
  Number epoch;
  std::vector<Number> release;  // as written, trailing zeros kept (they print in canonical())
  std::size_t release_significant = 0;  // release.size() without trailing zeros
  PreKind pre_kind = PreKind::none;
  Number pre;
  bool has_post = false;
  Number post;
  bool has_dev = false;
  Number dev;
  std::vector<LocalPart> local;  // empty: no local label

  std::string_view text(std::uint32_t offset, std::uint32_t length) const {
    return std::string_view(m_text).substr(offset, length);
  }

  // Internal storage for long numbers and local labels; use text() to read it.
  std::string m_text;
};

// Parses `text` as a valid PEP 440 version; an input error says what is wrong (a legacy version
// is an error here: use parse_any). Never throws on bad input.
util::Result<Version> parse(std::string_view text);

// packaging 21.3's LegacyVersion: the `parts` of its _legacy_cmpkey. The text (ASCII lower-cased)
// is split into runs of digits, runs of a-z, '.', '-' and the runs of anything else between
// them; '.' is dropped; pre/preview/rc become "c", dev "@", '-' "final-"; digit runs are
// zero-padded to 8 ("00000001"), every other part gets a '*' prefix; "*final" ends the list.
// Before appending a '*' part, "*final-" parts are popped when it sorts before "*final" (a
// pre-release tag), then trailing "00000000" parts. Keys compare as tuples of strings (code
// point order, a prefix first), so "1.10" > "1.9" but a 9-digit run compares as text against an
// 8-digit one, exactly as in packaging.
// Not reproduced: Python lower-cases and reads digits beyond ASCII (`str.lower`, `\d`); here
// non-ASCII bytes are kept and never digits. Such versions do not occur in practice.
struct LegacyVersion {
  std::vector<std::string> parts;
};
LegacyVersion parse_legacy(std::string_view text);
// <0, 0, >0 between two legacy keys.
int compare_legacy(const LegacyVersion& left, const LegacyVersion& right);

// A version as packaging 21.3's `parse()` reads it: valid, or else legacy.
struct AnyVersion {
  bool legacy = false;
  Version version;             // when !legacy
  LegacyVersion legacy_parts;  // when legacy
};
// Errors only for an empty text or one longer than 4096 bytes.
util::Result<AnyVersion> parse_any(std::string_view text);
// Every legacy version sorts before every valid one (packaging's epoch -1).
int compare_any(const AnyVersion& left, const AnyVersion& right);

// <0, 0, >0 with packaging's ordering (1.0 == 1.0.0, 1.0.dev0 < 1.0a1 < 1.0 < 1.0.post0, ...).
int compare(const Version& left, const Version& right);

// packaging's normalized str(): "1!2.0rc1.post3.dev4+ubuntu.1", "1.0.0a1" for "1.0.0.A.1".
std::string canonical(const Version& version);

// <0, 0, >0 under parse_any (legacy versions included); an invalid side (empty, too long) is an
// input error naming it: "invalid pep440 version '' (left): empty".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when parse_any accepts `version` (a legacy version is ok); the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::pep440
