#!/usr/bin/env bash
# Bad input: each case is one "strata: error:" line naming the file, exit code 3, no crash, no
# hang (every run is under `timeout`), and nothing written to the output path.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"
demo="$TESTDATA/demo/alpine-3.10.tar.gz"
good="$WORK/good"
bash "$support/rootfs-to-oci.sh" "$TESTDATA/alpine-minirootfs/alpine-minirootfs-3.18.9-x86_64.tar.gz" "$good" 3.18.9 amd64

check_bad() {  # name path [extra args]
  local name=$1 path=$2; shift 2
  rm -f "$WORK/report.json"
  expect_rc 3 timeout 60 "$STRATA" image --packages-only --format json -o "$WORK/report.json" "$@" --input "$path"
  expect_one_line_error "$name"
  [[ ! -e "$WORK/report.json" ]] && pass || fail "$name: report written despite the error"
}
copy_good() { rm -rf "$WORK/$1"; cp -r "$good" "$WORK/$1"; echo "$WORK/$1"; }
manifest_of() { jq -r '.manifests[0].digest' "$1/index.json" | sed "s#sha256:#$1/blobs/sha256/#"; }
config_of() { jq -r '.config.digest' "$(manifest_of "$1")" | sed "s#sha256:#$1/blobs/sha256/#"; }
layer_of() { jq -r '.layers[0].digest' "$(manifest_of "$1")" | sed "s#sha256:#$1/blobs/sha256/#"; }

# truncated gzip: the outer archive and a layer blob
head -c 1000000 "$demo" > "$WORK/truncated.tar.gz"
check_bad "truncated gzip archive" "$WORK/truncated.tar.gz"
d=$(copy_good truncated-layer); l=$(layer_of "$d"); head -c 100000 "$l" > "$l.x"; mv "$l.x" "$l"
check_bad "truncated gzip layer" "$d"
# zstd layer cut short
d=$(copy_good truncated-zstd); l=$(layer_of "$d")
gzip -dc "$TESTDATA/alpine-minirootfs/alpine-minirootfs-3.18.9-x86_64.tar.gz" | zstd -q -c > "$WORK/full.zst"
head -c 50000 "$WORK/full.zst" > "$l"
check_bad "truncated zstd layer" "$d"

# a layer whose relative path climbs out of the root (absolute names are joined under the root,
# as Docker does: tests/golden/rpm_images.sh scans such an image)
for evil in "../../escape.txt" "a/../../escape.txt"; do
  python3 - "$WORK/evil.tar" "$evil" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name in ("etc/os-release", sys.argv[2]):
        data = b"ID=alpine\nVERSION_ID=3.18.9\n"
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
PY
  gzip -n -f "$WORK/evil.tar"
  bash "$support/rootfs-to-oci.sh" "$WORK/evil.tar.gz" "$WORK/evil-layout-${#evil}" evil amd64
  check_bad "layer path $evil" "$WORK/evil-layout-${#evil}"
  [[ ! -e "$WORK/escape.txt" ]] && pass || fail "file written outside"
done

# manifest naming a missing blob
d=$(copy_good missing-blob); rm "$(layer_of "$d")"
check_bad "missing blob" "$d"
# blob content not matching its digest
d=$(copy_good bad-digest); c=$(config_of "$d"); sed -i 's/"amd64"/"AMD64"/' "$c"
check_bad "digest mismatch" "$d"
# malformed JSON
d=$(copy_good bad-json); echo '{"schemaVersion":2,"manifests":[' > "$d/index.json"
check_bad "malformed index.json" "$d"
# layer count disagreeing with diff_ids: rewrite config + manifest with an extra diff_id
d=$(copy_good layer-count); c=$(config_of "$d"); m=$(manifest_of "$d")
jq -c '.rootfs.diff_ids += [.rootfs.diff_ids[0]]' "$c" > "$WORK/c.json"
chex=$(sha256sum "$WORK/c.json" | cut -d' ' -f1); cp "$WORK/c.json" "$d/blobs/sha256/$chex"
jq -c --arg c "sha256:$chex" --argjson s "$(stat -c %s "$WORK/c.json")" '.config.digest = $c | .config.size = $s' "$m" > "$WORK/m.json"
mhex=$(sha256sum "$WORK/m.json" | cut -d' ' -f1); cp "$WORK/m.json" "$d/blobs/sha256/$mhex"
jq -c --arg m "sha256:$mhex" --argjson s "$(stat -c %s "$WORK/m.json")" '.manifests[0].digest = $m | .manifests[0].size = $s' "$d/index.json" > "$WORK/i.json"
mv "$WORK/i.json" "$d/index.json"
check_bad "layer count != diff_ids" "$d"
# empty archive, empty tar, random bytes, a directory that is not a layout, a missing path
: > "$WORK/empty.tar"; check_bad "empty file" "$WORK/empty.tar"
head -c 10240 /dev/zero > "$WORK/zeros.tar"; check_bad "empty tar" "$WORK/zeros.tar"
head -c 5000 /dev/urandom > "$WORK/random.bin"; check_bad "random bytes" "$WORK/random.bin"
mkdir -p "$WORK/notalayout/sub"; check_bad "not a layout" "$WORK/notalayout"
check_bad "missing path" "$WORK/does-not-exist"
finish
