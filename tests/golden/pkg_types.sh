#!/usr/bin/env bash
# --pkg-types (os, library, both) and the table's sections: an image of an Alpine 3.10 layer (an
# apk database) and a layer with a Python package (a METADATA under site-packages),
# matched against the demo Alpine records and the real PyPI records. Each selection reports only
# its packages and their findings (JSON and table), --fail-on sees only them, STRATA_PKG_TYPES
# works as the flag does, the same selection applies to strata rootfs, and an unknown value is a
# usage error (exit 2).
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"

# --- the image: an Alpine 3.10 layer (apk database), then a Python package ----------------------
# Versions below the fixes of the demo records (testdata/demo/osv-alpine-v3.10): musl
# ALPINE-CVE-2019-14697, openssl CVE-2019-1547/1549/1563, busybox CVE-2019-5747.
alpine_layer "$WORK/l1" musl:1.1.22-r2:musl libcrypto1.1:1.1.1c-r0:openssl \
  busybox:1.30.1-r1:busybox zlib:1.2.11-r1:zlib
urllib3_layer "$WORK/l2"
metadata=/usr/lib/python3.7/site-packages/urllib3-1.26.4.dist-info/METADATA
for n in 1 2; do
  layer_tar "$WORK/l$n" "$WORK/l$n.tar"
done
python3 "$support/layers-to-docker-archive.py" "$WORK/img.tar" strata/pkg-types:1 \
  "$WORK/l1.tar" "$WORK/l2.tar"
mkdir -p "$WORK/root"
tar -C "$WORK/root" -xf "$WORK/l1.tar"
tar -C "$WORK/root" -xf "$WORK/l2.tar"

db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-alpine-v3.10/all.zip" \
  "$TESTDATA/osv-match/pypi"

types() { jq -r '[.packages[].type] | unique | join(",")' "$1"; }
ecosystems() { jq -r '[.vulnerabilities[].ecosystem] | unique | join(",")' "$1"; }
count() { jq "[.vulnerabilities[] | select(.ecosystem == \"$2\")] | length" "$1"; }

# --- both (the default) ------------------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/both.json"
[[ $(types "$WORK/both.json") == "apk,python" ]] && pass || fail "default types: $(types "$WORK/both.json")"
n_os=$(count "$WORK/both.json" Alpine:v3.10)
n_lib=$(count "$WORK/both.json" PyPI)
[[ $n_os -gt 0 && $n_lib -gt 0 ]] && pass || fail "default: $n_os Alpine and $n_lib PyPI findings"
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --pkg-types os,library --format json "$WORK/img.tar"
jq -S 'del(.layers)' "$WORK/out" > "$WORK/got"
jq -S 'del(.layers)' "$WORK/both.json" > "$WORK/want"
expect_same "--pkg-types os,library is the default" "$WORK/want" "$WORK/got"

# --- os ----------------------------------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --pkg-types os --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/os.json"
[[ $(types "$WORK/os.json") == "apk" ]] && pass || fail "os types: $(types "$WORK/os.json")"
[[ $(ecosystems "$WORK/os.json") == "Alpine:v3.10" ]] && pass || fail "os findings: $(ecosystems "$WORK/os.json")"
[[ $(count "$WORK/os.json" Alpine:v3.10) == "$n_os" ]] && pass || fail "os: not every Alpine finding"
jq -e '[.warnings[] | select(test("PyPI"))] == []' "$WORK/os.json" > /dev/null \
  && pass || fail "os: warnings about PyPI: $(jq -c .warnings "$WORK/os.json")"

# --- library -----------------------------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --pkg-types library --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/lib.json"
[[ $(types "$WORK/lib.json") == "python" ]] && pass || fail "library types: $(types "$WORK/lib.json")"
[[ $(ecosystems "$WORK/lib.json") == "PyPI" ]] && pass || fail "library findings: $(ecosystems "$WORK/lib.json")"
[[ $(count "$WORK/lib.json" PyPI) == "$n_lib" ]] && pass || fail "library: not every PyPI finding"
jq -e '.target.os.family == "alpine" and .warnings == []' "$WORK/lib.json" > /dev/null \
  && pass || fail "library: $(jq -c '[.target.os, .warnings]' "$WORK/lib.json")"
