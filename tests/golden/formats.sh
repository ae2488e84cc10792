#!/usr/bin/env bash
# Report formats (--format table|json|sarif|cyclonedx|spdx|junit|neuvector, FMT=PATH), on the two
# demo images and their databases with SOURCE_DATE_EPOCH set:
# - every format is byte-identical to its expected file in tests/golden/formats/ (and across two
#   runs); UPDATE_GOLDEN=1 rewrites the expected files instead (review the diff);
# - sarif, cyclonedx and spdx are valid against their official schemas (third_party/schemas,
#   Debian's python3-jsonschema), junit parses as XML and passes junit-10.xsd (xmllint);
# - one run writing every format with FMT=PATH gives the same bytes as the single-format runs,
#   and -o FILE the same bytes as stdout;
# - exit codes: an unknown format and the other --format misuses are usage errors (2, nothing
#   written); --fail-on exiting 1 still writes every report; an unwritable report file is 3 and
#   the other reports are written.
source "$(dirname "$0")/lib.bash"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"
schemas="$SOURCE_DIR/third_party/schemas"
validate="$SOURCE_DIR/tests/golden/validate_report.py"
expected="$SOURCE_DIR/tests/golden/formats"
db="$WORK/db"
if ! /usr/bin/python3 -c 'import jsonschema' 2> /dev/null || ! command -v xmllint > /dev/null; then
  echo "FAIL: python3-jsonschema and xmllint (libxml2-utils) are needed (scripts/install-deps.sh --test)" >&2
  exit 1
fi
export SOURCE_DATE_EPOCH=1700000000
[[ -n "${UPDATE_GOLDEN:-}" ]] && mkdir -p "$expected"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-alpine-v3.10/all.zip" \
  "$TESTDATA/demo/osv-ubuntu-18.04/all.zip"
# The images by a relative name: the reports name the target as given, the same on every machine.
cd "$TESTDATA/demo"
alpine=alpine-3.10.tar.gz
ubuntu=ubuntu-18.04.tar.gz
formats=(table json sarif cyclonedx spdx junit neuvector)

for image in alpine ubuntu; do
  img=${!image}
  for f in "${formats[@]}"; do
    expect_rc 0 "$STRATA" image --db-dir "$db" --format "$f" "$img"
    cp "$WORK/out" "$WORK/$image.$f.1"
    expect_rc 0 "$STRATA" image --db-dir "$db" --format "$f" "$img"
    expect_same "$image $f: second run" "$WORK/$image.$f.1" "$WORK/out"
    if [[ -n "${UPDATE_GOLDEN:-}" ]]; then
      cp "$WORK/$image.$f.1" "$expected/$image.$f"
    fi
    expect_same "$image $f: the expected file" "$expected/$image.$f" "$WORK/$image.$f.1"
  done
  # the time stamps are SOURCE_DATE_EPOCH's
  grep -q '"endTimeUtc": "2023-11-14T22:13:20Z"' "$WORK/$image.sarif.1" && pass \
    || fail "$image sarif time stamp"
  grep -q '"timestamp": "2023-11-14T22:13:20Z"' "$WORK/$image.cyclonedx.1" && pass \
    || fail "$image cyclonedx time stamp"
  grep -q '"created": "2023-11-14T22:13:20Z"' "$WORK/$image.spdx.1" && pass \
    || fail "$image spdx time stamp"
  grep -q 'timestamp="2023-11-14T22:13:20Z"' "$WORK/$image.junit.1" && pass \
    || fail "$image junit time stamp"
  for f in sarif cyclonedx spdx junit; do
    if /usr/bin/python3 "$validate" "$schemas" "$f" "$WORK/$image.$f.1" > "$WORK/valid" 2>&1; then
      pass
    else
      fail "$image $f is not schema-valid: $(head -c 600 "$WORK/valid")"
    fi
  done
  if xmllint --noout --schema "$schemas/junit-10.xsd" "$WORK/$image.junit.1" 2> "$WORK/valid"; then
    pass
  else
    fail "$image junit fails junit-10.xsd: $(head -c 600 "$WORK/valid")"
  fi
  # one run, every format to a file (and json to stdout): the same bytes as the single runs
  args=()
  for f in "${formats[@]}"; do args+=(--format "$f=$WORK/$image.multi.$f"); done
  expect_rc 0 "$STRATA" image --db-dir "$db" --format json "${args[@]}" "$img"
  expect_same "$image multi-format stdout" "$WORK/$image.json.1" "$WORK/out"
  for f in "${formats[@]}"; do
    expect_same "$image multi-format $f" "$WORK/$image.$f.1" "$WORK/$image.multi.$f"
  done
  # -o FILE: the same bytes as stdout
  for f in sarif junit; do
    expect_rc 0 "$STRATA" image --db-dir "$db" --format "$f" -o "$WORK/$image.o.$f" "$img"
    expect_same "$image -o $f" "$WORK/$image.$f.1" "$WORK/$image.o.$f"
  done
