#!/usr/bin/env bash
# The metadata cache (manifests and configs by digest under <cache dir>/manifests) against the
# real registry, counted in its access log: a rescan of an unchanged tag costs one HEAD and no
# manifest or config download; a corrupt cache file is deleted and fetched again; a
# digest-pinned scan needs no manifest request at all (it works after the manifest was deleted
# from the registry: only the layers are pulled); --no-cache and the default location.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_auth_lib.bash"

REGISTRY_STORAGE_DELETE_ENABLED=true REGISTRY_LOG_ACCESSLOG_DISABLED=false start_registry_with open ""
reg="127.0.0.1:$port"
log="$WORK/open/log.txt"
push upgrade "$reg/strata/alpine:upgrade"
push multi "$reg/strata/alpine:multi" --all
manifest=d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b
config=$(jq -r .config.digest "$img/oci-alpine/blobs/sha256/$manifest" | sed 's/sha256://')
cache="$WORK/c1"

mark() { mark_at=$(wc -l < "$log"); }
# requests METHOD PATH-REGEX: how many matching requests the registry logged since `mark`
requests() {
  tail -n +$((mark_at + 1)) "$log" | grep -cE "\"$1 /v2/strata/alpine/$2 HTTP" || true
}

mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine:upgrade" --insecure --packages-only --format json --cache-dir "$cache"
packages "$img/expected/alpine-upgrade.tsv"
[[ -f $cache/manifests/sha256/$manifest && -f $cache/manifests/sha256/$config ]] && pass \
  || fail "cache files: $(find "$cache" -type f)"
[[ $(sha256sum < "$cache/manifests/sha256/$manifest" | cut -c1-64) == "$manifest" ]] && pass || fail "cached manifest content"
[[ $(requests GET manifests/upgrade) -eq 1 ]] && pass || fail "first scan: manifest GETs"

# rescan: one HEAD, no manifest or config GET, and no layer either: the layer cache has them
mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine:upgrade" --insecure --packages-only --format json --cache-dir "$cache"
packages "$img/expected/alpine-upgrade.tsv"
[[ $(requests HEAD manifests/upgrade) -eq 1 && $(requests GET 'manifests/.*') -eq 0 ]] && pass \
  || fail "rescan: $(requests HEAD manifests/upgrade) HEAD, $(requests GET 'manifests/.*') GET"
[[ $(requests GET "blobs/sha256:$config") -eq 0 ]] && pass || fail "rescan downloaded the config"
[[ $(requests GET 'blobs/.*') -eq 0 ]] && pass || fail "rescan: $(requests GET 'blobs/.*') blob GETs, want none"
jq -e '[.layers[].from_cache] == [true, true, true]' "$WORK/out" > /dev/null && pass \
  || fail "rescan: layers not reported from the cache: $(jq -c '[.layers[].from_cache]' "$WORK/out")"

# a corrupt manifest and config in the cache: deleted, fetched again, stored again
printf 'garbage' > "$cache/manifests/sha256/$manifest"
printf '{"rootfs":{}}' > "$cache/manifests/sha256/$config"
mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine:upgrade" --insecure --packages-only --format json --cache-dir "$cache"
packages "$img/expected/alpine-upgrade.tsv"
[[ $(requests GET manifests/upgrade) -eq 1 && $(requests GET "blobs/sha256:$config") -eq 1 ]] && pass \
  || fail "corrupt cache: not fetched again"
grep -q "metadata cache: .*$manifest does not match its digest" "$WORK/err" && pass || fail "corrupt: $(cat "$WORK/err")"
[[ $(sha256sum < "$cache/manifests/sha256/$manifest" | cut -c1-64) == "$manifest" ]] && pass || fail "manifest not restored"

# an index: the index and the platform's manifest both come from the cache on a rescan
expect_rc 0 "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/arm64 --packages-only --format json --cache-dir "$cache"
mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/arm64 --packages-only --format json --cache-dir "$cache"
packages "$img/expected/alpine-3.20.3-arm64.tsv"
[[ $(requests HEAD manifests/multi) -eq 1 && $(requests GET 'manifests/.*') -eq 0 ]] && pass || fail "index rescan"

# pinned by digest: no manifest request at all, even once the manifest is gone from the registry
curl -sf -X DELETE "http://$reg/v2/strata/alpine/manifests/sha256:$manifest" > /dev/null && pass || fail "DELETE manifest"
expect_rc 3 "$STRATA" image "$reg/strata/alpine@sha256:$manifest" --insecure --packages-only --no-cache
grep -q "image not found" "$WORK/err" && pass || fail "deleted manifest without cache: $(cat "$WORK/err")"
mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine@sha256:$manifest" --insecure --packages-only --format json --cache-dir "$cache"
packages "$img/expected/alpine-upgrade.tsv"
[[ $(requests '[A-Z]+' 'manifests/.*') -eq 0 && $(requests GET "blobs/sha256:$config") -eq 0 ]] && pass \
  || fail "pinned: manifest or config requested"
[[ $(requests GET 'blobs/.*') -eq 0 ]] && pass || fail "pinned: layers pulled again"
# with the manifest cache alone (no layer cache), the layers are pulled
mark
expect_rc 0 "$STRATA" image "$reg/strata/alpine@sha256:$manifest" --insecure --packages-only --format json \
  --cache-dir "$cache" --cache-max-mb 0
packages "$img/expected/alpine-upgrade.tsv"
[[ $(requests '[A-Z]+' 'manifests/.*') -eq 0 && $(requests GET 'blobs/.*') -eq 3 ]] && pass \
  || fail "pinned, no layer cache: $(requests GET 'blobs/.*') blob GETs, want 3"

# --no-cache: nothing read or written; the default location is $XDG_CACHE_HOME/strata/manifests
expect_rc 0 "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/arm64 --packages-only --format json --no-cache \
  --cache-dir "$WORK/c2"
[[ ! -e $WORK/c2 ]] && pass || fail "--no-cache wrote $(find "$WORK/c2")"
env -u STRATA_CACHE_DIR XDG_CACHE_HOME="$WORK/xdg" "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/arm64 \
  --packages-only > /dev/null 2> "$WORK/err" && pass || fail "default cache dir: $(cat "$WORK/err")"
[[ $(find "$WORK/xdg/strata/manifests/sha256" -type f | wc -l) -eq 3 ]] && pass \
  || fail "default cache dir: $(find "$WORK/xdg" -type f)"
finish
