#!/usr/bin/env bash
# strata's own runtime image, built without a container engine by scripts/build-image.sh from this
# build's binary, then scanned by strata: the OCI layout and the docker archive are read by skopeo
# and umoci (independent readers); the image's dpkg packages, as strata lists them, are exactly
# the status stanzas the script wrote, with the versions dpkg-query reports on this machine (the
# oracle), and exactly the owners of the libraries `ldd` names plus base-files and
# ca-certificates; the config's User is not root and agrees with the Dockerfile's runtime stages;
# the binary inside the image runs there (chroot) as the image's user, and started as the
# entrypoint with no arguments and SCANNER_ON_DEMAND set, it scans its own image from a registry
# and writes /var/neuvector/scan_result.json. Two builds give the same digests.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"
require_tools "cannot test the runtime image" umoci dpkg-query ldd gzip || exit 1
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"
build_image="$SOURCE_DIR/scripts/build-image.sh"
export SOURCE_DATE_EPOCH=1700000000
uid=10001

# 1. Build: an OCI layout and a docker archive, then the layout again for the digests.
layout="$WORK/layout"
if ! "$build_image" --binary "$STRATA" --tag test --oci "$layout" \
  --docker-archive "$WORK/image.tar" > "$WORK/build.log" 2>&1; then
  echo "FAIL: build-image.sh: $(tail -5 "$WORK/build.log")" >&2
  exit 1
fi
"$build_image" --binary "$STRATA" --tag test --oci "$WORK/layout2" > /dev/null 2>&1 \
  && pass || fail "second build failed"
cmp -s "$layout/index.json" "$WORK/layout2/index.json" && pass \
  || fail "two builds, two manifests: $(cat "$layout/index.json" "$WORK/layout2/index.json")"
rm -rf "$WORK/layout2"

# 2. The config, read by skopeo: a non-root user, strata as the entrypoint, and the same values
# as the Dockerfile's two runtime stages (ci and runtime).
skopeo inspect --config "oci:$layout:test" > "$WORK/config.json" 2> "$WORK/err" \
  || { echo "FAIL: skopeo cannot read the layout: $(cat "$WORK/err")" >&2; exit 1; }
user=$(jq -r '.config.User' "$WORK/config.json")
[[ $user == "$uid:$uid" ]] && pass || fail "config User '$user', want $uid:$uid"
jq -e '.config.Entrypoint == ["/usr/local/bin/strata"] and (.config.Cmd // [] | length) == 0
  and .os == "linux" and (.rootfs.diff_ids | length) == 1' "$WORK/config.json" > /dev/null \
  && pass || fail "config: $(jq -c '{config, os, rootfs}' "$WORK/config.json")"
awk '/^FROM scratch/ {stage++} stage && /^(USER|ENV|WORKDIR|ENTRYPOINT) / {print stage "\t" $0}' \
  "$SOURCE_DIR/Dockerfile" > "$WORK/dockerfile.tsv"
for stage in 1 2; do
  jq -r --arg s "$stage" '.config | [$s + "\tUSER " + .User, $s + "\tENV " + (.Env | join(" ")),
    $s + "\tWORKDIR " + .WorkingDir, $s + "\tENTRYPOINT " + (.Entrypoint | tojson)] | .[]' \
    "$WORK/config.json"
done > "$WORK/want.tsv"
expect_same "Dockerfile runtime stages vs build-image.sh config" "$WORK/want.tsv" "$WORK/dockerfile.tsv"
skopeo inspect --config "docker-archive:$WORK/image.tar" > "$WORK/archive-config.json" 2> "$WORK/err" \
  && jq -e --slurpfile o "$WORK/config.json" '.config == $o[0].config and .rootfs == $o[0].rootfs' \
    "$WORK/archive-config.json" > /dev/null && pass \
  || fail "docker archive config: $(head -c 300 "$WORK/err") $(jq -c .config "$WORK/archive-config.json")"

