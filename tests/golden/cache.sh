#!/usr/bin/env bash
# `strata cache stats|data|prune|clear` on a cache filled by the multi-process test helper
# (tests/multiprocess/cache_helper.cpp, $CACHE_HELPER) with a fixed clock.
source "$(dirname "$0")/lib.bash"
: "${CACHE_HELPER:?CACHE_HELPER must point at the cache_helper test executable}"
unset STRATA_CACHE_DIR
export XDG_CACHE_HOME="$WORK/xdg"
base="$WORK/cache"   # strata's cache directory (--cache-dir, STRATA_CACHE_DIR)
cache="$base/layers" # the layer cache in it, where the helper writes
old_ns=1600000000000000000 # 2020-09-13T12:26:40Z
diff_id() { printf 'sha256:%s' "$(printf 'diff-%s' "$1" | sha256sum | cut -d' ' -f1)"; }

# --- a cache directory that does not exist: empty, and not created -----------------------------
expect_rc 0 "$STRATA" cache stats --cache-dir "$WORK/none"
cat > "$WORK/want" <<EOT
cache:      $WORK/none/layers (does not exist: empty)
hits:       0
misses:     0
hit ratio:  -
records:    0
total size: 0 bytes
cap:        unknown (set by the scans)
EOT
expect_same "stats of a missing cache" "$WORK/want" "$WORK/out"
expect_rc 0 "$STRATA" cache data --cache-dir "$WORK/none"
jq -e '. == {"cache_hits":0,"cache_misses":0,"cache_records":[],"record_total_size":0}' \
  "$WORK/out" > /dev/null && pass || fail "data of a missing cache: $(cat "$WORK/out")"
expect_rc 0 "$STRATA" cache prune --max-mb 0 --cache-dir "$WORK/none"
expect_rc 0 "$STRATA" cache clear --cache-dir "$WORK/none"
expect_rc 0 "$STRATA" cache stats # default: $XDG_CACHE_HOME/strata/layers
grep -q "^cache:      $WORK/xdg/strata/layers (does not exist: empty)$" "$WORK/out" && pass \
  || fail "default directory: $(head -1 "$WORK/out")"
[[ ! -e "$WORK/none" && ! -e "$WORK/xdg" ]] && pass || fail "a cache command created a directory"

# --- fill: four layers two months ago (one hit), two layers now (one hit) ----------------------
CACHE_HELPER_CLOCK_NS=$old_ns "$CACHE_HELPER" "$cache" 1000000000 run 0,1,2,3,0 > "$WORK/h1" \
  && pass || fail "helper: $(cat "$WORK/h1")"
"$CACHE_HELPER" "$cache" 50000000 run 4,5,4 > "$WORK/h2" && pass || fail "helper: $(cat "$WORK/h2")"

export STRATA_CACHE_DIR="$base" # the environment names the directory from here on
expect_rc 0 "$STRATA" cache stats
sed -E 's/^(total size: ).*/\1SIZE/' "$WORK/out" > "$WORK/got"
cat > "$WORK/want" <<EOT
cache:      $cache
hits:       2
misses:     6
hit ratio:  25.0%
records:    6
total size: SIZE
cap:        47.7 MiB (50000000 bytes)
EOT
expect_same "stats" "$WORK/want" "$WORK/got"

[[ -e "$cache/index.sqlite" && ! -e "$cache/cacher.json" ]] && pass \
  || fail "the index is index.sqlite; cacher.json is not kept by lookups: $(ls "$cache")"
expect_rc 0 "$STRATA" cache data
cp "$WORK/out" "$WORK/data.json"
# `cache data` writes NeuVector's cacher.json from the index, with the same records and counters.
jq -e --slurpfile d "$WORK/data.json" '(.cache_records | keys) == ($d[0].cache_records |
  map(.layer_id) | sort) and .cache_hits == 2 and .cache_misses == 6 and .record_count == 6
  and .record_total_size == $d[0].record_total_size and (.aliases | length) == 6
  and .cache_max_size == 50000000' "$cache/cacher.json" > /dev/null && pass \
  || fail "cacher.json: $(head -c 400 "$cache/cacher.json")"
