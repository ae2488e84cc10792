#!/usr/bin/env bash
# Golden test for `strata vercmp`: output and exit code for every scheme, invalid input, an
# unknown scheme, and --batch mode. Needs $STRATA (the binary).
set -euo pipefail

: "${STRATA:?STRATA must point at the strata binary}"
failures=0

# expect EXPECTED_STDOUT EXPECTED_EXIT ARGS...
expect() {
  local want_out=$1 want_rc=$2
  shift 2
  local out rc=0
  out=$("$STRATA" vercmp "$@" 2>/tmp/strata-vercmp-golden.$$) || rc=$?
  if [[ "$out" != "$want_out" || "$rc" != "$want_rc" ]]; then
    echo "FAIL: strata vercmp $*: got '$out' (exit $rc), want '$want_out' (exit $want_rc)" >&2
    failures=$((failures + 1))
  fi
}

# expect_error EXIT STDERR_SUBSTRING ARGS...: nothing on stdout, one line on stderr naming the problem.
expect_error() {
  local want_rc=$1 want_err=$2
  shift 2
  local out err rc=0
  out=$("$STRATA" vercmp "$@" 2>/tmp/strata-vercmp-golden.$$) || rc=$?
  err=$(cat /tmp/strata-vercmp-golden.$$)
  if [[ -n "$out" || "$rc" != "$want_rc" || "$err" != *"$want_err"* || $(printf '%s\n' "$err" | wc -l) -ne 1 ]]; then
    echo "FAIL: strata vercmp $*: got stdout '$out', stderr '$err' (exit $rc); want exit $want_rc and '$want_err'" >&2
    failures=$((failures + 1))
  fi
}
trap 'rm -f /tmp/strata-vercmp-golden.$$' EXIT

# One ordering fact per scheme, and its reverse.
expect '<' 0 dpkg 1.0~rc1-1 1.0-1
expect '>' 0 dpkg 1:0.9 2.0
expect '=' 0 dpkg 0:1.0 1.0
expect '<' 0 rpm 1.0~rc1 1.0
expect '>' 0 rpm 1:1.0-1.el9 2.0-1.el9
expect '<' 0 apk 1.2.3_rc1 1.2.3
expect '>' 0 apk 1.2.3-r1 1.2.3
# rpm orders every string but the empty one, apk every string with an initial number.
expect '<' 0 rpm a:1.0 1.0
expect '=' 0 rpm 1::2 1:2
expect '<' 0 rpm 1.0 1.0-1
expect '<' 0 rpm 1.0- 1.0-0
expect '=' 0 apk 1.7.4p6-r1 1.7.4p7-r1
expect '>' 0 apk 1.7.4p6-r1 1.7.4-r1
expect '<' 0 apk 1-r 1
expect '=' 0 pep440 1.0.0a1 1.0.0.a.1
expect '<' 0 pep440 1.0.dev1 1.0a1
expect '<' 0 semver 1.0.0-alpha 1.0.0
expect '>' 0 semver 1.0.0-beta.11 1.0.0-beta.2
expect '<' 0 go v1.2.3 v1.10.0
expect '=' 0 maven 1.0.0 1
expect '<' 0 maven 1.0-RC1 1.0
expect '<' 0 maven 1.0-SNAPSHOT 1.0
expect '>' 0 maven 1.0-sp1 1.0
expect '=' 0 maven 1-cr1 1-RC1
# pep440 orders versions outside PEP 440 as packaging 21.3's LegacyVersion: below every valid one.
expect '>' 0 pep440 1.0 'not a version'
expect '<' 0 pep440 1.0-foo 0.1
expect '>' 0 pep440 1.10-foo 1.9-foo
# SemVer numbers of any length.
expect '<' 0 semver 1234567890123456789012345.0.0 1234567890123456789012346.0.0
expect '<' 0 rubygems 1.0.a 1.0
expect '>' 0 rubygems 3.10 3.2
expect '=' 0 nuget 1.0.0-BETA 1.0.0-beta+build
expect '<' 0 nuget 1.0.0-beta 1.0.0
expect '<' 0 composer 1.0-dev 1.0-alpha1
expect '<' 0 composer 1.0 1.0-pl1
expect '=' 0 composer v1.2.3 1.2.3
expect '=' 0 exact abc abc
expect 'in' 0 npm-range 1.4.2 '^1.2.0'
expect 'out' 0 npm-range 2.0.0 '^1.2.0'
expect 'out' 0 npm-range 1.3.0-beta '^1.2.0'

# Invalid input: exit 2, one line on stderr naming the side.
expect_error 2 "(left)" dpkg 'a:1.0' 1.0
expect_error 2 "invalid pep440 version '' (right): empty" pep440 1.0 ''
expect_error 2 "(right)" nuget 1.0 1.0-01
expect_error 2 "(left)" maven '' 1
expect_error 2 "invalid rpm version '' (right): empty" rpm 1.0 ''
expect_error 2 "invalid apk version '' (left): empty" apk '' 1.0
expect_error 2 "invalid apk version 'v1.0' (right): does not start with a number" apk 1.0 v1.0
expect_error 2 "unknown version scheme 'foo'" foo 1 2
expect_error 2 "expected SCHEME A B" maven 1

# Batch mode: one answer per input line, 'invalid' for bad lines, no trailing newline needed.
got=$(printf '1.0\t1.0.0\n1.0-RC1\t1.0\n2.0\t1.10\nno-tab-here\n1.0\t\n1.0.1\t1.0' | "$STRATA" vercmp maven --batch)
want=$'=\n<\n>\ninvalid\ninvalid\n>'
if [[ "$got" != "$want" ]]; then
  echo "FAIL: maven --batch: got $(printf '%q' "$got"), want $(printf '%q' "$want")" >&2
  failures=$((failures + 1))
fi
got=$(printf '1.4.2\t^1.2.0\r\n0.9.0\t^1.2.0\r\nx\t^1\r\n' | "$STRATA" vercmp npm-range --batch)
want=$'in\nout\ninvalid'
if [[ "$got" != "$want" ]]; then
  echo "FAIL: npm-range --batch: got $(printf '%q' "$got"), want $(printf '%q' "$want")" >&2
  failures=$((failures + 1))
fi
# A large batch: line count in equals line count out.
n=$(awk 'BEGIN { for (i = 0; i < 200000; i++) printf "1.%d-1\t1.%d-1\n", i, i % 7 }' | "$STRATA" vercmp dpkg --batch | wc -l)
if [[ "$n" -ne 200000 ]]; then
  echo "FAIL: dpkg --batch of 200000 lines printed $n lines" >&2
  failures=$((failures + 1))
fi
expect_error 2 "unknown version scheme" nope --batch </dev/null

if [[ $failures -ne 0 ]]; then
  echo "$failures vercmp golden check(s) failed" >&2
  exit 1
fi
echo "vercmp golden: all checks passed"
