#!/usr/bin/env bash
# Hostile OSV records given to `strata db import`: a record with a million ranges (and one with
# 20,000), one with a million versions, one nested 100,000 levels deep, one with 10 million
# numbers. Each fails to parse with a warning naming it
# and the limit, the good record beside it is imported (exit 0), in bounded time and with the
# peak RSS of strata under 256 MiB.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/measure.bash"
good="$TESTDATA/osv/debian-real/DSA-3029-1.json"

# import NAME REGEX FILE: FILE next to a good record: exit 0, FILE named in a warning matching
# REGEX, the good record imported
import() {
  local name=$1 regex=$2 file=$3 dir="$WORK/in-$1"
  mkdir -p "$dir"
  cp "$good" "$dir/"
  mv "$file" "$dir/hostile.json"
  measured "$name" 0 60 "$STRATA" db import --db-dir "$WORK/db-$name" "$dir"
  grep -qE "1 OSV record\(s\) failed to parse and were skipped: $dir/hostile.json \(.*$regex" \
    "$WORK/err" && pass || fail "$name: warning: $(head -c 600 "$WORK/err")"
  grep -q "imported 1 records" "$WORK/err" && pass || fail "$name: summary: $(tail -c 300 "$WORK/err")"
  rm -rf "$dir" "$WORK/db-$name"
}

ranges() {  # N: a record with N ranges
  python3 -c '
import sys
r = "{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}"
sys.stdout.write("{\"id\":\"HOSTILE-RANGES\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":"
                 "[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"bash\"},\"ranges\":["
                 + ",".join([r] * int(sys.argv[1])) + "]}]}")' "$1"
}
# a million ranges (52 MB): more values than a document may hold
ranges 1000000 > "$WORK/ranges.json"
import "million-ranges" "more than 4000000 JSON values" "$WORK/ranges.json"
# 20,000 ranges: within the values, over the ranges
ranges 20000 > "$WORK/ranges.json"
import "20000-ranges" "more than 10000 affected ranges" "$WORK/ranges.json"

python3 -c '
import sys
sys.stdout.write("{\"id\":\"HOSTILE-VERSIONS\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":"
                 "[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"bash\"},\"versions\":["
                 + ",".join(["\"1.%d\"" % i for i in range(1000000)]) + "]}]}")' > "$WORK/versions.json"
import "million-versions" "more than 100000 versions" "$WORK/versions.json"

python3 -c 'print("{\"id\":\"HOSTILE-DEEP\",\"x\":" + "[" * 100000 + "]" * 100000 + "}")' > "$WORK/deep.json"
import "deep-json" "malformed JSON" "$WORK/deep.json"

# a malformed event holding 20 MB of numbers: refused before parsing (the parsed form would take
# 8 times the text)
python3 -c '
import sys
sys.stdout.write("{\"id\":\"HOSTILE-EVENT\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\","
                 "\"name\":\"bash\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":["
                 + ",".join(["1"] * 10000000) + "]}]}]}]}")' > "$WORK/event.json"
import "huge-event" "more than 4000000 JSON values" "$WORK/event.json"
[[ $(wc -c < "$WORK/err") -lt 2000 ]] && pass || fail "huge event: stderr is $(wc -c < "$WORK/err") bytes"
finish
