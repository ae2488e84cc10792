# Shared set-up of the bench/*/run.sh scripts (sourced from the repository root): a Release build
# of strata in build-bench ($strata), the timing helper ($measure: prints "median_seconds
# peak_rss_MiB"), the work directory ($dir, STRATA_BENCH_DIR, default /tmp/strata-bench, kept
# between runs for generated images) and the demo database ($db).
root=$PWD
dir=${STRATA_BENCH_DIR:-/tmp/strata-bench}
mkdir -p "$dir"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF > /dev/null
cmake --build build-bench -j"$(nproc)" --target strata > /dev/null
strata=$root/build-bench/strata
measure="python3 $root/bench/scan/measure.py"
db="$dir/demo-db"
rm -rf "$db"
"$strata" db import --db-dir "$db" testdata/demo/osv-ubuntu-18.04/all.zip \
  testdata/demo/osv-alpine-v3.10/all.zip 2> /dev/null

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
