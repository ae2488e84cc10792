#!/usr/bin/env bash
# A hostile registry: the fault proxy (tests/support/fault_proxy.py) in front of the real CNCF
# registry answers chosen requests with bodies that never end, one byte a second, crafted
# documents (10,000 layers, a 100 GB layer or config, indexes nested too deep or pointing at
# themselves, JSON nested 100,000 levels deep) and a token server doing the same. Every case
# ends with exit 3 and one error line naming the limit, within a bounded time, with the peak RSS
# of strata (getrusage of the child) under 256 MiB. Each case's RSS and time are printed.
source "$(dirname "$0")/lib.bash"
export STRATA_NO_CACHE=1
source "$(dirname "$0")/registry_lib.bash"
source "$(dirname "$0")/fault_proxy.bash"
source "$(dirname "$0")/measure.bash"

start_registry open
reg="127.0.0.1:$port"
push_oci "oci:$img/oci-alpine:upgrade" "$reg/strata/alpine:upgrade"
layout="$img/oci-alpine"
manifest=sha256:d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b
config=sha256:accfb2c478dd28c7a8a2a70ebace11f7c836ec3c02c4da26b77dbee67f4237c2
big=sha256:4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231
small=sha256:30719c49779bc9da412c930f4c1f60e0dafbba2769c3a0eb048bb04726633ba6
manifest_body="$layout/blobs/sha256/${manifest#sha256:}"
oci_manifest=application/vnd.oci.image.manifest.v1+json
oci_index=application/vnd.oci.image.index.v1+json
D="$WORK/docs"
mkdir -p "$D"

sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

# refused NAME REGEX MAX_SECONDS REF [args]: scanning REF through the proxy exits 3 within
# MAX_SECONDS with one error line matching REGEX and no report
refused() {
  local name=$1 regex=$2 max_s=$3 ref=$4
  shift 4
  measured "$name" 3 "$max_s" "$STRATA" image "$proxy/strata/alpine:$ref" --insecure \
    --packages-only --format json --retries 0 "$@"
  expect_one_line_error "$name"
  grep -qE "$regex" "$WORK/err" && pass || fail "$name: want /$regex/: $(head -c 400 "$WORK/err")"
  [[ ! -s $WORK/out ]] && pass || fail "$name: a report was printed"
}

# serve NAME FILE TYPE: a fault spec answering requests for manifest NAME (tag or digest) with FILE
serve() { echo "file,match=/manifests/$1,path=$2,type=$3,times=0"; }

# --- bodies that never end ---------------------------------------------------------------
start_proxy "$reg" --fault "endless,match=/manifests/upgrade,type=$oci_manifest"
refused "endless manifest" "exceeds the limit of 4194304 bytes" 30 upgrade
start_proxy "$reg" --fault "endless,match=/blobs/$config"
refused "endless config" "exceeds the limit of 1046 bytes" 30 upgrade
start_proxy "$reg" --fault "endless,match=/blobs/$small,type=application/octet-stream"
refused "endless layer blob" "$small: blob is longer than 311 bytes" 30 upgrade
# an error answer whose body never ends: its head is kept, the status stands
start_proxy "$reg" --fault "endless,code=404,match=/blobs/$small"
refused "endless 404 body" "$small: image not found \(HTTP 404\)" 30 upgrade
# a Bearer challenge whose token server never stops answering
start_proxy "$reg" --fault "endless,match=/token" --fault "challenge,match=/manifests/,times=0"
refused "endless token" "exceeds the limit of 1048576 bytes" 30 upgrade

# --- one byte a second: the stall timeout (--timeout 1) fires ---------------------------------
start_proxy "$reg" --fault "drip,match=/manifests/upgrade"
refused "drip manifest" "stalled: fewer than 1024 bytes in 1000 ms" 10 upgrade --timeout 1
start_proxy "$reg" --fault "drip,match=/blobs/$big"
refused "drip layer" "$big: .*stalled: fewer than 1024 bytes in 1000 ms" 10 upgrade --timeout 1
echo '{"token": "a-token-that-arrives-one-byte-a-second"}' > "$D/token.json"
start_proxy "$reg" --fault "file,match=/token,path=$D/token.json,drip=1" \
  --fault "challenge,match=/manifests/,times=0"
refused "drip token" "stalled: fewer than 1024 bytes in 1000 ms" 10 upgrade --timeout 1

# --- crafted manifests ---------------------------------------------------------------------
# 10,000 layers (more than the limit of 1,000)
python3 -c '
import json, sys
layers = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
           "digest": "sha256:%064x" % i, "size": 32} for i in range(10000)]
json.dump({"schemaVersion": 2, "mediaType": sys.argv[1],
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                      "digest": sys.argv[2], "size": 1046}, "layers": layers}, sys.stdout)' \
  "$oci_manifest" "$config" > "$D/many.json"
start_proxy "$reg" --fault "$(serve many "$D/many.json" "$oci_manifest")"
refused "10,000 layers" "manifest lists 10000 layers, more than the limit of 1000" 30 many

# a layer declaring 100 GB: refused before a byte of it is asked for
jq -c '.layers[0].size = 100000000000' "$manifest_body" > "$D/huge-layer.json"
start_proxy "$reg" --fault "$(serve huge-layer "$D/huge-layer.json" "$oci_manifest")"
refused "100 GB layer" "$big: the descriptor declares 100000000000 bytes, more than the layer size limit" \
  30 huge-layer
