#!/usr/bin/env bash
# Every official Alpine minirootfs tarball, turned into a one-layer OCI image, must give exactly
# the package list apk recorded in it (name, version), with the right OS ecosystem.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"

for tarball in "$TESTDATA"/alpine-minirootfs/*.tar.gz; do
  name=$(basename "$tarball" .tar.gz)               # alpine-minirootfs-3.18.9-x86_64
  ver=$(echo "$name" | sed -E 's/alpine-minirootfs-([0-9.]+)-.*/\1/')
  arch=$(echo "$name" | sed -E 's/.*-(x86_64|aarch64)$/\1/')
  oci_arch=amd64; variant=""
  [[ $arch == aarch64 ]] && { oci_arch=arm64; variant=v8; }
  layout="$WORK/$name"
  bash "$support/rootfs-to-oci.sh" "$tarball" "$layout" "$ver" "$oci_arch" "$variant"
  expect_rc 0 "$STRATA" image --input "$layout" --platform "linux/$oci_arch" --packages-only --format json
  cp "$WORK/out" "$WORK/$name.json"
  jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/$name.json" | sort > "$WORK/got.tsv"
  tail -n +2 "$TESTDATA/alpine-minirootfs/$name.expected.tsv" | sort > "$WORK/want.tsv"
  expect_same "$name packages" "$WORK/want.tsv" "$WORK/got.tsv"
  minor=$(echo "$ver" | cut -d. -f1,2)
  eco=$(jq -r '.target.os.ecosystem' "$WORK/$name.json")
  [[ $eco == "Alpine:v$minor" ]] && pass || fail "$name: ecosystem '$eco', want Alpine:v$minor"
  # every package comes from the only layer
  diff=$(jq -r '.layers[0].diff_id' "$WORK/$name.json")
  others=$(jq -r --arg d "$diff" '[.packages[] | select(.layer != $d)] | length' "$WORK/$name.json")
  [[ $others == 0 ]] && pass || fail "$name: $others packages not attributed to layer $diff"
done

# The demo image (docker save, gzip) carries alpine 3.10.9.
expect_rc 0 "$STRATA" image --input "$TESTDATA/demo/alpine-3.10.tar.gz" --packages-only --format json
jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort > "$WORK/got.tsv"
tail -n +2 "$TESTDATA/demo/alpine-3.10.expected.tsv" | sort > "$WORK/want.tsv"
expect_same "demo packages" "$WORK/want.tsv" "$WORK/got.tsv"
finish
