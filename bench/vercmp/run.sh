#!/usr/bin/env bash
# Builds bench_vercmp in Release (build-bench-vercmp/) and prints, per scheme, comparisons per
# second on parsed versions and from strings, and heap allocations per comparison.
# Usage: bench/vercmp/run.sh [SECONDS_PER_MEASUREMENT]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$src/build-bench-vercmp}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target bench_vercmp >/dev/null
pin=()
if command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c 0)  # one core
fi
echo "bench_vercmp ($(uname -m), $(nproc) cpus, Release; Mcmp/s = million comparisons per second)"
"${pin[@]}" "$build/bench/vercmp/bench_vercmp" "$src/testdata" "${1:-0.5}"
