#!/usr/bin/env bash
# The demo: import the demo databases, scan the demo images, check real findings (hand-checked
# against the records), the report formats and the --fail-on exit codes.
source "$(dirname "$0")/lib.bash"
db="$WORK/db"
ubuntu="$TESTDATA/demo/ubuntu-18.04.tar.gz"
alpine="$TESTDATA/demo/alpine-3.10.tar.gz"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip" \
  "$TESTDATA/demo/osv-alpine-v3.10/all.zip"

expect_rc 0 "$STRATA" image --db-dir "$db" --format json "$ubuntu"
r="$WORK/report.json"
cp "$WORK/out" "$r"
jq -e '.schema_version == 1' "$r" > /dev/null && pass || fail "schema_version"
jq -e '.target.os.ecosystem == "Ubuntu:18.04:LTS" and .target.kind == "docker-archive"' "$r" > /dev/null \
  && pass || fail "target: $(jq -c .target "$r")"
jq -r '.packages[] | [.name, .version] | @tsv' "$r" | sort > "$WORK/got.tsv"
tail -n +2 "$TESTDATA/demo/ubuntu-18.04.expected.tsv" | sort > "$WORK/want.tsv"
expect_same "ubuntu packages" "$WORK/want.tsv" "$WORK/got.tsv"
# every finding, pinned (74, as the README shows): package, id, versions and status
jq -r '.vulnerabilities[] | [.package, .id, .installed_version, .fixed_version, .status] | @tsv' "$r" \
  | LC_ALL=C sort > "$WORK/findings.tsv"
tail -n +2 "$TESTDATA/demo/ubuntu-18.04.findings.tsv" > "$WORK/findings.want.tsv"
expect_same "ubuntu findings" "$WORK/findings.want.tsv" "$WORK/findings.tsv"
[[ $(wc -l < "$WORK/findings.want.tsv") -eq 74 ]] && pass || fail "the pinned list is not 74 findings"
# hand-checked: gnutls28 CVE-2018-10844 fixed in 3.5.18-1ubuntu1.1 (installed 3.5.18-1ubuntu1),
# matched through the source package for the binary libgnutls30
jq -e '[.vulnerabilities[] | select(.package == "libgnutls30" and .id == "CVE-2018-10844"
        and .fixed_version == "3.5.18-1ubuntu1.1" and .status == "fixed")] | length == 1' "$r" > /dev/null \
  && pass || fail "libgnutls30 CVE-2018-10844 missing"
# hand-checked: systemd CVE-2018-20839 is unfixed for bionic (status affected, empty fix)
jq -e '[.vulnerabilities[] | select(.package == "libsystemd0" and .id == "CVE-2018-20839"
        and .fixed_version == "" and .status == "affected")] | length == 1' "$r" > /dev/null \
  && pass || fail "libsystemd0 CVE-2018-20839 missing"
# every finding refers to an installed package at the installed version, with a layer
bad=$(jq '[.vulnerabilities[] as $v | select([.packages[] | select(.name == $v.package and .version == $v.installed_version)] | length == 0)] | length' "$r")
[[ $bad == 0 ]] && pass || fail "$bad findings do not match an installed package"
jq -e '[.vulnerabilities[] | select(.layer == "" or .severity == null)] | length == 0' "$r" > /dev/null \
  && pass || fail "findings without layer or severity"
jq -e '.summary.total == (.vulnerabilities | length)' "$r" > /dev/null && pass || fail "summary total"
jq -e '.warnings | length == 0' "$r" > /dev/null && pass || fail "unexpected warnings: $(jq -c .warnings "$r")"

# --ignore-unfixed drops exactly the findings without a fix
expect_rc 0 "$STRATA" image --db-dir "$db" --format json --ignore-unfixed "$ubuntu"
want=$(jq '[.vulnerabilities[] | select(.fixed_version != "")] | length' "$r")
got=$(jq '.vulnerabilities | length' "$WORK/out")
[[ $want == "$got" ]] && pass || fail "--ignore-unfixed kept $got, want $want"

# table output
expect_rc 0 "$STRATA" image --db-dir "$db" --format table "$ubuntu"
grep -q '^Total: ' "$WORK/out" && pass || fail "table has no summary line"
grep -q 'VULNERABILITY' "$WORK/out" && pass || fail "table has no header"
grep -q 'CVE-2018-10844' "$WORK/out" && pass || fail "table misses a finding"

# --fail-on: medium trips (there are MEDIUM findings), critical does not; -o still written
expect_rc 1 "$STRATA" image --db-dir "$db" --fail-on medium -o "$WORK/r2.json" --format json "$ubuntu"
jq -e '.vulnerabilities | length > 0' "$WORK/r2.json" > /dev/null && pass || fail "-o report missing"
[[ ! -s "$WORK/out" ]] && pass || fail "stdout not empty with -o"
expect_rc 0 "$STRATA" image --db-dir "$db" --fail-on critical --format json "$ubuntu"
STRATA_FAIL_ON=low expect_rc 1 "$STRATA" image --db-dir "$db" --format json "$ubuntu"

# The Alpine 3.10.9 image is newer than every fix in the (2020) Alpine records: zero findings,
# and no "no data" warning because the database does hold Alpine:v3.10.
expect_rc 0 "$STRATA" image --db-dir "$db" --format json "$alpine"
jq -e '.target.os.ecosystem == "Alpine:v3.10" and (.vulnerabilities | length == 0) and (.warnings | length == 0)' \
  "$WORK/out" > /dev/null && pass || fail "alpine demo: $(jq -c '[.target.os, .warnings]' "$WORK/out")"

# a database without data for the image's OS: loud warning, never a silent clean result
expect_rc 0 "$STRATA" db import --db-dir "$WORK/db2" "$TESTDATA/demo/osv-alpine-v3.10/all.zip"
expect_rc 0 "$STRATA" image --db-dir "$WORK/db2" --format json "$ubuntu"
jq -e '[.warnings[] | select(test("Ubuntu:18.04:LTS"))] | length > 0' "$WORK/out" > /dev/null \
  && pass || fail "no warning for an OS without data"
grep -q 'warning: .*Ubuntu:18.04:LTS' "$WORK/err" && pass || fail "no-data warning not on stderr"
expect_rc 0 "$STRATA" image --db-dir "$WORK/db2" --format table "$ubuntu"
grep -q 'Ubuntu:18.04:LTS' "$WORK/out" && pass || fail "no-data warning not in the table"

# missing database: exit 3, one line
expect_rc 3 "$STRATA" image --db-dir "$WORK/nope" "$ubuntu"
expect_one_line_error "missing database"
finish