done

# the alpine image's packages name their licenses (apk L:): cyclonedx carries them
[[ $(jq '[.components[] | select(.type == "library" and (.licenses | length) == 1)] | length' \
  "$WORK/alpine.cyclonedx.1") == 14 ]] && pass || fail "cyclonedx: not 14 packages with a license"
jq -e '.components[] | select(.name == "musl") | .licenses == [{"license": {"name": "MIT"}}]' \
  "$WORK/alpine.cyclonedx.1" > /dev/null && pass || fail "cyclonedx: musl's license"
# the ubuntu image has findings: every document format carries them
n=$(jq '.vulnerabilities | length' "$WORK/ubuntu.json.1")
[[ $n -gt 50 ]] && pass || fail "only $n findings in the ubuntu image"
[[ $(jq '.runs[0].results | length' "$WORK/ubuntu.sarif.1") == "$n" ]] && pass \
  || fail "sarif results != $n findings"
[[ $(jq '.runs[0].tool.driver.rules | length' "$WORK/ubuntu.sarif.1") == \
  $(jq '[.vulnerabilities[].id] | unique | length' "$WORK/ubuntu.json.1") ]] && pass \
  || fail "sarif: not one rule per vulnerability id"
jq -e '[.runs[0].results[] | select(.level == "error" or .level == "warning" or .level == "note")]
       | length > 0' "$WORK/ubuntu.sarif.1" > /dev/null && pass || fail "sarif levels"
jq -e '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique
       == ["var/lib/dpkg/status"]' "$WORK/ubuntu.sarif.1" > /dev/null && pass \
  || fail "sarif: locations are not the dpkg database"
jq -e '[.vulnerabilities[].affects[].ref] | length > 0' "$WORK/ubuntu.cyclonedx.1" > /dev/null \
  && pass || fail "cyclonedx affects"
jq -e '. as $d | [.vulnerabilities[].affects[].ref] - [$d.components[]."bom-ref"] | length == 0' \
  "$WORK/ubuntu.cyclonedx.1" > /dev/null && pass || fail "cyclonedx: affects names unknown bom-refs"
jq -e '(.packages | length) == 2 + (input.packages | length)' "$WORK/ubuntu.spdx.1" \
  "$WORK/ubuntu.json.1" > /dev/null && pass || fail "spdx packages != image + os + packages"
jq -e '([.packages[] | select(.externalRefs[0].referenceType == "purl")] | length)
       == (input.packages | length)' "$WORK/ubuntu.spdx.1" "$WORK/ubuntu.json.1" > /dev/null \
  && pass || fail "spdx: not every package has its purl"
[[ $(grep -c '<testcase ' "$WORK/ubuntu.junit.1") == $(jq '.packages | length' "$WORK/ubuntu.json.1") ]] \
  && pass || fail "junit: not one testcase per package"
# without --fail-on, every package with a finding fails
[[ $(grep -c '<failure ' "$WORK/ubuntu.junit.1") == \
  $(jq '[.vulnerabilities[] | [.package, .installed_version]] | unique | length' "$WORK/ubuntu.json.1") ]] \
  && pass || fail "junit: not one failure per package with a finding"

# STRATA_FORMAT still picks the format
STRATA_FORMAT=sarif expect_rc 0 "$STRATA" image --db-dir "$db" "$alpine"
expect_same "STRATA_FORMAT=sarif" "$WORK/alpine.sarif.1" "$WORK/out"

