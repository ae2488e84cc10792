#!/usr/bin/env bash
# Turns a root filesystem tarball (gzip) into a one-layer OCI image layout, the way
# `umoci raw add-layer` does, with sha256sum and jq only: the tarball becomes the layer blob as is.
# usage: rootfs-to-oci.sh ROOTFS.tar.gz OUT_DIR TAG ARCH [VARIANT]
set -euo pipefail
rootfs=$1 out=$2 tag=$3 arch=$4 variant=${5:-}
mkdir -p "$out/blobs/sha256"
put_blob() {  # file -> prints digest hex, copies into blobs
  local hex
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$out/blobs/sha256/$hex"
  echo "$hex"
}
layer_hex=$(put_blob "$rootfs")
layer_size=$(stat -c %s "$rootfs")
diff_hex=$(gzip -dc "$rootfs" | sha256sum | cut -d' ' -f1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -cn --arg arch "$arch" --arg variant "$variant" --arg diff "sha256:$diff_hex" \
  --arg by "ADD $(basename "$rootfs") /" '
  {architecture: $arch, os: "linux", created: "2024-01-01T00:00:00Z",
   config: {Cmd: ["/bin/sh"]},
   rootfs: {type: "layers", diff_ids: [$diff]},
   history: [{created: "2024-01-01T00:00:00Z", created_by: $by}]}
  | if $variant != "" then .variant = $variant else . end' > "$tmp/config.json"
config_hex=$(put_blob "$tmp/config.json")
config_size=$(stat -c %s "$tmp/config.json")
jq -cn --arg c "sha256:$config_hex" --argjson cs "$config_size" \
  --arg l "sha256:$layer_hex" --argjson ls "$layer_size" '
  {schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
   config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
   layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' \
  > "$tmp/manifest.json"
manifest_hex=$(put_blob "$tmp/manifest.json")
manifest_size=$(stat -c %s "$tmp/manifest.json")
echo '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
index="$out/index.json"
[[ -f $index ]] || echo '{"schemaVersion":2,"manifests":[]}' > "$index"
jq -c --arg m "sha256:$manifest_hex" --argjson ms "$manifest_size" --arg tag "$tag" '
  .manifests += [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                  annotations: {"org.opencontainers.image.ref.name": $tag}}]' "$index" > "$tmp/index.json"
mv "$tmp/index.json" "$index"