# 3. The layer: root owns everything but the user's three directories; the binary is in it.
blob=$(jq -r '.manifests[0].digest' "$layout/index.json" | sed 's|^sha256:|blobs/sha256/|')
blob=$(jq -r '.layers[0].digest' "$layout/$blob" | sed 's|^sha256:|blobs/sha256/|')
tar --numeric-owner -tvzf "$layout/$blob" > "$WORK/layer.txt"
awk '$2 != "0/0" {print $2, $6}' "$WORK/layer.txt" > "$WORK/got.txt"
printf '%s\n' "$uid/$uid home/strata/" "$uid/$uid var/cache/strata/" "$uid/$uid var/neuvector/" \
  > "$WORK/want.txt"
expect_same "files not owned by root" "$WORK/want.txt" "$WORK/got.txt"
grep -Eq '^-rwxr-xr-x 0/0 .* usr/local/bin/strata$' "$WORK/layer.txt" && pass \
  || fail "no usr/local/bin/strata in the layer"

# 4. The package oracle: the libraries' owners on this machine (dpkg -S, pattern by directory
# and file name), and their versions as dpkg-query reports them.
ldd "$STRATA" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u > "$WORK/libs.txt"
{
  while read -r lib; do
    dir=$(basename "$(dirname "$lib")")
    tail="/$dir/$(basename "$lib")"
    dpkg-query -S "*$tail" 2> /dev/null \
      | awk -F': ' -v t="$tail" 'substr($2, length($2) - length(t) + 1) == t {print $1}' \
      | tr ',' '\n' | sed 's/^ *//'
  done < "$WORK/libs.txt"
  echo base-files
  echo ca-certificates
} | sort -u > "$WORK/owners.txt"
[[ $(wc -l < "$WORK/owners.txt") -ge 10 ]] && pass || fail "too few owners: $(tr '\n' ' ' < "$WORK/owners.txt")"
xargs dpkg-query -W -f '${Package}\t${Version}\n' < "$WORK/owners.txt" | sort -u > "$WORK/oracle.tsv"
grep -q "^libc6	" "$WORK/oracle.tsv" && pass || fail "libc6 is not among the owners"

# 5. strata scans the layout and the archive: exactly those packages, as dpkg packages of
# Debian (this machine's release), nothing else, no crash.
source /etc/os-release
for input in "$layout" "$WORK/image.tar"; do
  expect_rc 0 "$STRATA" image --input "$input" --packages-only --format json
  cp "$WORK/out" "$WORK/scan.json"
  jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/scan.json" | sort -u > "$WORK/got.tsv"
  expect_same "packages of $(basename "$input") vs dpkg-query" "$WORK/oracle.tsv" "$WORK/got.tsv"
  jq -e --arg eco "Debian:$VERSION_ID" '[.packages[] | select(.type != "dpkg" or .ecosystem != $eco)]
    == [] and .target.os.ecosystem == $eco and (.secrets // []) == []' "$WORK/scan.json" > /dev/null \
    && pass || fail "$(basename "$input"): $(jq -c '{os: .target.os, secrets,
      other: [.packages[] | select(.type != "dpkg")]}' "$WORK/scan.json" | head -c 600)"
done
# of the CIS image checks only 4.6 (no HEALTHCHECK) applies: not 4.1, the image runs as strata
jq -e '[.checks[].test_number] == ["I.4.6"]' "$WORK/scan.json" > /dev/null && pass \
  || fail "checks: $(jq -c '[.checks[].test_number]' "$WORK/scan.json")"

# 6. The image's filesystem (umoci's unpack): its dpkg database is what the script wrote, the
# same packages again; the binary runs there as the image's user.
if [[ $(id -u) == 0 ]]; then
  umoci unpack --image "$layout:test" "$WORK/bundle" > "$WORK/umoci.log" 2>&1
else
  umoci unpack --rootless --image "$layout:test" "$WORK/bundle" > "$WORK/umoci.log" 2>&1
fi || { echo "FAIL: umoci unpack: $(cat "$WORK/umoci.log")" >&2; exit 1; }
root="$WORK/bundle/rootfs"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\n' \
  | awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3}' | sort -u > "$WORK/got.tsv"