# only FMT=PATH forms: nothing on stdout
expect_rc 0 "$STRATA" image --db-dir "$db" --format "spdx=$WORK/only.spdx" "$alpine"
[[ ! -s "$WORK/out" ]] && pass || fail "stdout not empty with only FMT=PATH"
expect_same "spdx=PATH alone" "$WORK/alpine.spdx.1" "$WORK/only.spdx"

# usage errors: exit 2, one error line, no report written
for bad in xml "sarif=" "json --format table" "SARIF"; do
  # shellcheck disable=SC2086 # "json --format table" is two flags
  expect_rc 2 "$STRATA" image --db-dir "$db" --format $bad "$alpine"
  [[ ! -s "$WORK/out" ]] && pass || fail "--format $bad: a report on stdout"
done
expect_rc 2 "$STRATA" image --db-dir "$db" --format "json=$WORK/same" --format "sarif=$WORK/same" "$alpine"
[[ ! -e "$WORK/same" ]] && pass || fail "a report was written despite the usage error"
expect_rc 2 "$STRATA" image --db-dir "$db" --format "sarif=$WORK/bad.sarif" --format xml=x "$alpine"
[[ ! -e "$WORK/bad.sarif" ]] && pass || fail "a report was written despite the unknown format"
STRATA_FORMAT=xml expect_rc 2 "$STRATA" image --db-dir "$db" "$alpine"

# --fail-on trips (exit 1) and every report is written all the same
expect_rc 1 "$STRATA" image --db-dir "$db" --fail-on medium -o "$WORK/fail.table" --format table \
  --format "sarif=$WORK/fail.sarif" --format "junit=$WORK/fail.junit" \
  --format "cyclonedx=$WORK/fail.cdx" --format "spdx=$WORK/fail.spdx" "$ubuntu"
expect_same "--fail-on sarif" "$WORK/ubuntu.sarif.1" "$WORK/fail.sarif"
expect_same "--fail-on cyclonedx" "$WORK/ubuntu.cyclonedx.1" "$WORK/fail.cdx"
expect_same "--fail-on spdx" "$WORK/ubuntu.spdx.1" "$WORK/fail.spdx"
expect_same "--fail-on table" "$WORK/ubuntu.table.1" "$WORK/fail.table"
expect_rc 1 "$STRATA" image --db-dir "$db" --fail-on low --format "json=$WORK/fail.json" "$ubuntu"
expect_same "--fail-on json=PATH" "$WORK/ubuntu.json.1" "$WORK/fail.json"
# junit with --fail-on: failures only for packages with a MEDIUM or higher finding
want=$(jq '[.vulnerabilities[] | select(.severity == "CRITICAL" or .severity == "HIGH"
            or .severity == "MEDIUM") | [.package, .installed_version]] | unique | length' \
  "$WORK/ubuntu.json.1")
got=$(grep -c '<failure ' "$WORK/fail.junit" || true)
[[ $want -gt 0 && $got == "$want" ]] && pass || fail "junit --fail-on medium: $got failures, want $want"
/usr/bin/python3 "$validate" "$schemas" junit "$WORK/fail.junit" > /dev/null && pass || fail "fail.junit"
xmllint --noout --schema "$schemas/junit-10.xsd" "$WORK/fail.junit" 2> /dev/null && pass \
  || fail "fail.junit fails junit-10.xsd"
# the alpine image has no finding at or above --fail-on critical: exit 0, junit without failures
expect_rc 0 "$STRATA" image --db-dir "$db" --fail-on critical --format "junit=$WORK/pass.junit" "$alpine"
grep -q '<failure ' "$WORK/pass.junit" && fail "junit failures under --fail-on critical" || pass

# a report file that cannot be written: exit 3, one error line, the other reports are written
expect_rc 3 "$STRATA" image --db-dir "$db" --format "sarif=$WORK/no/such/dir/x.sarif" \
  --format "spdx=$WORK/written.spdx" "$alpine"
expect_one_line_error "an unwritable report file"
expect_same "the other report" "$WORK/alpine.spdx.1" "$WORK/written.spdx"

finish
