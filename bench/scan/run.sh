#!/usr/bin/env bash
# bench/scan: scan time and peak RSS of strata on the demo image and on a large synthetic image
# (4 layers, ~1 GiB uncompressed, 100k files, 30% of them text files: see make_image.py), next to bare decompression of the same layers
# (gzip -dc, GNU gzip), measured in the same run. Prints the ratios (strata / baseline) and the
# peak RSS of strata (the largest of 3 runs; times are medians of 3). The large image is scanned
# cold (--no-cache) and warm (from a filled layer cache), each with --scanners vuln and with
# --scanners vuln,secret: what secret scanning adds to a cold scan, and that a warm scan costs the
# same with it.
#   STRATA_BENCH_DIR  where the synthetic image is generated and kept (default /tmp/strata-bench)
#   BENCH_MIB, BENCH_FILES  size of the synthetic image (default 1024 MiB, 100000 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.bash
mib=${BENCH_MIB:-1024}
files=${BENCH_FILES:-100000}

large="$dir/large-$mib-$files-text30"
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
  last=$st
}
run "demo ubuntu (with match)" "gzip -dc testdata/demo/ubuntu-18.04.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/ubuntu-18.04.tar.gz
run "alpine 3.10 (with match)" "gzip -dc testdata/demo/alpine-3.10.tar.gz > /dev/null" \
  "$strata" image --db-dir "$db" --format json testdata/demo/alpine-3.10.tar.gz
unpack="for l in $(echo $layers); do gzip -dc \$l > /dev/null; done"
# Cold: --no-cache, nothing is read from or written to a layer cache.
run "large cold, vuln" "$unpack" \
  "$strata" image --no-cache --scanners vuln --packages-only --format json --input "$large"
cold_vuln=$last
run "large cold, vuln,secret" "$unpack" \
  "$strata" image --no-cache --scanners vuln,secret --packages-only --format json --input "$large"
cold_secret=$last
# Warm: every layer's analysis from a layer cache filled once beforehand (with secrets: a record
# made with the secret rules serves both); the run fails if a layer was read.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
declare -A warm
"$strata" image --cache-dir "$cache" --packages-only --format json --input "$large" > /dev/null
for scanners in vuln vuln,secret; do
  "$strata" image --cache-dir "$cache" --scanners "$scanners" --packages-only --format json \
    --input "$large" | jq -e '[.layers[].from_cache] | all' > /dev/null \
    || { echo "bench/scan: the warm $scanners scan read a layer" >&2; exit 1; }
  run "large warm, $scanners" "$unpack" \
    "$strata" image --cache-dir "$cache" --scanners "$scanners" --packages-only --format json \
    --input "$large"
  warm[$scanners]=$last
done
awk -v a="$cold_secret" -v b="$cold_vuln" -v c="${warm[vuln,secret]}" -v d="${warm[vuln]}" 'BEGIN {
  printf "secret scanning adds %.0f%% to a cold scan (goal: under 25%%), %.0f%% to a warm one\n",
    (a / b - 1) * 100, (c / d - 1) * 100 }'
