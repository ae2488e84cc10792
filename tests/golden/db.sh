#!/usr/bin/env bash
# Golden test of `strata db import|info` on real OSV records (testdata/osv, testdata/demo).
set -u
: "${STRATA:?}" "${TESTDATA:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Import the testdata tree: 1294 documents, 30 withdrawn.
"$STRATA" db import --db-dir "$tmp/db" "$TESTDATA/osv" 2>"$tmp/err" || fail "import exit $?"
grep -q "imported 1264 records" "$tmp/err" || fail "import summary: $(cat "$tmp/err")"
grep -q "30 withdrawn dropped, 0 failed to parse" "$tmp/err" || fail "import counts: $(cat "$tmp/err")"

"$STRATA" db info --db-dir "$tmp/db" >"$tmp/info" 2>"$tmp/err" || fail "info exit $?"
[ -s "$tmp/err" ] && fail "info wrote to stderr: $(cat "$tmp/err")"
grep -qE '^records: +1264 ' "$tmp/info" || fail "records line: $(cat "$tmp/info")"
grep -qE '^format: +2$' "$tmp/info" || fail "format line"
grep -qE '^built: +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$tmp/info" || fail "built line"
grep -qE "^sources: +$TESTDATA/osv\$" "$tmp/info" || fail "sources line: $(grep sources "$tmp/info")"
grep -qE '^Debian:10 +945 +429 +945$' "$tmp/info" || fail "Debian:10 row: $(grep Debian:10 "$tmp/info")"
grep -qE '^Debian:11 +410 ' "$tmp/info" || fail "Debian:11 row"
grep -qE '^PyPI +22 ' "$tmp/info" || fail "PyPI row"

# Reproducible: two imports of the same inputs with SOURCE_DATE_EPOCH are byte-identical, whatever
# the parse threads did; and the database verifies.
SOURCE_DATE_EPOCH=1700000000 "$STRATA" -q db import --db-dir "$tmp/rep1" "$TESTDATA/osv" "$TESTDATA/demo" \
  || fail "reproducible import 1"
SOURCE_DATE_EPOCH=1700000000 "$STRATA" -q db import --db-dir "$tmp/rep2" "$TESTDATA/osv" "$TESTDATA/demo" \
  || fail "reproducible import 2"
cmp -s "$tmp/rep1/strata.db" "$tmp/rep2/strata.db" || fail "two builds from the same inputs differ"
"$STRATA" db info --verify --db-dir "$tmp/rep1" | grep -qE '^built: +2023-11-14T22:13:20Z$' \
  || fail "SOURCE_DATE_EPOCH build time"

# JSON form.
"$STRATA" db info --db-dir "$tmp/db" --format json >"$tmp/info.json" || fail "info json exit $?"
python3 - "$tmp/info.json" <<'PY' || fail "info json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["record_count"] == 1264 and j["withdrawn"] == 30 and j["format_version"] == 2, j
eco = {e["ecosystem"]: e["advisories"] for e in j["ecosystems"]}
assert eco["Debian:10"] == 945 and eco["Go"] == 15, eco
PY

# 2. STRATA_DB_DIR is honoured; the demo zip is streamed.
STRATA_DB_DIR="$tmp/demo" "$STRATA" db import "$TESTDATA/demo/osv-alpine-v3.10/all.zip" 2>/dev/null \
  || fail "demo import exit $?"
STRATA_DB_DIR="$tmp/demo" "$STRATA" db info | grep -qE '^records: +1724 ' || fail "demo records"
STRATA_DB_DIR="$tmp/demo" "$STRATA" db info | grep -qE '^Alpine:v3.10 +1724 ' || fail "demo Alpine:v3.10"

# 3. A missing path: exit 3, one-line error, the old database untouched.
"$STRATA" db import --db-dir "$tmp/db" "$TESTDATA/osv/debian-real" "$tmp/missing" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] || fail "missing path: exit $rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "missing path: not one line: $(cat "$tmp/err")"
grep -q "^strata: error: $tmp/missing: no such file or directory$" "$tmp/err" || fail "missing path message: $(cat "$tmp/err")"
"$STRATA" db info --db-dir "$tmp/db" | grep -qE '^records: +1264 ' || fail "old database changed"

# 4. A malformed record: warning naming it, exit 0, the rest imported.
mkdir -p "$tmp/in"
cp "$TESTDATA/osv/debian-real/DSA-3029-1.json" "$tmp/in/"
printf '{"id": "BROKEN-1", "affected": [' >"$tmp/in/broken.json"
"$STRATA" db import --db-dir "$tmp/db2" "$tmp/in" 2>"$tmp/err" || fail "malformed: exit $?"
grep -q "1 OSV record(s) failed to parse and were skipped: $tmp/in/broken.json (malformed JSON" "$tmp/err" \
  || fail "malformed warning: $(cat "$tmp/err")"
grep -q "imported 1 records" "$tmp/err" || fail "malformed: summary"

# 5. No database: exit 3 with the hint.
"$STRATA" db info --db-dir "$tmp/none" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] || fail "no db: exit $rc"
grep -q "^strata: error: no vulnerability database at $tmp/none: run \`strata db update\` or \`strata db import\`$" "$tmp/err" \
  || fail "no db message: $(cat "$tmp/err")"

# 6. Usage errors: exit 2.
"$STRATA" db import --db-dir "$tmp/x" >/dev/null 2>&1
[ $? -eq 2 ] || fail "import without paths should be a usage error"
"$STRATA" db info --format xml --db-dir "$tmp/db" >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad --format should be a usage error"
"$STRATA" db import --help | grep -q -- "--db-dir" || fail "import --help"
"$STRATA" db info --help | grep -q -- "--format" || fail "info --help"
echo "db golden: ok"