STRATA_PKG_TYPES=library expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --format json "$WORK/img.tar"
jq -S 'del(.layers)' "$WORK/out" > "$WORK/got"
jq -S 'del(.layers)' "$WORK/lib.json" > "$WORK/want"
expect_same "STRATA_PKG_TYPES=library" "$WORK/want" "$WORK/got"
# --fail-on sees only the selected packages: a level that one selection's findings reach and the
# other's do not (the Alpine records carry no severity: UNKNOWN; urllib3 has a HIGH one)
max_level() {
  jq -r '[.vulnerabilities[].severity | {"UNKNOWN":0,"LOW":1,"MEDIUM":2,"HIGH":3,"CRITICAL":4}[.]]
         | max' "$1"
}
lib_max=$(max_level "$WORK/lib.json")
os_max=$(max_level "$WORK/os.json")
if [[ $os_max != "$lib_max" ]]; then
  top=$((os_max > lib_max ? os_max : lib_max))
  level=$(jq -rn --argjson n "$top" '["UNKNOWN","LOW","MEDIUM","HIGH","CRITICAL"][$n]')
  fail_on() { "$STRATA" image --no-cache --db-dir "$db" --fail-on "$level" --format json "$@" "$WORK/img.tar"; }
  expect_rc 1 fail_on
  expect_rc $((os_max > lib_max ? 1 : 0)) fail_on --pkg-types os
  expect_rc $((lib_max > os_max ? 1 : 0)) fail_on --pkg-types library
else
  fail "the data changed: OS and PyPI findings have the same highest severity ($os_max)"
fi

# --- the table: one section per target, each with its total, and the report's total last -----
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --format table "$WORK/img.tar"
cp "$WORK/out" "$WORK/both.txt"
grep -qx 'alpine 3.10.2 (apk)' "$WORK/both.txt" && pass || fail "no OS section: $(head -5 "$WORK/both.txt")"
grep -qx "$metadata (python)" "$WORK/both.txt" && pass || fail "no METADATA section"
# section titles in order: the OS first
awk 'prev != "" && /^=+$/ { print prev } { prev = $0 }' "$WORK/both.txt" > "$WORK/got"
printf 'alpine 3.10.2 (apk)\n%s (python)\n' "$metadata" > "$WORK/want"
expect_same "table sections" "$WORK/want" "$WORK/got"
# each section's Total follows its underline; the sections add up to the last line
awk '/^=+$/ { getline; print }' "$WORK/both.txt" | sed -E 's/^Total: ([0-9]+) .*/\1/' > "$WORK/got"
printf '%s\n%s\n' "$n_os" "$n_lib" > "$WORK/want"
expect_same "section totals" "$WORK/want" "$WORK/got"
tail -1 "$WORK/both.txt" | grep -q "^Total: $((n_os + n_lib)) (CRITICAL: " \
  && pass || fail "last line: $(tail -1 "$WORK/both.txt")"
[[ $(grep -c "^PACKAGE " "$WORK/both.txt") == 2 ]] && pass || fail "two column headers"
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --pkg-types os --format table "$WORK/img.tar"
grep -q "METADATA" "$WORK/out" && fail "os table lists the METADATA" || pass
tail -1 "$WORK/out" | grep -q "^Total: $n_os " && pass || fail "os table total: $(tail -1 "$WORK/out")"
expect_rc 0 "$STRATA" image --no-cache --db-dir "$db" --pkg-types library --format table "$WORK/img.tar"
grep -q "(apk)$" "$WORK/out" && fail "library table has an OS section" || pass
head -1 "$WORK/out" | grep -q "(alpine 3.10.2), 1 package$" && pass || fail "library header: $(head -1 "$WORK/out")"
tail -1 "$WORK/out" | grep -q "^Total: $n_lib " && pass || fail "library table total: $(tail -1 "$WORK/out")"

# --- strata rootfs: the same selection --------------------------------------------------------
expect_rc 0 "$STRATA" rootfs --packages-only --pkg-types library --format json "$WORK/root"
[[ $(types "$WORK/out") == "python" ]] && pass || fail "rootfs library: $(types "$WORK/out")"
expect_rc 0 "$STRATA" rootfs --packages-only --pkg-types os --format json "$WORK/root"
[[ $(types "$WORK/out") == "apk" ]] && pass || fail "rootfs os: $(types "$WORK/out")"
expect_rc 0 "$STRATA" rootfs --db-dir "$db" --format json "$WORK/root"
[[ $(types "$WORK/out") == "apk,python" && $(count "$WORK/out" PyPI) == "$n_lib" ]] \
  && pass || fail "rootfs both: $(types "$WORK/out")"

# --- usage errors ------------------------------------------------------------------------------
for bad in lib os,lang "" os, ; do
  expect_rc 2 "$STRATA" image --no-cache --db-dir "$db" --pkg-types "$bad" "$WORK/img.tar"
  expect_one_line_error "--pkg-types '$bad'"
done
STRATA_PKG_TYPES=apps expect_rc 2 "$STRATA" image --no-cache --db-dir "$db" "$WORK/img.tar"
grep -q -- "--pkg-types: 'apps'" "$WORK/err" && pass || fail "STRATA_PKG_TYPES=apps: $(cat "$WORK/err")"
expect_rc 2 "$STRATA" rootfs --packages-only --pkg-types none "$WORK/root"
expect_rc 2 "$STRATA" host --packages-only --pkg-types none --root "$WORK/root"

finish
