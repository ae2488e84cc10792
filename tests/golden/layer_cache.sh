#!/usr/bin/env bash
# The layer cache end to end, against the real registry (blob requests counted in its access
# log): a cold scan pulls every layer, a rescan pulls none, a second image sharing the base layer
# pulls only its own layer, a damaged record is discarded and its layer pulled again (never a
# wrong result), --no-cache and --cache-max-mb 0 pull everything, and SCANNER_ON_DEMAND mode
# turns the cache on with MAX_CACHE_RECORD_MB. The counters add up.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"

REGISTRY_LOG_ACCESSLOG_DISABLED=false start_registry open
reg="127.0.0.1:$port"
log="$WORK/open/log.txt"
push_oci "oci:$img/oci-alpine:upgrade" "$reg/strata/alpine:upgrade"
push_oci "oci:$img/oci-alpine:insert-truncated" "$reg/strata/alpine:truncated"
cache="$WORK/lc"
mark() { mark_at=$(wc -l < "$log"); }
blob_gets() { sleep 0.1; tail -n +$((mark_at + 1)) "$log" | grep -cE '"GET /v2/strata/alpine/blobs/' || true; }
packages() { jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort -u; }
scan() {  # TAG [args]
  local tag=$1; shift
  expect_rc 0 "$STRATA" image "$reg/strata/alpine:$tag" --insecure --packages-only --format json \
    --cache-dir "$cache" "$@"
}

curl -sf "http://$reg/v2/" > /dev/null
sleep 0.2
if ! grep -q '"GET /v2/ HTTP' "$log"; then
  echo "FAIL: the registry's access log is not on: cannot count blob requests" >&2
  exit 1
fi

# 1. cold: 3 layers (and the config) pulled; 2. warm: no blob at all
mark
scan upgrade
packages > "$WORK/cold.tsv"
[[ $(blob_gets) -eq 4 ]] && pass || fail "cold scan: $(blob_gets) blob GETs, want 3 layers + config"
jq -e '[.layers[].from_cache] == [false, false, false]' "$WORK/out" > /dev/null && pass || fail "cold from_cache"
mark
scan upgrade
packages > "$WORK/warm.tsv"
[[ $(blob_gets) -eq 0 ]] && pass || fail "warm rescan: $(blob_gets) blob GETs, want 0"
expect_same "warm rescan packages" "$WORK/cold.tsv" "$WORK/warm.tsv"
jq -e '[.layers[].from_cache] == [true, true, true]' "$WORK/out" > /dev/null && pass || fail "warm from_cache"

# 3. a second image sharing the base layer: only its own layer (and its config) pulled
mark
scan truncated
[[ $(blob_gets) -eq 2 ]] && pass || fail "shared base: $(blob_gets) blob GETs, want its own layer + config"
jq -e '[.layers[].from_cache] == [true, false]' "$WORK/out" > /dev/null && pass \
  || fail "shared base from_cache: $(jq -c '[.layers[].from_cache]' "$WORK/out")"

# counters: 3 misses + 3 hits + (1 hit + 1 miss) = 8 lookups
"$STRATA" cache data --cache-dir "$cache" > "$WORK/data.json"
jq -e '.cache_hits == 4 and .cache_misses == 4 and (.cache_records | length) == 4' "$WORK/data.json" > /dev/null \
  && pass || fail "cache data: $(jq -c 'del(.cache_records)' "$WORK/data.json")"

# 4. a damaged record: discarded, its layer pulled again, the result still right
rec=$(ls "$cache"/layers/ref/*_layer_file | head -1)
printf 'XXXXXXXX' | dd of="$rec" bs=1 seek=40 conv=notrunc 2> /dev/null
mark
scan upgrade
packages > "$WORK/again.tsv"
expect_same "after a damaged record" "$WORK/cold.tsv" "$WORK/again.tsv"
[[ $(blob_gets) -eq 1 ]] && pass || fail "damaged record: $(blob_gets) blob GETs, want the one layer"
grep -q "layer cache" "$WORK/err" && pass || fail "no warning for the damaged record: $(cat "$WORK/err")"

# 5. --no-cache and --cache-max-mb 0 pull every layer and leave the cache alone
before=$(jq -c '[.cache_hits, .cache_misses]' <("$STRATA" cache data --cache-dir "$cache"))
mark
scan upgrade --no-cache
[[ $(blob_gets) -eq 4 ]] && pass || fail "--no-cache: $(blob_gets) blob GETs"
mark
scan upgrade --cache-max-mb 0
[[ $(blob_gets) -eq 3 ]] && pass || fail "--cache-max-mb 0: $(blob_gets) blob GETs (the manifest cache still has the config)"
after=$(jq -c '[.cache_hits, .cache_misses]' <("$STRATA" cache data --cache-dir "$cache"))
[[ $before == "$after" ]] && pass || fail "counters moved without the layer cache: $before -> $after"

# 6. SCANNER_ON_DEMAND: MAX_CACHE_RECORD_MB turns the layer cache on (here in STRATA_CACHE_DIR)
od() {  # extra VAR=VALUE...
  env -i PATH="$PATH" HOME="$WORK" STRATA_CACHE_DIR="$WORK/od" SCANNER_ON_DEMAND=true \
    SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/alpine SCANNER_TAG=upgrade \
    SCANNER_RESULT_DIR="$WORK/nv" STRATA_PACKAGES_ONLY=true "$@" "$STRATA" > "$WORK/out" 2> "$WORK/err"
}
od MAX_CACHE_RECORD_MB=100 && pass || fail "env mode with cache: $(cat "$WORK/err")"
mark
od MAX_CACHE_RECORD_MB=100 && pass || fail "env mode rescan: $(cat "$WORK/err")"
[[ $(blob_gets) -eq 0 ]] && pass || fail "env mode rescan: $(blob_gets) blob GETs"
jq -e '[.layers[].from_cache] == [true, true, true]' "$WORK/nv/scan_result.strata.json" > /dev/null && pass \
  || fail "env mode from_cache"
mark
od && pass || fail "env mode without MAX_CACHE_RECORD_MB: $(cat "$WORK/err")"
[[ $(blob_gets) -eq 4 ]] && pass || fail "env mode, cache off: $(blob_gets) blob GETs"
finish
