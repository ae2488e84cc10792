#!/usr/bin/env bash
# An image whose layers are zstd-compressed (application/vnd.oci.image.layer.v1.tar+zstd), pushed
# to a real registry as it is, scanned from there: same packages as the gzip image, and the
# manifest still names zstd layers (skopeo did not recompress them).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"

start_registry open
reg="127.0.0.1:$port"
push_oci "oci:$img/oci-alpine-zstd:upgrade-zstd" "$reg/strata/alpine:zstd"
curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$reg/v2/strata/alpine/manifests/zstd" > "$WORK/manifest.json"
jq -e '[.layers[].mediaType] | all(. == "application/vnd.oci.image.layer.v1.tar+zstd")' \
  "$WORK/manifest.json" > /dev/null && pass || fail "registry manifest: $(jq -c '[.layers[].mediaType]' "$WORK/manifest.json")"

expect_rc 0 "$STRATA" image "$reg/strata/alpine:zstd" --insecure --packages-only --format json
jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort -u > "$WORK/got.tsv"
tail -n +2 "$img/expected/alpine-upgrade.tsv" | cut -f1-2 | sort -u > "$WORK/want.tsv"
expect_same "zstd image packages" "$WORK/want.tsv" "$WORK/got.tsv"
[[ $(jq '.layers | length' "$WORK/out") -ge 2 ]] && pass || fail "zstd image: layer count"
finish
