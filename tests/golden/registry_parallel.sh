#!/usr/bin/env bash
# strata image --parallel N against the real CNCF registry: multi-layer images give the same JSON
# report with 1, 2 and 4 workers; a failing layer (through the fault proxy) ends the scan with
# its error while another layer's transfer is stalled: the stall is cancelled, nothing hangs.
source "$(dirname "$0")/lib.bash"
# transport tests: every scan must fetch its layers (no layer or manifest cache)
export STRATA_NO_CACHE=1
source "$(dirname "$0")/registry_lib.bash"
source "$(dirname "$0")/fault_proxy.bash"

start_registry open
reg="127.0.0.1:$port"
push_oci "oci:$img/oci-alpine:upgrade" "$reg/strata/alpine:upgrade"
push_oci "oci:$img/oci-debian-dpkgmeta:bookworm-hello" "$reg/strata/debian:hello"

for image in strata/alpine:upgrade strata/debian:hello; do
  for n in 1 2 4; do
    expect_rc 0 "$STRATA" image "$reg/$image" --insecure --packages-only --format json --parallel "$n"
    cp "$WORK/out" "$WORK/parallel-$n.json"
  done
  [[ $(jq '.packages | length' "$WORK/parallel-1.json") -gt 10 ]] && pass || fail "$image: few packages"
  expect_same "$image: --parallel 2 vs 1" "$WORK/parallel-1.json" "$WORK/parallel-2.json"
  expect_same "$image: --parallel 4 vs 1" "$WORK/parallel-1.json" "$WORK/parallel-4.json"
done

# layer 1 stalls (for 20 s, under a 30 s --timeout) while layer 2 arrives corrupted: the digest
# mismatch of layer 2 is the error, at once, and the stalled transfer is cancelled
l1=sha256:4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231
l2=sha256:5a064e0b577cf489bfab7c844a509da9481b85801c0bb49f2fa4b19e50583431
start_proxy "$reg" --fault "stall,after=300000,seconds=20,match=$l1" --fault "corrupt,at=2000000,match=$l2"
t0=$(date +%s%3N)
expect_rc 3 "$STRATA" image "$proxy/strata/alpine:upgrade" --insecure --packages-only --format json \
  --parallel 4 --timeout 30
took=$(($(date +%s%3N) - t0))
expect_one_line_error "corrupt layer 2 while layer 1 stalls"
grep -q "$proxy/strata/alpine@$l2: blob does not match its digest" "$WORK/err" && pass \
  || fail "parallel error: $(cat "$WORK/err")"
[[ ! -s $WORK/out ]] && pass || fail "a report was printed"
[[ $took -lt 8000 ]] && pass || fail "the failing scan took $took ms: the stalled layer was not cancelled"

# the corrupt layer 2 one layer at a time: layer 1 is read whole first (once), then layer 2 fails
# the same way
start_proxy "$reg" --fault "corrupt,at=2000000,match=$l2"
expect_rc 3 "$STRATA" image "$proxy/strata/alpine:upgrade" --insecure --packages-only --parallel 1
grep -q "$proxy/strata/alpine@$l2: blob does not match its digest" "$WORK/err" && pass \
  || fail "sequential error: $(cat "$WORK/err")"
attempts=$(requests "/blobs/$l1 ")
[[ $attempts -eq 1 ]] && pass || fail "--parallel 1: layer 1 requested $attempts times"

for bad in 0 65 x; do
  expect_rc 2 "$STRATA" image "$reg/strata/alpine:upgrade" --insecure --parallel "$bad"
done
finish
