#!/usr/bin/env bash
# bench/cache_scale: the layer cache with 100,000 synthetic records (bench_cache_scale.cpp):
# insert rate, lookup + touch p50/p99, miss latency, the time of a store that evicts about a
# fifth of the records, the benchmark's peak RSS; then `strata cache stats` and `strata cache
# data` (which writes cacher.json) on the filled cache: wall time and peak RSS.
# Usage: bench/cache_scale/run.sh [RECORDS]   (Release build in build-bench/, as bench/common.bash)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$src/build-bench}  # the Release build bench/common.bash makes
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF > /dev/null
cmake --build "$build" -j2 --target bench_cache_scale strata > /dev/null
work=$(mktemp -d /tmp/strata-bench-cache-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
records=${1:-100000}
echo "bench_cache_scale: $records records ($(uname -m), $(nproc) cpus, Release)"
"$build/bench/cache_scale/bench_cache_scale" "$work/cache/layers" "$records"
measure="python3 $src/bench/scan/measure.py"
read -r st srss < <($measure --repeat 5 -- "$build/strata" cache stats --cache-dir "$work/cache")
read -r dt drss < <($measure --repeat 3 -- "$build/strata" cache data --cache-dir "$work/cache")
printf 'strata_cache_stats %.3f s (peak RSS %s MiB)\n' "$st" "$srss"
printf 'strata_cache_data %.3f s (peak RSS %s MiB; cacher.json %s bytes)\n' "$dt" "$drss" \
  "$(stat -c %s "$work/cache/layers/cacher.json")"
du -sh "$work/cache/layers/index.sqlite" | awk '{print "index_sqlite_size " $1}'
