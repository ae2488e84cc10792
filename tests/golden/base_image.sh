#!/usr/bin/env bash
# --base-image: an image of an Alpine 3.10 layer (apk database) and a layer with a Python package,
# built on a base image of that Alpine layer alone. The packages and findings of the shared
# bottom layer are in_base_image: true, the others false, in the JSON report and the NeuVector
# envelope; without --base-image the field is absent (never guessed). The base is found as the
# scanned image is (a docker archive, an OCI layout, STRATA_BASE_IMAGE); a base whose bottom
# layer differs marks nothing and says so; a base that shares part of its layers marks those and
# says so; a base that cannot be read is an input error (exit 3). --hide-base leaves the base
# image's findings out of the table, and only there.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"

# --- the layers --------------------------------------------------------------------------------
# Alpine 3.10 packages below the fixes of the demo records (testdata/demo/osv-alpine-v3.10), and
# urllib3 1.26.4, below the fixes of the PyPI records (testdata/osv-match/pypi).
alpine_layer "$WORK/l1" musl:1.1.22-r2:musl libcrypto1.1:1.1.1c-r0:openssl \
  busybox:1.30.1-r1:busybox
urllib3_layer "$WORK/l2"
mkdir -p "$WORK/lx/etc"
echo other > "$WORK/lx/etc/motd"
for n in 1 2 x; do
  layer_tar "$WORK/l$n" "$WORK/l$n.tar"
done
archive() { python3 "$support/layers-to-docker-archive.py" "$@"; }
archive "$WORK/img.tar" strata/app:1 "$WORK/l1.tar" "$WORK/l2.tar"
archive "$WORK/base.tar" strata/base:1 "$WORK/l1.tar"
archive "$WORK/other.tar" strata/other:1 "$WORK/lx.tar" "$WORK/l1.tar"
archive "$WORK/newer.tar" strata/base:2 "$WORK/l1.tar" "$WORK/lx.tar"
skopeo copy -q docker-archive:"$WORK/base.tar" oci:"$WORK/base-oci":1 > /dev/null

db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-alpine-v3.10/all.zip" \
  "$TESTDATA/osv-match/pypi"
scan() { "$STRATA" image --no-cache --db-dir "$db" "$@"; }

# --- no base image: the field is absent ---------------------------------------------------------
expect_rc 0 scan --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/plain.json"
jq -e '[.packages[], .vulnerabilities[] | has("in_base_image")] | any | not' "$WORK/plain.json" \
  > /dev/null && pass || fail "in_base_image written without --base-image"
n_os=$(jq '[.vulnerabilities[] | select(.ecosystem == "Alpine:v3.10")] | length' "$WORK/plain.json")
n_py=$(jq '[.vulnerabilities[] | select(.ecosystem == "PyPI")] | length' "$WORK/plain.json")
[[ $n_os -gt 0 && $n_py -gt 0 ]] && pass || fail "fixture: $n_os Alpine and $n_py PyPI findings"

# marked: every package and finding of the Alpine layer, none of the Python one
check_marked() {
  local file=$1 what=$2
  jq -e '[.packages[] | select(.type == "apk") | .in_base_image] | length > 0 and all' "$file" \
    > /dev/null && pass || fail "$what: apk packages not all in_base_image"
  jq -e '[.packages[] | select(.type == "python") | .in_base_image == false] | length > 0 and all' \
    "$file" > /dev/null && pass || fail "$what: python package in_base_image"
  jq -e '[.vulnerabilities[] | .in_base_image == (.ecosystem == "Alpine:v3.10")] | all' "$file" \
    > /dev/null && pass || fail "$what: findings marked $(jq -c '[.vulnerabilities[] | [.id, .in_base_image]]' "$file")"
  # nothing else changes (but the warnings about the base, checked by the callers)
  jq -S 'del(.layers, .warnings) | del(.packages[].in_base_image, .vulnerabilities[].in_base_image)' \
    "$file" > "$WORK/got"
  jq -S 'del(.layers, .warnings)' "$WORK/plain.json" > "$WORK/want"
  expect_same "$what: the report apart from in_base_image" "$WORK/want" "$WORK/got"
}