# Sizes are those of the record files, and add up.
total=0
for id in $(jq -r '.cache_records[].layer_id' "$WORK/data.json"); do
  size=$(jq -r --arg id "$id" '.cache_records[] | select(.layer_id == $id) | .size' "$WORK/data.json")
  [[ $size -eq $(stat -c %s "$cache/ref/$id") ]] && pass || fail "size of $id"
  total=$((total + size))
done
[[ $total -eq $(jq .record_total_size "$WORK/data.json") ]] && pass || fail "record_total_size"
grep -q "^total size: .*($total bytes)$" <(sed -n 6p "$WORK/got"; "$STRATA" cache stats) && pass \
  || fail "stats total size"
# Everything else exactly (records sorted by layer_id; recent times replaced by NOW).
now_year=$(date -u +%Y)
jq --arg y "$now_year" '.cache_records |= map(.size = "SIZE" | if (.last_referred | startswith($y))
  then .last_referred = "NOW" else . end) | .record_total_size = "TOTAL"' "$WORK/data.json" \
  > "$WORK/got"
{
  for n in 0 1 2 3 4 5; do
    ref=0; t='"2020-09-13T12:26:40.000000000Z"'
    [[ $n -eq 0 || $n -eq 4 ]] && ref=1
    [[ $n -ge 4 ]] && t='"NOW"'
    printf '{"layer_id":"%s_layer_file","size":"SIZE","reference_count":%s,"last_referred":%s}\n' \
      "$(diff_id $n)" $ref "$t"
  done
} | jq -s '{cache_hits: 2, cache_misses: 6, record_total_size: "TOTAL",
            cache_records: sort_by(.layer_id)}' > "$WORK/want"
jq -S . "$WORK/got" > "$WORK/got.sorted"
jq -S . "$WORK/want" > "$WORK/want.sorted"
expect_same "data" "$WORK/want.sorted" "$WORK/got.sorted"

# --- prune by age, then by size, then clear ----------------------------------------------------
expect_rc 0 "$STRATA" cache prune --older-than 7d
grep -q '^removed 4 records (.*); 0 in use by running scans kept; 2 records (.*) remain$' \
  "$WORK/out" && pass || fail "prune --older-than: $(cat "$WORK/out")"
for n in 0 1 2 3; do [[ ! -e "$cache/ref/$(diff_id $n)_layer_file" ]] || fail "layer $n kept"; done
[[ -e "$cache/ref/$(diff_id 4)_layer_file" ]] && pass || fail "layer 4 pruned"
expect_rc 0 "$STRATA" cache prune --max-mb 0 --cache-dir "$base"
grep -q '^removed 2 records (.*); 0 in use by running scans kept; 0 records (0 bytes) remain$' \
  "$WORK/out" && pass || fail "prune --max-mb: $(cat "$WORK/out")"
"$CACHE_HELPER" "$cache" 50000000 run 6,7 > /dev/null && pass || fail "helper refill"
expect_rc 0 "$STRATA" cache clear
grep -q '^removed 2 records' "$WORK/out" && pass || fail "clear: $(cat "$WORK/out")"
expect_rc 0 "$STRATA" cache stats
grep -qx 'hits:       0' "$WORK/out" && grep -qx 'misses:     0' "$WORK/out" \
  && grep -qx 'records:    0' "$WORK/out" && pass || fail "counters after clear: $(cat "$WORK/out")"

# --- usage errors -------------------------------------------------------------------------------
expect_rc 2 "$STRATA" cache prune
expect_one_line_error "prune without a limit"
expect_rc 2 "$STRATA" cache prune --older-than 7x
expect_one_line_error "a bad duration"
expect_rc 2 "$STRATA" cache
expect_rc 2 "$STRATA" cache prune --max-mb lots

# --- a cache of a newer format is left alone ----------------------------------------------------
newer="$WORK/newer/layers"
mkdir -p "$newer/ref"
echo '{"version":99,"description":"future"}' > "$newer/version"
echo 'future' > "$newer/ref/x"
expect_rc 0 "$STRATA" cache stats --cache-dir "$WORK/newer"
grep -q "(newer format: not read)" "$WORK/out" && pass || fail "newer: $(cat "$WORK/out")"
grep -q "newer than this strata" "$WORK/err" && pass || fail "newer: no warning"
expect_rc 3 "$STRATA" cache clear --cache-dir "$WORK/newer"
[[ -e "$newer/ref/x" ]] && pass || fail "clear touched a newer cache"
finish
