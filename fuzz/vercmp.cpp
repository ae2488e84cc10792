// Every version scheme (vercmp/vercmp.hpp) and npm ranges (vercmp/npm_range.hpp). The first
// byte picks the scheme ('0' dpkg '1' rpm '2' apk '3' pep440 '4' semver '5' go '6' maven
// '7' rubygems '8' nuget '9' composer ':' exact) or ';' an npm range; the rest is two versions
// (or a version and a range) separated by '\n'. Where both versions are valid the comparison
// must be an order: compare(a, a) == 0 and compare(b, a) == -compare(a, b) in sign.
#include <cstdio>

#include "common.hpp"
#include "vercmp/npm_range.hpp"
#include "vercmp/vercmp.hpp"

namespace {

int sign(int v) {
  return (v > 0) - (v < 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::vercmp;
  constexpr unsigned k_schemes = static_cast<unsigned>(SchemeId::exact) + 1;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), k_schemes + 1);
  auto [left, right] = strata::fuzz::split2(in);
  if (which == k_schemes) {
    (void)npm_range::parse_range(right);
    (void)npm_range::satisfies(left, right, npm_range::Options{});
    (void)npm_range::satisfies(left, right, {.loose = false, .include_prerelease = true});
    return 0;
  }
  const auto scheme = static_cast<SchemeId>(which);
  (void)validate(scheme, left);
  (void)validate(scheme, right);
  auto ab = compare(scheme, left, right);
  auto ba = compare(scheme, right, left);
  if (ab.ok() != ba.ok() || (ab.ok() && sign(*ab) != -sign(*ba))) {
    std::fprintf(stderr, "%s: compare('%.*s', '%.*s') = %d but the reverse = %d\n",
                 scheme_name(scheme), static_cast<int>(left.size()), left.data(),
                 static_cast<int>(right.size()), right.data(), ab.ok() ? *ab : 99,
                 ba.ok() ? *ba : 99);
    __builtin_trap();
  }
  if (auto aa = compare(scheme, left, left); aa.ok() && *aa != 0) {
    std::fprintf(stderr, "%s: '%.*s' is not equal to itself\n", scheme_name(scheme),
                 static_cast<int>(left.size()), left.data());
    __builtin_trap();
  }
  return 0;
}
