#!/usr/bin/env bash
# Real images (OCI layouts with gzip and zstd layers, whiteouts and an opaque dir, a two-platform
# index, a Debian dpkg image with a second layer, docker-save archives, a layer with a truncated
# tar): strata's package list must equal each image's expected list, with layer attribution.
source "$(dirname "$0")/lib.bash"
img="$TESTDATA/images"

scan() {  # expected.tsv columns... -- strata args...
  local want=$1; shift
  expect_rc 0 "$STRATA" image --packages-only --format json "$@"
  cp "$WORK/out" "$WORK/last.json"
  local cols
  cols=$(head -1 "$want" | awk -F'\t' '{print NF}')
  if [[ $cols -ge 4 ]]; then
    jq -r '.packages[] | [.name, .version, .source_name, .source_version] | @tsv' "$WORK/last.json" | sort -u > "$WORK/got.tsv"
  else
    jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/last.json" | sort -u > "$WORK/got.tsv"
  fi
  tail -n +2 "$want" | cut -f1-"$([[ $cols -ge 4 ]] && echo 4 || echo 2)" | sort -u > "$WORK/want.tsv"
  expect_same "packages of $*" "$WORK/want.tsv" "$WORK/got.tsv"
}
layer_of_pkg() { jq -r --arg n "$1" '.packages[] | select(.name == $n) | .layer' "$WORK/last.json"; }
layer_n() { jq -r --argjson i "$1" '.layers[$i].diff_id' "$WORK/last.json"; }

scan "$img/expected/alpine-3.18.9.tsv" --input "$img/oci-alpine" --tag 3.18.9
scan "$img/expected/alpine-upgrade.tsv" --input "$img/oci-alpine" --tag upgrade
# upgrade: 3 layers; packages whose version changed come from layer 2, unchanged ones from layer 1
[[ $(jq '.layers | length' "$WORK/last.json") == 3 ]] && pass || fail "upgrade: layer count"
[[ $(layer_of_pkg alpine-baselayout) == "$(layer_n 1)" ]] && pass || fail "alpine-baselayout not from layer 2"
[[ $(layer_of_pkg alpine-keys) == "$(layer_n 0)" ]] && pass || fail "alpine-keys (unchanged) not from layer 1"
jq -e '.target.os.ecosystem == "Alpine:v3.20"' "$WORK/last.json" > /dev/null && pass || fail "upgrade: ecosystem"
jq -e '.layers[2].created_by == "opaque etc/profile.d, delete etc/motd, add opt/app" or (.layers[2].created_by | length > 0)' \
  "$WORK/last.json" > /dev/null && pass || fail "upgrade: created_by"

scan "$img/expected/alpine-upgrade.tsv" --input "$img/oci-alpine-zstd" --tag upgrade-zstd
scan "$img/expected/alpine-upgrade.tsv" --input "$img/oci-alpine" --tag multi --platform linux/amd64
scan "$img/expected/alpine-3.20.3-arm64.tsv" --input "$img/oci-alpine" --tag multi --platform linux/arm64
jq -e '.target.platform | startswith("linux/arm64")' "$WORK/last.json" > /dev/null && pass || fail "platform arm64"
scan "$img/expected/alpine-3.20.3-arm64.tsv" --input "$img/oci-alpine" --tag 3.20.3-arm64 --platform linux/arm64/v8
# a layer without the tar footer (umoci insert): accepted with a warning, as Docker does
scan "$img/expected/alpine-insert-truncated.tsv" --input "$img/oci-alpine" --tag insert-truncated
jq -e '[.warnings[] | select(test("end-of-archive"))] | length == 1' "$WORK/last.json" > /dev/null \
  && pass || fail "insert-truncated: no warning"
# missing platform: one line listing the platforms
expect_rc 3 "$STRATA" image --packages-only --input "$img/oci-alpine" --tag multi --platform linux/s390x
grep -q 'linux/amd64, linux/arm64' "$WORK/err" && pass || fail "platform error lists no platforms"
# several images and no --tag: one line listing the tags
expect_rc 3 "$STRATA" image --packages-only --input "$img/oci-alpine"
grep -q 'upgrade' "$WORK/err" && pass || fail "tag error lists no tags"

scan "$img/expected/debian-bookworm.tsv" --input "$img/oci-debian-dpkgmeta" --tag bookworm
jq -e '.target.os.ecosystem == "Debian:12"' "$WORK/last.json" > /dev/null && pass || fail "debian ecosystem"
scan "$img/expected/debian-bookworm-hello.tsv" --input "$img/oci-debian-dpkgmeta" --tag bookworm-hello
[[ $(layer_of_pkg hello) == "$(layer_n 1)" ]] && pass || fail "hello not from layer 2"
[[ $(layer_of_pkg dpkg) == "$(layer_n 0)" ]] && pass || fail "dpkg not from layer 1"

scan "$img/expected/alpine-upgrade.tsv" --input "$img/docker-archive/alpine-upgrade.docker.tar.gz"
jq -e '.target.kind == "docker-archive"' "$WORK/last.json" > /dev/null && pass || fail "docker-archive kind"
# the same archive, uncompressed, and picked by tag
gzip -dc "$img/docker-archive/alpine-upgrade.docker.tar.gz" > "$WORK/upgrade.tar"
scan "$img/expected/alpine-upgrade.tsv" --input "$WORK/upgrade.tar" --tag strata/alpine:upgrade
# an OCI archive (tar of a layout), gzip-compressed
tar -C "$img/oci-alpine-zstd" -czf "$WORK/oci-archive.tar.gz" .
scan "$img/expected/alpine-upgrade.tsv" --input "$WORK/oci-archive.tar.gz" --tag upgrade-zstd
jq -e '.target.kind == "oci-archive"' "$WORK/last.json" > /dev/null && pass || fail "oci-archive kind"

scan "$img/docker-save/trivy-alpine-311/expected.tsv" --input "$img/docker-save/trivy-alpine-311/alpine-311.tar.gz"
jq -e '.target.os.ecosystem == "Alpine:v3.11"' "$WORK/last.json" > /dev/null && pass || fail "alpine 3.11 ecosystem"

# the Docker 25+ save layout (OCI index inside) loads
expect_rc 0 "$STRATA" image --packages-only --format json "$img/docker-save/ggcr-tarballs/hello-world-v25.tar"
# negative fixtures from go-containerregistry and trivy
for bad in docker-save/ggcr-tarballs/no_manifest.tar docker-save/ggcr-tarballs/null_manifest.tar \
           oci-layout/trivy-test_bad_index_json.oci oci-layout/trivy-test_no_valid_manifests.oci \
           oci-layout/trivy-test_invalid_oci_image.oci; do
  expect_rc 3 "$STRATA" image --packages-only "$img/$bad"
  expect_one_line_error "$bad"
done
finish
