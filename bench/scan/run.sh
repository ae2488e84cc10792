#!/usr/bin/env bash
# bench/scan: scan time and peak RSS of strata on the demo image and on a large synthetic image
# (4 layers, ~1 GiB uncompressed, 100k files), next to bare decompression of the same layers
# (gzip -dc, GNU gzip), measured in the same run. Prints the ratios (strata / baseline) and the
# peak RSS of strata (the largest of 3 runs; times are medians of 3).
#   STRATA_BENCH_DIR  where the synthetic image is generated and kept (default /tmp/strata-bench)
#   BENCH_MIB, BENCH_FILES  size of the synthetic image (default 1024 MiB, 100000 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.bash
mib=${BENCH_MIB:-1024}
files=${BENCH_FILES:-100000}

large="$dir/large-$mib-$files"
generate_once "$large" python3 bench/scan/make_image.py "$large" --mib "$mib" --files "$files" \
  --status testdata/pkgdb/dpkg/local-debian12-cpp-image/status
layers=$(jq -r '.manifests[0].digest' "$large/index.json" | sed 's/sha256://')
layers=$(jq -r '.layers[].digest' "$large/blobs/sha256/$layers" | sed "s#sha256:#$large/blobs/sha256/#")

printf '%-28s %10s %10s %8s %10s\n' image baseline_s strata_s ratio peak_MiB
run() {  # name baseline-cmd strata-cmd...
  local name=$1 base=$2; shift 2
  read -r bt _ < <($measure --repeat 3 -- bash -c "$base")
  read -r st rss < <($measure --repeat 3 -- "$@")
  printf '%-28s %10.3f %10.3f %8.2f %10.1f\n' "$name" "$bt" "$st" "$(ratio "$st" "$bt")" "$rss"
}
run "demo ubuntu (with match)" "gzip -dc testdata/demo/ubuntu-18.04.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/ubuntu-18.04.tar.gz
run "alpine 3.10 (with match)" "gzip -dc testdata/demo/alpine-3.10.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/alpine-3.10.tar.gz
run "large ($mib MiB, $files files)" "for l in $(echo $layers); do gzip -dc \$l > /dev/null; done" \
  "$strata" image --packages-only --format json --input "$large"