# --- a docker archive base, an OCI layout base, STRATA_BASE_IMAGE ------------------------------
expect_rc 0 scan --format json --base-image "$WORK/base.tar" "$WORK/img.tar"
cp "$WORK/out" "$WORK/based.json"
check_marked "$WORK/based.json" "docker-archive base"
jq -e '.warnings == []' "$WORK/based.json" > /dev/null \
  && pass || fail "warnings: $(jq -c .warnings "$WORK/based.json")"
expect_rc 0 scan --format json --base-image "$WORK/base-oci" "$WORK/img.tar"
check_marked "$WORK/out" "OCI layout base"
STRATA_BASE_IMAGE="$WORK/base.tar" expect_rc 0 scan --format json "$WORK/img.tar"
check_marked "$WORK/out" "STRATA_BASE_IMAGE"

# --- the NeuVector envelope ----------------------------------------------------------------------
expect_rc 0 scan --format neuvector --base-image "$WORK/base.tar" "$WORK/img.tar"
jq -e '[.report.vulnerabilities[] | .in_base_image == (.package_name | test("urllib3") | not)]
       | length > 0 and all' "$WORK/out" > /dev/null \
  && pass || fail "neuvector: $(jq -c '[.report.vulnerabilities[] | [.name, .package_name, .in_base_image]]' "$WORK/out")"
expect_rc 0 scan --format neuvector "$WORK/img.tar"
jq -e '[.report.vulnerabilities[].in_base_image] | all | not' "$WORK/out" > /dev/null \
  && pass || fail "neuvector without a base marks findings"

# --- bases that are not (all) under the image ---------------------------------------------------
expect_rc 0 scan --format json --base-image "$WORK/other.tar" "$WORK/img.tar"
jq -e '[.packages[], .vulnerabilities[] | .in_base_image == false] | all' "$WORK/out" > /dev/null \
  && pass || fail "a base with another bottom layer marks packages"
jq -e '[.warnings[] | select(test("shares no layers"))] | length == 1' "$WORK/out" > /dev/null \
  && pass || fail "no-shared-layer warning: $(jq -c .warnings "$WORK/out")"
expect_rc 0 scan --format json --base-image "$WORK/newer.tar" "$WORK/img.tar"
check_marked "$WORK/out" "a base that shares its bottom layer only"
jq -e '[.warnings[] | select(test("shares only 1 of"))] | length == 1' "$WORK/out" > /dev/null \
  && pass || fail "partial-base warning: $(jq -c .warnings "$WORK/out")"

# --- a base that cannot be read -----------------------------------------------------------------
printf 'not a tar' > "$WORK/broken.tar"
expect_rc 3 scan --format json --base-image "$WORK/broken.tar" "$WORK/img.tar"
expect_one_line_error "an unreadable base image"
grep -q 'base image' "$WORK/err" && pass || fail "the error does not name the base image: $(cat "$WORK/err")"

# --- --hide-base: the table only ------------------------------------------------------------------
expect_rc 0 scan --format table --base-image "$WORK/base.tar" "$WORK/img.tar"
cp "$WORK/out" "$WORK/table-all"
expect_rc 0 scan --format table --base-image "$WORK/base.tar" --hide-base "$WORK/img.tar"
cp "$WORK/out" "$WORK/table-hidden"
grep -q 'urllib3' "$WORK/table-hidden" && pass || fail "--hide-base hid the image's own finding"
grep -Eq '^(musl|libcrypto1.1|busybox) ' "$WORK/table-all" && pass || fail "table without --hide-base lacks the base's findings"
! grep -Eq '^(musl|libcrypto1.1|busybox) ' "$WORK/table-hidden" \
  && pass || fail "--hide-base shows the base's findings: $(cat "$WORK/table-hidden")"
grep -q "^$n_os findings of the base image not shown (--hide-base)" "$WORK/table-hidden" \
  && pass || fail "--hide-base does not count what it hid: $(cat "$WORK/table-hidden")"
expect_rc 0 scan --format json --base-image "$WORK/base.tar" --hide-base "$WORK/img.tar"
expect_same "--hide-base leaves the JSON report alone" <(jq -S 'del(.layers)' "$WORK/based.json") \
  <(jq -S 'del(.layers)' "$WORK/out")
# --fail-on still sees the base image's findings: hiding is for reading, not for the gate
expect_rc 1 scan --format table --base-image "$WORK/base.tar" --hide-base --fail-on unknown \
  "$WORK/img.tar"
expect_rc 2 scan --format table --hide-base "$WORK/img.tar"
expect_one_line_error "--hide-base without --base-image"

finish
