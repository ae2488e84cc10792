#!/usr/bin/env bash
# Docker schema 1 manifests from the real CNCF registry (compatibility.schema1 enabled): the
# alpine "upgrade" image pushed by skopeo as a signed schema 1 manifest (prettyjws). The scan
# must find the packages read from the OCI layout, report the manifest digest the registry
# reports (the payload's, without the signatures), take the platform and created_by from the
# v1Compatibility history, and work when pinned by that digest.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_auth_lib.bash"

start_registry_with s1 "$(printf 'compatibility:\n  schema1:\n    enabled: true\n')"
reg="127.0.0.1:$port"
push upgrade "$reg/strata/alpine:v1" --format v2s1
curl -s -D "$WORK/headers" -o "$WORK/manifest" \
  -H 'Accept: application/vnd.docker.distribution.manifest.v1+prettyjws' "http://$reg/v2/strata/alpine/manifests/v1"
grep -qi '^Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws' "$WORK/headers" && pass \
  || fail "the registry does not serve schema 1: $(cat "$WORK/headers")"
digest=$(grep -i '^Docker-Content-Digest:' "$WORK/headers" | tr -d '\r' | awk '{print $2}')
jq -e '.signatures | length > 0' "$WORK/manifest" > /dev/null && pass || fail "manifest is not signed"
# 5 fsLayers: 3 layers and 2 throwaway empty ones (a3ed95ca..., the gzipped empty tar), skipped
[[ $(jq '.fsLayers | length' "$WORK/manifest") == 5 && $(grep -o a3ed95caeb02 "$WORK/manifest" | wc -l) == 2 ]] \
  && pass || fail "unexpected fsLayers: $(jq -c .fsLayers "$WORK/manifest")"

expect_rc 0 "$STRATA" image "$reg/strata/alpine:v1" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
[[ $(jq -r .target.digest "$WORK/out") == "$digest" ]] && pass \
  || fail "target.digest $(jq -r .target.digest "$WORK/out"), registry says $digest"
[[ $(jq -r .target.platform "$WORK/out") == linux/amd64 ]] && pass || fail "platform: $(jq .target "$WORK/out")"
[[ $(jq '.layers | length' "$WORK/out") == 3 ]] && pass || fail "layer count: $(jq .layers "$WORK/out")"
# the same diff_ids as the OCI image's config
cfg=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "upgrade") | .digest' \
  "$img/oci-alpine/index.json" | sed 's/sha256://')
cfg=$(jq -r .config.digest "$img/oci-alpine/blobs/sha256/$cfg" | sed 's/sha256://')
jq -r '.rootfs.diff_ids[]' "$img/oci-alpine/blobs/sha256/$cfg" > "$WORK/want_diffids"
jq -r '.layers[].diff_id' "$WORK/out" > "$WORK/got_diffids"
expect_same "diff_ids" "$WORK/want_diffids" "$WORK/got_diffids"
jq -r '.history[] | select(.empty_layer != true) | .created_by' "$img/oci-alpine/blobs/sha256/$cfg" \
  > "$WORK/want_created"
jq -r '.layers[].created_by' "$WORK/out" > "$WORK/got_created"
expect_same "created_by" "$WORK/want_created" "$WORK/got_created"

expect_rc 0 "$STRATA" image "$reg/strata/alpine@$digest" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
# the metadata cache keeps the payload under the payload's digest: a rescan finds it by HEAD
expect_rc 0 "$STRATA" --log-level debug image "$reg/strata/alpine:v1" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
grep -q "manifest $digest of $reg/strata/alpine:v1 from the metadata cache" "$WORK/err" && pass \
  || fail "schema 1 rescan did not use the cache: $(grep -i cache "$WORK/err")"
# a wrong pinned digest is refused
expect_rc 3 "$STRATA" image "$reg/strata/alpine@sha256:$(printf x | sha256sum | cut -c1-64)" --insecure --packages-only
expect_one_line_error "unknown digest"
finish
