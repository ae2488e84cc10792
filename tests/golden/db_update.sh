#!/usr/bin/env bash
# `strata db update` against real HTTP servers on 127.0.0.1 (tests/support/osv_server.py) serving
# real OSV records packed into per-ecosystem zips; `strata db export` / `db import BUNDLE`; the
# scan-side --db-max-age / --fail-on-stale-db / --fail-on-unsupported flags.
source "$(dirname "$0")/lib.bash"
: "${SOURCE_DIR:?}"
source "$(dirname "$0")/../support/servers.bash"
require_tools "cannot test db update" python3 || exit 1
cleanup() {
  support_stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

# The exports: Alpine and Ubuntu from the demo zips, PyPI packed here from testdata/osv/pypi.
srv="$WORK/srv"
mkdir -p "$srv/Alpine" "$srv/Ubuntu" "$srv/PyPI"
cp "$TESTDATA/demo/osv-alpine-v3.10/all.zip" "$srv/Alpine/all.zip"
cp "$TESTDATA/demo/osv-ubuntu-18.04/all.zip" "$srv/Ubuntu/all.zip"
python3 - "$TESTDATA/osv/pypi" "$srv/PyPI/all.zip" << 'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[1])):
        if name.endswith(".json"):
            z.write(os.path.join(sys.argv[1], name), name)
PY

# start_server NAME MODE ROOT: sets $url_NAME
start_server() {
  local name=$1 mode=$2 root=$3
  start_port_file_server "server $name" "$WORK/$name.port" "$WORK/$name.err" \
    python3 "$SOURCE_DIR/tests/support/osv_server.py" --root "$root" --mode "$mode" \
    --port-file "$WORK/$name.port" --log "$WORK/$name.log" || exit 1
  touch "$WORK/$name.log"
  printf -v "url_$name" 'http://127.0.0.1:%s' "$server_port"
}
start_server good ok "$srv"
start_server flaky fail "$srv"
start_server cut cut "$srv"

ecos="Alpine,Ubuntu,PyPI"
db="$WORK/db"
unset STRATA_DB_SOURCE STRATA_DB_DIR

# The oracle: the same zips through `db import`.
expect_rc 0 "$STRATA" db import --db-dir "$WORK/ref" "$srv/Alpine/all.zip" "$srv/Ubuntu/all.zip" \
  "$srv/PyPI/all.zip"
"$STRATA" db info --db-dir "$WORK/ref" --format json | jq -c '[.record_count, .ecosystems]' > "$WORK/want"

# 1. First update: every export downloaded, the database holds what an import of the zips holds.
expect_rc 0 "$STRATA" db update --db-dir "$db" --source "$url_good" --ecosystems "$ecos"
grep -q "3 exports downloaded" "$WORK/err" && pass || fail "first update summary: $(cat "$WORK/err")"
"$STRATA" db info --db-dir "$db" --format json > "$WORK/info1.json"
jq -c '[.record_count, .ecosystems]' "$WORK/info1.json" > "$WORK/got"
expect_same "update vs import" "$WORK/want" "$WORK/got"
jq -e '[.exports[] | select(.etag != "" and .last_modified != "" and (.sha256 | length) == 64)]
       | length == 3' "$WORK/info1.json" > /dev/null && pass || fail "exports meta: $(jq -c .exports "$WORK/info1.json")"
jq -e --arg u "$url_good" '.sources == [$u + "/Alpine/all.zip", $u + "/Ubuntu/all.zip", $u + "/PyPI/all.zip"]' \
  "$WORK/info1.json" > /dev/null && pass || fail "sources: $(jq -c .sources "$WORK/info1.json")"
"$STRATA" db info --db-dir "$db" > "$WORK/info1.txt"
grep -qE "^Alpine: $url_good/Alpine/all.zip  etag=\"[0-9a-f]{32}\"  last-modified=.* GMT  checked=" "$WORK/info1.txt" \
  && pass || fail "info table exports: $(cat "$WORK/info1.txt")"
[[ -f "$db/osv/Alpine.zip" && -f "$db/osv/PyPI.zip" ]] && pass || fail "cached zips missing: $(ls -a "$db" "$db/osv")"
grep -c "^GET .* 200 -$" "$WORK/good.log" | grep -qx 3 && pass || fail "first update requests: $(cat "$WORK/good.log")"

# 2. Second update: conditional requests, 304 for all, the records kept: the database is verified
#    and kept (no rebuild), only its build time and validators rewritten.
: > "$WORK/good.log"
size_before=$(stat -c %s "$db/strata.db")
ino_before=$(stat -c %i "$db/strata.db")
sleep 1  # a new build time
expect_rc 0 "$STRATA" db update --db-dir "$db" --source "$url_good" --ecosystems "$ecos"
grep -q "all 3 exports unchanged (304); the database (.* records) was verified and kept" "$WORK/err" \
  && pass || fail "second update summary: $(cat "$WORK/err")"
grep -c '^GET .* 304 "[0-9a-f]*"$' "$WORK/good.log" | grep -qx 3 && pass || fail "304s: $(cat "$WORK/good.log")"
"$STRATA" db info --verify --db-dir "$db" --format json > "$WORK/info2.json" || fail "verify after 304"
jq -c '[.record_count, .ecosystems]' "$WORK/info2.json" > "$WORK/got"
expect_same "records after 304" "$WORK/want" "$WORK/got"
[[ $(jq -r .built "$WORK/info2.json") > $(jq -r .built "$WORK/info1.json") ]] && pass || fail "build time not refreshed"
[[ $(stat -c %i "$db/strata.db") != "$ino_before" ]] && pass || fail "refresh must replace the file (rename)"
# Same blocks: the size differs only by the meta's length change (a few bytes of timestamps).
size_after=$(stat -c %s "$db/strata.db")
(( size_after - size_before < 64 && size_before - size_after < 64 )) && pass || fail "refresh size $size_before -> $size_after"

# A damaged database is rebuilt from the cached zips even when every export is unchanged.
python3 - "$db/strata.db" << 'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(300); b = f.read(1); f.seek(300); f.write(bytes([b[0] ^ 0xff]))
PY
expect_rc 3 "$STRATA" db info --verify --db-dir "$db"
expect_one_line_error "info --verify on a damaged database"
grep -q "corrupt vulnerability database (body block 0: checksum mismatch): run \`strata db update\`" "$WORK/err" \
  && pass || fail "damage message: $(cat "$WORK/err")"
expect_rc 0 "$STRATA" db update --db-dir "$db" --source "$url_good" --ecosystems "$ecos"
grep -q "rebuilding it from the cached exports" "$WORK/err" && pass || fail "rebuild warning: $(cat "$WORK/err")"
expect_rc 0 "$STRATA" db info --verify --db-dir "$db"

# A changed export is downloaded again, the others stay 304.
cp "$srv/PyPI/all.zip" "$WORK/pypi.orig.zip"
python3 - "$srv/PyPI/all.zip" << 'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a") as z:
    z.writestr("PYSEC-9999-1.json", '{"id": "PYSEC-9999-1", "modified": "2024-01-01T00:00:00Z", '
               '"affected": [{"package": {"ecosystem": "PyPI", "name": "strata-test"}, '
               '"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}]}')
PY
: > "$WORK/good.log"
expect_rc 0 "$STRATA" db update --db-dir "$db" --source "$url_good" --ecosystems "$ecos"
grep -q "1 exports downloaded .* 2 unchanged (304)" "$WORK/err" && pass || fail "changed export: $(cat "$WORK/err")"
grep -q '^GET /PyPI/all.zip 200 "' "$WORK/good.log" && pass || fail "PyPI not re-downloaded: $(cat "$WORK/good.log")"
want_n=$(( $(jq '.[0]' "$WORK/want") + 1 ))
"$STRATA" db info --db-dir "$db" --format json | jq -e --argjson n "$want_n" '.record_count == $n' > /dev/null \
  && pass || fail "new record not imported"
cp "$WORK/pypi.orig.zip" "$srv/PyPI/all.zip"
expect_rc 0 "$STRATA" db update --db-dir "$db" --source "$url_good" --ecosystems "$ecos"

# 3. A source answering 429 then 500 falls back to the next one (here through STRATA_DB_SOURCE).
fresh="$WORK/fallback"
STRATA_DB_SOURCE="$url_flaky, $url_good" expect_rc 0 "$STRATA" db update --db-dir "$fresh" \
  --retries 1 --ecosystems "$ecos"
head -2 "$WORK/flaky.log" | cut -d' ' -f3 | tr '\n' ' ' | grep -qx "429 500 " && pass \
  || fail "flaky server log: $(cat "$WORK/flaky.log")"
grep -q "Alpine: source failed, trying the next one: $url_flaky: HTTP 500" "$WORK/err" && pass \
  || fail "fallback warning: $(cat "$WORK/err")"
"$STRATA" db info --db-dir "$fresh" --format json | jq -c '[.record_count, .ecosystems]' > "$WORK/got"
expect_same "records via fallback" "$WORK/want" "$WORK/got"
"$STRATA" db info --db-dir "$fresh" --format json | jq -e --arg u "$url_good" '[.exports[].source] | unique == [$u]' \
  > /dev/null && pass || fail "fallback exports source"

sum_db() { sha256sum "$db/strata.db" | cut -d' ' -f1; }
before=$(sum_db)
no_leftovers() {
  if ls -a "$db" | grep -qE '^\.download-|\.tmp\.'; then fail "$1: temp files left: $(ls -a "$db")"; else pass; fi
}

# 4. A server that cuts the connection mid-download: exit 3, one line naming the ecosystem and
#    the source, the database untouched.
expect_rc 3 "$STRATA" db update --db-dir "$db" --source "$url_cut" --ecosystems "$ecos" --retries 0
expect_one_line_error "cut connection"
grep -q "^strata: error: Alpine: no source could deliver it ($url_cut: " "$WORK/err" && pass \
  || fail "cut message: $(cat "$WORK/err")"
[[ $(sum_db) == "$before" ]] && pass || fail "database changed after a cut download"
no_leftovers "cut"

# 5. A corrupt (truncated) zip served whole, and a download that is not a zip: exit 3, the
#    database and the cached zips untouched.
bad="$WORK/badsrv"
mkdir -p "$bad/Alpine" "$bad/Ubuntu" "$bad/PyPI"
head -c 300000 "$srv/Alpine/all.zip" > "$bad/Alpine/all.zip"
cp "$srv/Ubuntu/all.zip" "$bad/Ubuntu/all.zip"
echo '<html>maintenance</html>' > "$bad/PyPI/all.zip"
start_server bad ok "$bad"
cached_before=$(sha256sum "$db/osv/Alpine.zip")
expect_rc 3 "$STRATA" db update --db-dir "$db" --source "$url_bad" --ecosystems Alpine,Ubuntu
expect_one_line_error "corrupt zip"
grep -q "^strata: error: Alpine ($url_bad/Alpine/all.zip).*: .*\(corrupt\|truncated\|Truncated\)" "$WORK/err" && pass \
  || fail "corrupt zip message: $(cat "$WORK/err")"
[[ $(sum_db) == "$before" ]] && pass || fail "database changed after a corrupt zip"
[[ $(sha256sum "$db/osv/Alpine.zip") == "$cached_before" ]] && pass || fail "cached zip changed"
no_leftovers "corrupt zip"
expect_rc 3 "$STRATA" db update --db-dir "$db" --source "$url_bad" --ecosystems PyPI
expect_one_line_error "not a zip"
grep -q "^strata: error: PyPI ($url_bad/PyPI/all.zip): the download is not a zip file$" "$WORK/err" && pass \
  || fail "not-a-zip message: $(cat "$WORK/err")"
[[ $(sum_db) == "$before" ]] && pass || fail "database changed after a non-zip"

# 6. Two updates at once on a new directory: both succeed, one after the other (DIR/lock), and
#    the database is complete. With --no-wait, a held lock is a clear error.
conc="$WORK/conc"
"$STRATA" db update --db-dir "$conc" --source "$url_good" --ecosystems "$ecos" > /dev/null 2> "$WORK/c1" &
p1=$!
"$STRATA" db update --db-dir "$conc" --source "$url_good" --ecosystems "$ecos" > /dev/null 2> "$WORK/c2" &
p2=$!
rc1=0; wait $p1 || rc1=$?
rc2=0; wait $p2 || rc2=$?
[[ $rc1 == 0 && $rc2 == 0 ]] && pass || fail "concurrent updates: $rc1 $rc2: $(cat "$WORK/c1" "$WORK/c2")"
"$STRATA" db info --db-dir "$conc" --format json | jq -c '[.record_count, .ecosystems]' > "$WORK/got"
expect_same "records after concurrent updates" "$WORK/want" "$WORK/got"
flock "$conc/lock" sleep 3 &
holder=$!
sleep 0.5
expect_rc 3 "$STRATA" db update --db-dir "$conc" --source "$url_good" --ecosystems "$ecos" --no-wait
expect_one_line_error "--no-wait"
grep -q "another \`strata db update\` or \`strata db import\` is writing this database" "$WORK/err" && pass \
  || fail "--no-wait message: $(cat "$WORK/err")"
wait $holder

# 7. Export -> import round trip into another directory: the same database.
expect_rc 0 "$STRATA" db export --db-dir "$db" "$WORK/bundle.sdb"
head -1 "$WORK/bundle.sdb" | grep -qx "STRATA-DB-BUNDLE 1" && pass || fail "bundle header"
expect_rc 0 "$STRATA" db import --db-dir "$WORK/other" "$WORK/bundle.sdb"
cmp -s "$db/strata.db" "$WORK/other/strata.db" && pass || fail "imported bundle differs from the database"
"$STRATA" db info --db-dir "$WORK/other" --format json | jq -c 'del(.path)' > "$WORK/got"
"$STRATA" db info --db-dir "$db" --format json | jq -c 'del(.path)' > "$WORK/want2"
expect_same "info after bundle import" "$WORK/want2" "$WORK/got"

# 8. A corrupted or truncated bundle: one-line error, the current database untouched.
other_before=$(sha256sum "$WORK/other/strata.db")
cp "$WORK/bundle.sdb" "$WORK/flipped.sdb"
size=$(stat -c %s "$WORK/flipped.sdb")
printf '\xff' | dd of="$WORK/flipped.sdb" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_rc 3 "$STRATA" db import --db-dir "$WORK/other" "$WORK/flipped.sdb"
expect_one_line_error "flipped bundle"
grep -q "^strata: error: $WORK/flipped.sdb: corrupt strata database bundle: sha256 [0-9a-f]* does not match" "$WORK/err" \
  && pass || fail "flipped message: $(cat "$WORK/err")"
head -c $((size - 100)) "$WORK/bundle.sdb" > "$WORK/short.sdb"
expect_rc 3 "$STRATA" db import --db-dir "$WORK/other" "$WORK/short.sdb"
expect_one_line_error "truncated bundle"
grep -q "truncated or extended" "$WORK/err" && pass || fail "truncated message: $(cat "$WORK/err")"
[[ $(sha256sum "$WORK/other/strata.db") == "$other_before" ]] && pass || fail "database changed by a bad bundle"
expect_rc 2 "$STRATA" db import --db-dir "$WORK/other" "$WORK/bundle.sdb" "$TESTDATA/osv/pypi"
expect_one_line_error "bundle with other paths"

# 9. A stale database (built with SOURCE_DATE_EPOCH set to 2020-01-01): a warning in the report
#    and on stderr; exit 3 with --fail-on-stale-db; fresh enough with a large maximum.
ubuntu="$TESTDATA/demo/ubuntu-18.04.tar.gz"
stale="$WORK/stale"
SOURCE_DATE_EPOCH=1577836800 expect_rc 0 "$STRATA" db import --db-dir "$stale" "$TESTDATA/osv/ubuntu-real"
"$STRATA" db info --db-dir "$stale" | grep -qE '^built: +2020-01-01T00:00:00Z$' && pass \
  || fail "SOURCE_DATE_EPOCH sets the build time"
expect_rc 0 "$STRATA" image --db-dir "$stale" --format json --db-max-age 72h "$ubuntu"
jq -e '[.warnings[] | select(startswith("the vulnerability database is stale: built 2020-01-01T00:00:00Z"))] | length == 1' \
  "$WORK/out" > /dev/null && pass || fail "stale warning in report: $(jq -c .warnings "$WORK/out")"
grep -q "^strata: warning: the vulnerability database is stale: built 2020-01-01T00:00:00Z (.* ago), older than the maximum age of 3d0h: run \`strata db update\`$" "$WORK/err" \
  && pass || fail "stale warning on stderr: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" image --db-dir "$stale" --format json --db-max-age 7d --fail-on-stale-db "$ubuntu"
expect_one_line_error "--fail-on-stale-db"
[[ ! -s "$WORK/out" ]] && pass || fail "a report was written for a stale database"
STRATA_DB_MAX_AGE=100000d expect_rc 0 "$STRATA" image --db-dir "$stale" --format json --fail-on-stale-db "$ubuntu"
jq -e '[.warnings[] | select(contains("stale"))] | length == 0' "$WORK/out" > /dev/null && pass || fail "fresh db warned"
expect_rc 2 "$STRATA" image --db-dir "$stale" --db-max-age 3x "$ubuntu"
expect_one_line_error "bad duration"
expect_rc 3 "$STRATA" rootfs --db-dir "$stale" --format json --db-max-age 1d --fail-on-stale-db "$srv"
expect_one_line_error "rootfs --fail-on-stale-db"

# 10. --fail-on-unsupported: the Ubuntu image against a database without Ubuntu data.
pypi_only="$WORK/pypi-only"
expect_rc 0 "$STRATA" db update --db-dir "$pypi_only" --source "$url_good" --ecosystems PyPI
expect_rc 0 "$STRATA" image --db-dir "$pypi_only" --format json "$ubuntu"
grep -q "^strata: warning: no vulnerability data for Ubuntu:18.04:LTS in the database" "$WORK/err" && pass \
  || fail "no-data warning: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" image --db-dir "$pypi_only" --format json --fail-on-unsupported "$ubuntu"
expect_one_line_error "--fail-on-unsupported"
grep -q "^strata: error: the vulnerability database has no data for ubuntu 18.04 (Ubuntu:18.04:LTS)" "$WORK/err" \
  && pass || fail "unsupported message: $(cat "$WORK/err")"
expect_rc 0 "$STRATA" image --db-dir "$db" --format json --fail-on-unsupported "$ubuntu"

finish
