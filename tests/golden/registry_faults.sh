#!/usr/bin/env bash
# Registry scans through a fault-injecting proxy (tests/support/fault_proxy.py) in front of the
# real CNCF registry: 429 with Retry-After, 500/503, connection resets and truncated bodies
# mid-blob (resumed with Range, with and without range support), a corrupted blob, a stalled
# transfer. A scan either succeeds after retries with the same packages as from disk, or fails
# with one error line (exit 3) naming the registry, repository and layer, and prints no report.
source "$(dirname "$0")/lib.bash"
# transport tests: every scan must fetch its layers (no layer or manifest cache)
export STRATA_NO_CACHE=1
source "$(dirname "$0")/registry_lib.bash"
source "$(dirname "$0")/fault_proxy.bash"

start_registry open
reg="127.0.0.1:$port"
push_oci "oci:$img/oci-alpine:upgrade" "$reg/strata/alpine:upgrade"
# the upgrade image: two layers of ~3.5 MB and a small one
big=sha256:4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231
small=sha256:30719c49779bc9da412c930f4c1f60e0dafbba2769c3a0eb048bb04726633ba6
blob_get="^GET /v2/strata/alpine/blobs/$big "

now_ms() { date +%s%3N; }

packages_ok() {  # NAME: the last scan succeeded with the packages read from disk
  jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort -u > "$WORK/got.tsv"
  tail -n +2 "$img/expected/alpine-upgrade.tsv" | cut -f1-2 | sort -u > "$WORK/want.tsv"
  expect_same "$1: packages" "$WORK/want.tsv" "$WORK/got.tsv"
}

# fails_naming NAME DIGEST REGEX: one error line naming proxy registry, repository and the layer
# and matching REGEX; nothing on stdout
fails_naming() {
  # retry warnings may come first; apart from them, one error line
  grep -vE '^strata: warn: http: .*; retry [0-9]+/[0-9]+ in [0-9]+ ms' "$WORK/err" > "$WORK/err.rest" || true
  cp "$WORK/err.rest" "$WORK/err"
  expect_one_line_error "$1"
  grep -q "$proxy/strata/alpine@$2" "$WORK/err" && pass || fail "$1: layer not named: $(cat "$WORK/err")"
  grep -qE "$3" "$WORK/err" && pass || fail "$1: want /$3/: $(cat "$WORK/err")"
  [[ ! -s $WORK/out ]] && pass || fail "$1: a report was printed"
}

attempts_are() {  # NAME PATTERN N
  local n
  n=$(requests "$2")
  [[ $n -eq $3 ]] && pass || fail "$1: $n requests matching /$2/, want $3: $(cat "$WORK/proxy.log")"
}

scan() {  # EXPECTED_RC [strata args...]: scans the upgrade image through the proxy
  local rc=$1; shift
  expect_rc "$rc" "$STRATA" image "$proxy/strata/alpine:upgrade" --insecure --packages-only \
    --format json "$@"
}

# no fault: the proxy itself changes nothing
start_proxy "$reg"
scan 0
packages_ok "no fault"

# 429 with Retry-After: 2 on the big layer, once: the scan waits ~2 s and succeeds
start_proxy "$reg" --fault "status,code=429,retry_after=2,match=$big"
t0=$(now_ms)
scan 0
took=$(($(now_ms) - t0))
packages_ok "429"
attempts_are "429" "$blob_get" 2
[[ $took -ge 1900 && $took -lt 8000 ]] && pass || fail "429 Retry-After 2 s: the scan took $took ms"

# 503 twice then success, default retries
start_proxy "$reg" --fault "status,code=503,times=2,match=$big"
scan 0
packages_ok "503"
attempts_are "503" "$blob_get" 3

# 500 on every attempt: --retries 2 means 3 attempts, then the error names the layer
start_proxy "$reg" --fault "status,code=500,times=0,match=$big"
scan 3 --retries 2
fails_naming "500 always" "$big" "HTTP 500"
attempts_are "500 --retries 2" "$blob_get" 3
start_proxy "$reg" --fault "status,code=500,times=0,match=$big"
scan 3 --retries 0
attempts_are "500 --retries 0" "$blob_get" 1

# connection reset after 1 MB of the big layer: resumed with a Range request (206)
start_proxy "$reg" --fault "reset,after=1000000,match=$big"
scan 0
packages_ok "reset"
attempts_are "reset" "$blob_get" 2
attempts_are "reset: resumed with Range" "${blob_get}range=bytes=[1-9][0-9]*- -> 206" 1

# the same against a server without range support: the 200 answer's first bytes are skipped
start_proxy "$reg" --no-range --fault "reset,after=1000000,match=$big"
scan 0
packages_ok "reset, no range support"
attempts_are "reset, no range support: 200 twice" "$blob_get.* -> 200" 2

# three resets in a row, each later in the blob: still one scan with 3 retries
start_proxy "$reg" --fault "reset,after=600000,times=3,match=$big"
scan 0
packages_ok "3 resets"
attempts_are "3 resets" "$blob_get" 4

# a reset every time and too few retries: the error names the layer
start_proxy "$reg" --fault "reset,after=1000000,times=0,match=$big"
scan 3 --retries 1
fails_naming "reset always" "$big" "reset|Recv failure"
attempts_are "reset always, --retries 1" "$blob_get" 2

# a body cut short with a clean close (Content-Length promised more): resumed
start_proxy "$reg" --fault "truncate,after=2000000,match=$big"
scan 0
packages_ok "truncated"
attempts_are "truncated" "$blob_get" 2
start_proxy "$reg" --fault "truncate,after=2000000,times=0,match=$big"
scan 3 --retries 0
fails_naming "truncated, no retries" "$big" "after [0-9]+ body bytes"

# corrupted bytes: a digest mismatch naming the layer, never a report (deep in the big layer,
# early in it where gzip breaks first, and in the small last layer)
for spec in "at=3000000 $big" "at=100 $big" "at=200 $small"; do
  set -- $spec
  start_proxy "$reg" --fault "corrupt,$1,match=$2"
  scan 3
  fails_naming "corrupt $spec" "$2" "does not match its digest"
done

# a stalled transfer: aborted after --timeout 1 and resumed
start_proxy "$reg" --fault "stall,after=1000000,seconds=20,match=$big"
t0=$(now_ms)
scan 0 --timeout 1
took=$(($(now_ms) - t0))
packages_ok "stall"
attempts_are "stall" "$blob_get" 2
[[ $took -ge 900 && $took -lt 10000 ]] && pass || fail "stall with --timeout 1: the scan took $took ms"
start_proxy "$reg" --fault "stall,after=1000000,seconds=20,times=0,match=$big"
scan 3 --timeout 1 --retries 0
fails_naming "stall, no retries" "$big" "stalled"

expect_rc 2 "$STRATA" image "$proxy/strata/alpine:upgrade" --insecure --timeout 0
finish
