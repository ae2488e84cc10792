#!/usr/bin/env bash
# strata registry --post-url: each new report POSTed to a collector (tests/support/collector.py)
# next to the real CNCF registry; 5xx answers retried; a post that still fails is post_error in
# the shard summary, leaves the report on disk and the exit status alone, and is posted again by
# the next run of the shard (and only it).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"

start_registry open
reg="127.0.0.1:$port"
push upgrade "$reg/strata/alpine:upgrade"
push upgrade "$reg/strata/alpine:same"  # one image, two tags
push 3.18.9 "$reg/team/base:3.18"
push upgrade "$reg/other:1"

collector() {  # NAME [collector.py args]: starts one, sets $curl_url and $clog
  mkdir -p "$WORK/$1"
  clog="$WORK/$1/log"
  start_port_file_server "collector $1" "$WORK/$1/port" "$WORK/$1/err" \
    python3 "$SOURCE_DIR/tests/support/collector.py" --port-file "$WORK/$1/port" --log "$clog" \
    --dir "$WORK/$1" "${@:2}" || exit 1
  curl_url="http://127.0.0.1:$server_port/reports"
}
sweep() {  # OUT [args]: a packages-only sweep of $reg into OUT
  "$STRATA" registry "$reg" --insecure --packages-only --output-dir "$1" "${@:2}" \
    > "$WORK/out" 2> "$WORK/err"
}

# 1. a collector that answers 500 twice, then 201: every report arrives once, equal to the file
collector flaky --fail 2
rc=0; sweep "$WORK/s1" --post-url "$curl_url" --retries 3 || rc=$?
[[ $rc -eq 0 ]] && pass || fail "flaky collector: exit $rc: $(cat "$WORK/err")"
[[ $(grep -c ' 500$' "$clog") -eq 2 ]] && pass || fail "500s: $(cat "$clog")"
[[ $(grep -c ' 201$' "$clog") -eq 3 ]] && pass || fail "three reports kept: $(cat "$clog")"
for f in "$WORK"/s1/images/*.json; do
  found=0
  for p in "$WORK"/flaky/*.json; do cmp -s "$f" "$p" && found=1; done
  [[ $found -eq 1 ]] && pass || fail "$(basename "$f") was not posted as written"
done
[[ $(jq '.totals.post_failed' "$WORK/s1/shard-0-of-1.json") == 0 ]] && pass || fail "post_failed"
grep -q 'POST strata/alpine sha256:' "$clog" && pass || fail "X-Strata headers: $(cat "$clog")"

# 2. a collector that refuses (400, not retried): post_error, reports kept, exit 0
collector refusing --fail -1 --status 400
rc=0; sweep "$WORK/s2" --post-url "$curl_url" || rc=$?
[[ $rc -eq 0 ]] && pass || fail "refusing collector: exit $rc"
[[ $(grep -c ' 400$' "$clog") -eq 3 ]] && pass || fail "one attempt each: $(cat "$clog")"
[[ $(jq '.totals.post_failed' "$WORK/s2/shard-0-of-1.json") == 3 ]] && pass || fail "post_failed 3"
[[ $(jq -r '[.images[].post_error] | unique | .[]' "$WORK/s2/shard-0-of-1.json") == *"HTTP 400"* ]] \
  && pass || fail "post_error: $(jq -c .images "$WORK/s2/shard-0-of-1.json")"
[[ $(ls "$WORK"/s2/images/*.json | wc -l) -eq 3 ]] && pass || fail "reports on disk"
grep -q 'report not posted' "$WORK/err" && pass || fail "warning: $(cat "$WORK/err")"

# 3. the next run posts the skipped images whose post failed, then no more
collector good
rc=0; sweep "$WORK/s2" --post-url "$curl_url" || rc=$?
[[ $rc -eq 0 ]] && pass || fail "rerun: exit $rc"
[[ $(jq -r '[.images[].status] | unique | join(",")' "$WORK/s2/shard-0-of-1.json") == skipped ]] \
  && pass || fail "rerun statuses: $(jq -c .images "$WORK/s2/shard-0-of-1.json")"
[[ $(grep -c ' 201$' "$clog") -eq 3 ]] && pass || fail "reposted: $(cat "$clog")"
[[ $(jq '.totals.post_failed' "$WORK/s2/shard-0-of-1.json") == 0 ]] && pass || fail "post_failed 0"
sweep "$WORK/s2" --post-url "$curl_url"
[[ $(grep -c ' 201$' "$clog") -eq 3 ]] && pass || fail "posted twice: $(cat "$clog")"

# 4. not an http(s) URL: usage error
rc=0; sweep "$WORK/s3" --post-url "ftp://127.0.0.1/x" || rc=$?
[[ $rc -eq 2 ]] && pass || fail "ftp post url: exit $rc"
expect_one_line_error "post url"
finish
