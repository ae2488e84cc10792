#!/usr/bin/env bash
# bench/scan: scan time and peak RSS of strata on the demo image and on a large synthetic image
# (4 layers, ~1 GiB uncompressed, 100k files), next to bare decompression of the same layers
# (gzip -dc, GNU gzip), measured in the same run. Prints the ratios (strata / baseline) and the
# peak RSS of strata (the largest of 3 runs; times are medians of 3).
#   STRATA_BENCH_DIR  where the synthetic image is generated and kept (default /tmp/strata-bench)
#   BENCH_MIB, BENCH_FILES  size of the synthetic image (default 1024 MiB, 100000 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
dir=${STRATA_BENCH_DIR:-/tmp/strata-bench}
mib=${BENCH_MIB:-1024}
files=${BENCH_FILES:-100000}
mkdir -p "$dir"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF > /dev/null
cmake --build build-bench -j"$(nproc)" --target strata > /dev/null
strata=$root/build-bench/strata
measure="python3 $root/bench/scan/measure.py"

db="$dir/demo-db"
rm -rf "$db"
"$strata" db import --db-dir "$db" testdata/demo/osv-ubuntu-18.04/all.zip testdata/demo/osv-alpine-v3.10/all.zip 2> /dev/null

large="$dir/large-$mib-$files"
if [[ ! -f $large/index.json ]]; then
  echo "generating $large (one-time)..." >&2
  rm -rf "$large"
  python3 bench/scan/make_image.py "$large" --mib "$mib" --files "$files" \
    --status testdata/pkgdb/local-debian12-cpp-image/status >&2
fi
layers=$(jq -r '.manifests[0].digest' "$large/index.json" | sed 's/sha256://')
layers=$(jq -r '.layers[].digest' "$large/blobs/sha256/$layers" | sed "s#sha256:#$large/blobs/sha256/#")

printf '%-28s %10s %10s %8s %10s\n' image baseline_s strata_s ratio peak_MiB
run() {  # name baseline-cmd strata-cmd...
  local name=$1 base=$2; shift 2
  read -r bt _ < <($measure --repeat 3 -- bash -c "$base")
  read -r st rss < <($measure --repeat 3 -- "$@")
  printf '%-28s %10.3f %10.3f %8.2f %10.1f\n' "$name" "$bt" "$st" "$(awk -v s="$st" -v b="$bt" 'BEGIN{print s/b}')" "$rss"
}
run "demo ubuntu (with match)" "gzip -dc testdata/demo/ubuntu-18.04.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/ubuntu-18.04.tar.gz
run "alpine 3.10 (with match)" "gzip -dc testdata/demo/alpine-3.10.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/alpine-3.10.tar.gz
run "large ($mib MiB, $files files)" "for l in $(echo $layers); do gzip -dc \$l > /dev/null; done" \
  "$strata" image --packages-only --format json --input "$large"
