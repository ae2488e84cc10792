#!/usr/bin/env bash
# Layers read in parallel, decoded by ISA-L, and skipped when cached give exactly the serial,
# zlib-decoded, uncached scan: on every image of testdata/ (OCI layouts with gzip and zstd
# layers, whiteouts, an opaque directory and a multi-platform index; docker-save archives of
# every vintage, gzip-compressed and not; an OCI archive; the demo images, with findings from
# the demo database), the whole JSON report is compared (packages, layers, findings, secrets,
# warnings), apart from the layers' from_cache flag. Then: a warm scan of an uncompressed
# archive does not read its cached layers (it succeeds after they are damaged on disk), and a
# gzip-compressed archive says in the log that it is read in one pass.
source "$(dirname "$0")/lib.bash"
img="$TESTDATA/images"
db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip" \
  "$TESTDATA/demo/osv-alpine-v3.10/all.zip"

# Uncompressed copies of the gzip-compressed archives (read through the tar index) and
# compressed copies of some uncompressed ones (read in one pass).
mkdir -p "$WORK/copies"
for gz in "$img/docker-archive/alpine-upgrade.docker.tar.gz" \
  "$img/docker-save/trivy-alpine-311/alpine-311.tar.gz" "$TESTDATA/demo/"*.tar.gz; do
  gzip -dc "$gz" > "$WORK/copies/$(basename "$gz" .gz)"
done
for t in test_image_1 test_bundle mutate-whiteout_image hello-world-v25; do
  gzip -c "$img/docker-save/ggcr-tarballs/$t.tar" > "$WORK/copies/$t.tar.gz"
done
tar -C "$img/oci-alpine" -cf "$WORK/copies/oci-alpine.oci.tar" .

targets=(
  "$img/oci-alpine --tag 3.18.9" "$img/oci-alpine --tag upgrade" "$img/oci-alpine --tag multi"
  "$img/oci-alpine --tag multi --platform linux/arm64" "$img/oci-alpine --tag insert-truncated"
  "$img/oci-alpine-zstd --tag upgrade-zstd" "$img/oci-debian-dpkgmeta --tag bookworm"
  "$img/oci-debian-dpkgmeta --tag bookworm-hello" "$img/oci-rpm --tag sqlite" "$img/oci-rpm --tag bdb"
  "$WORK/copies/oci-alpine.oci.tar --tag upgrade"
)
for f in "$img"/docker-save/*/*.tar "$img"/docker-save/*/*.tar.gz "$img"/docker-archive/*.tar.gz \
  "$TESTDATA"/demo/*.tar.gz "$WORK"/copies/*.tar "$WORK"/copies/*.tar.gz; do
  targets+=("$f")
done

# scan NAME ARGS...: the JSON report without from_cache in $WORK/NAME.json, its exit code in
# $WORK/NAME.rc
scan() {
  local name=$1; shift
  local rc=0
  "$STRATA" image --db-dir "$db" --format json "$@" > "$WORK/raw.json" 2> "$WORK/$name.err" || rc=$?
  echo "$rc" > "$WORK/$name.rc"
  if [[ -s $WORK/raw.json ]]; then
    jq -S 'del(.layers[]?.from_cache)' "$WORK/raw.json" > "$WORK/$name.json"
  else
    : > "$WORK/$name.json"
  fi
}
same() {  # same WHAT NAME1 NAME2
  if [[ $(< "$WORK/$2.rc") != $(< "$WORK/$3.rc") ]]; then
    fail "$1: exit $(< "$WORK/$2.rc") vs $(< "$WORK/$3.rc"): $(head -c 300 "$WORK/$3.err")"
    return
  fi
  expect_same "$1" "$WORK/$2.json" "$WORK/$3.json"
}

scanned=0
for t in "${targets[@]}"; do
  read -r -a args <<< "$t"
  # The reference: one layer at a time, zlib, no cache.
  STRATA_GZIP_DECODER=zlib scan serial --parallel 1 --no-cache --input "${args[@]}"
  scan parallel --parallel 4 --no-cache --input "${args[@]}"
  same "parallel vs serial: $t" serial parallel
  # The same with a fresh layer cache: cold (stores), then warm (every layer from the cache).
  rm -rf "$WORK/lc"
  scan cold --cache-dir "$WORK/lc" --input "${args[@]}"
  scan warm --cache-dir "$WORK/lc" --input "${args[@]}"
  same "cold with cache vs serial: $t" serial cold
  same "warm vs serial: $t" serial warm
  if [[ $(< "$WORK/serial.rc") == 0 ]]; then
    scanned=$((scanned + 1))
    # (a compressed archive is read whole, in one pass: its layers are analysed as they pass)
    if [[ $t != *.gz && $(< "$WORK/warm.rc") == 0 ]] && ! jq -e '[.layers[]?.from_cache] | all' "$WORK/raw.json" > /dev/null; then
      fail "warm scan of $t read a layer: $(jq -c '[.layers[]?.from_cache]' "$WORK/raw.json")"
    fi
  fi
done
[[ $scanned -ge 25 ]] && pass || fail "only $scanned images scanned"

# A compressed archive and its uncompressed copy: the same report (the target's name aside).
for pair in "$TESTDATA/demo/ubuntu-18.04.tar.gz:$WORK/copies/ubuntu-18.04.tar" \
  "$img/docker-save/ggcr-tarballs/test_bundle.tar:$WORK/copies/test_bundle.tar.gz"; do
  scan a --no-cache --input "${pair%%:*}"
  scan b --no-cache --input "${pair##*:}"
  for n in a b; do
    jq -S 'del(.target.name)' "$WORK/$n.json" > "$WORK/$n.tmp" && mv "$WORK/$n.tmp" "$WORK/$n.json"
  done
  same "compressed vs uncompressed archive: $pair" a b
done

# A warm scan of an uncompressed archive reads none of its cached layers: after the layers are
# damaged on disk it still gives the same report, while an uncached scan fails on them.
cp "$WORK/copies/ubuntu-18.04.tar" "$WORK/damaged.tar"
rm -rf "$WORK/lc"
scan cold --cache-dir "$WORK/lc" --input "$WORK/damaged.tar"
while read -r name; do
  off=$(python3 - "$WORK/damaged.tar" "$name" << 'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmember(sys.argv[2])
    print(m.offset_data + m.size // 2)
EOF
  )
  printf 'damaged by the test' | dd of="$WORK/damaged.tar" bs=1 seek="$off" conv=notrunc status=none
done < <(tar -tvf "$WORK/damaged.tar" | awk '$1 ~ /^-/ && $3 > 100000 {print $6}')
scan warm --cache-dir "$WORK/lc" --input "$WORK/damaged.tar"
same "warm scan of the damaged archive vs its cold scan" cold warm
expect_rc 3 "$STRATA" image --db-dir "$db" --no-cache --format json --input "$WORK/damaged.tar"
expect_one_line_error "an uncached scan of the damaged archive"

# A gzip-compressed archive cannot be seeked: read in one pass, as the log says.
expect_rc 0 "$STRATA" --log-level info image --db-dir "$db" --cache-dir "$WORK/lc" --format json \
  --input "$TESTDATA/demo/ubuntu-18.04.tar.gz"
grep -q 'gzip-compressed archive: read in one pass' "$WORK/err" && pass \
  || fail "no one-pass note in the log: $(head -c 300 "$WORK/err")"
finish