n=$(requests "^GET /v2/strata/alpine/blobs/$big ")
[[ $n -eq 0 ]] && pass || fail "100 GB layer: $n requests for it"
# a config declaring 100 GB
jq -c '.config.size = 100000000000' "$manifest_body" > "$D/huge-config.json"
start_proxy "$reg" --fault "$(serve huge-config "$D/huge-config.json" "$oci_manifest")"
refused "100 GB config" "$config: the descriptor declares 100000000000 bytes, more than the limit of 4194304" \
  30 huge-config
n=$(requests "^GET /v2/strata/alpine/blobs/$config ")
[[ $n -eq 0 ]] && pass || fail "100 GB config: $n requests for it"

# --- indexes -------------------------------------------------------------------------------
index_of() {  # DIGEST SIZE MEDIA_TYPE: an index with one linux/amd64 entry
  jq -cn --arg d "$1" --argjson s "$2" --arg t "$3" --arg it "$oci_index" \
    '{schemaVersion: 2, mediaType: $it, manifests: [{mediaType: $t, digest: $d, size: $s,
      platform: {os: "linux", architecture: "amd64"}}]}'
}
# a chain of indexes over the real manifest: 4 deep is scanned, 5 deep is refused
faults=()
d=$manifest s=$(stat -c %s "$manifest_body") t=$oci_manifest
for i in 1 2 3 4 5; do
  index_of "$d" "$s" "$t" > "$D/index$i.json"
  d=$(sha "$D/index$i.json") s=$(stat -c %s "$D/index$i.json") t=$oci_index
  faults+=(--fault "$(serve "$d" "$D/index$i.json" "$oci_index")")
  faults+=(--fault "$(serve "deep$i" "$D/index$i.json" "$oci_index")")
done
start_proxy "$reg" "${faults[@]}"
measured "4 nested indexes" 0 30 "$STRATA" image "$proxy/strata/alpine:deep4" --insecure \
  --packages-only --format json --retries 0 --platform linux/amd64
jq -e '.packages | length > 10' "$WORK/out" > /dev/null && pass || fail "4 nested indexes: no packages"
refused "5 nested indexes" "image indexes nested more than 4 deep" 30 deep5 --platform linux/amd64
# an index that names itself: no such content exists, so the digest check ends the loop
index_of "sha256:$(printf '%064d' 7)" 300 "$oci_index" > "$D/loop.json"
start_proxy "$reg" --fault "$(serve loop "$D/loop.json" "$oci_index")" \
  --fault "$(serve "sha256:$(printf '%064d' 7)" "$D/loop.json" "$oci_index")"
refused "self-referencing index" "manifest content has digest sha256:[0-9a-f]{64}, not the one asked for" \
  30 loop --platform linux/amd64

# --- JSON nested 100,000 levels deep -------------------------------------------------------
python3 -c 'print("[" * 100000 + "]" * 100000)' > "$D/deep-array.json"
python3 -c 'print("{\"a\":" * 100000 + "1" + "}" * 100000)' > "$D/deep-object.json"
start_proxy "$reg" --fault "$(serve deep-array "$D/deep-array.json" "$oci_manifest")"
refused "deep array manifest" "manifest is not a JSON object" 30 deep-array
start_proxy "$reg" --fault "$(serve deep-object "$D/deep-object.json" "$oci_manifest")"
refused "deep object manifest" "unsupported manifest schemaVersion" 30 deep-object
start_proxy "$reg" --fault "$(serve deep-array "$D/deep-array.json" "$oci_index")"
refused "deep array index" "index is not a JSON object" 30 deep-array
# a config: diff_ids holding the deep array (its error must not print it)
python3 -c '
import sys
sys.stdout.write("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                 + "[" * 100000 + "]" * 100000 + "]}}")' > "$D/deep-config.json"
jq -c --arg d "$(sha "$D/deep-config.json")" --argjson s "$(stat -c %s "$D/deep-config.json")" \
  '.config.digest = $d | .config.size = $s' "$manifest_body" > "$D/deep-config-manifest.json"
start_proxy "$reg" --fault "$(serve deep-config "$D/deep-config-manifest.json" "$oci_manifest")" \
  --fault "file,match=/blobs/$(sha "$D/deep-config.json"),path=$D/deep-config.json"
refused "deep config" "invalid diff_id a JSON array" 30 deep-config
[[ $(wc -c < "$WORK/err") -lt 1000 ]] && pass || fail "deep config: the error is $(wc -c < "$WORK/err") bytes"
# a token server answering with deep JSON
start_proxy "$reg" --fault "file,match=/token,path=$D/deep-object.json" \
  --fault "challenge,match=/manifests/,times=0"
refused "deep token" "the token server's answer holds no token" 30 upgrade
# a docker config.json nested deep (credentials are read for every registry scan): an array is
# refused, an object without "auths" means no credentials
start_proxy "$reg"
mkdir -p "$WORK/deep-docker"
cp "$D/deep-array.json" "$WORK/deep-docker/config.json"
DOCKER_CONFIG="$WORK/deep-docker" measured "deep docker config.json (array)" 3 30 "$STRATA" image \
  "$proxy/strata/alpine:upgrade" --insecure --packages-only --format json --retries 0
expect_one_line_error "deep docker config.json"
grep -q "config.json: not a JSON object" "$WORK/err" && pass \
  || fail "deep docker config.json: $(head -c 400 "$WORK/err")"
cp "$D/deep-object.json" "$WORK/deep-docker/config.json"
DOCKER_CONFIG="$WORK/deep-docker" measured "deep docker config.json (object)" 0 30 "$STRATA" image \
  "$proxy/strata/alpine:upgrade" --insecure --packages-only --format json --retries 0

# a sane scan through the same proxy still works
start_proxy "$reg"
measured "no fault" 0 60 "$STRATA" image "$proxy/strata/alpine:upgrade" --insecure \
  --packages-only --format json
finish