expect_same "the image's dpkg status vs dpkg-query" "$WORK/oracle.tsv" "$WORK/got.tsv"
if [[ $(id -u) != 0 ]]; then
  echo "not root: the chroot checks are skipped"
  finish
  exit
fi
# in_image [VAR=VALUE...] [-- ARG...]: the image's entrypoint in its root as its user, with the
# config's Env and VAR=VALUE..., and ARG... as its arguments
in_image() {
  local env=()
  mapfile -t env < <(jq -r '.config.Env[]' "$WORK/config.json")
  while [[ $# -gt 0 && $1 != -- ]]; do
    env+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  env -i "${env[@]}" chroot --userspec="$uid:$uid" "$root" /usr/local/bin/strata "$@"
}
expect_rc 0 in_image -- version
[[ $(cat "$WORK/out") == $("$STRATA" version) ]] && pass || fail "the image's strata: $(cat "$WORK/out")"
# no arguments, no SCANNER_ON_DEMAND: strata's usage, not a scan
expect_rc 2 in_image
grep -q 'Usage' "$WORK/out" "$WORK/err" && pass || fail "no-argument run: $(head -c 300 "$WORK/err")"

# 7. The entrypoint with no arguments and SCANNER_ON_DEMAND: NeuVector's environment mode scans the
# image itself from a registry, as the non-root user, and writes the result under /var/neuvector.
start_registry open
push_oci "oci:$layout:test" "127.0.0.1:$port/strata/self:test"
rc=0
in_image SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://127.0.0.1:$port/" \
  SCANNER_REPOSITORY=strata/self SCANNER_TAG=test STRATA_PACKAGES_ONLY=true MAX_CACHE_RECORD_MB=100 \
  > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc == 0 ]] && pass || fail "on-demand mode in the image: exit $rc: $(head -c 400 "$WORK/err")"
r="$root/var/neuvector/scan_result.json"
[[ $(stat -c %u "$r" 2> /dev/null) == "$uid" ]] && pass || fail "no scan_result.json written by uid $uid"
jq -r '.report.modules[] | [.name, .version] | @tsv' "$r" | sort -u > "$WORK/got.tsv"
expect_same "on-demand result modules vs dpkg-query" "$WORK/oracle.tsv" "$WORK/got.tsv"
jq -e '.error_message == "" and .report.repository == "strata/self" and .report.tag == "test"' "$r" \
  > /dev/null && pass || fail "result header: $(jq -c '.report | del(.modules, .vulnerabilities)' "$r" | head -c 400)"
# the layer cache, NeuVector's /tmp/images/caches, made by the user too
[[ $(stat -c %u "$root/tmp/images/caches/index.sqlite" 2> /dev/null) == "$uid" ]] && pass \
  || fail "no layer cache in /tmp/images/caches: $(ls -lR "$root/tmp" | head -20)"

# 8. --shell adds busybox, whose sh runs strata in the image (GitLab CI jobs); skipped where
# busybox-static is not installed.
if dpkg-query -W -f '${db:Status-Abbrev}' busybox-static 2> /dev/null | grep -q '^ii'; then
  "$build_image" --binary "$STRATA" --shell --rootfs "$WORK/shell" > "$WORK/build.log" 2>&1 \
    && pass || fail "build-image.sh --shell: $(tail -3 "$WORK/build.log")"
  mapfile -t env < <(jq -r '.config.Env[]' "$WORK/config.json")
  out=$(env -i "${env[@]}" "$(command -v chroot)" --userspec="$uid:$uid" "$WORK/shell" /bin/sh -c \
    'cd /home/strata && touch x && ls x && strata version' 2>&1) || true
  [[ $out == "x"$'\n'"$("$STRATA" version)" ]] && pass || fail "sh in the --shell image: $out"
  dpkg-query --admindir="$WORK/shell/var/lib/dpkg" -W -f '${Package}\n' | grep -qx busybox-static \
    && pass || fail "busybox-static is not in the --shell image's dpkg status"
else
  echo "busybox-static is not installed: --shell is not tested"
fi
finish
