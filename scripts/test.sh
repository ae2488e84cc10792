#!/usr/bin/env bash
# Installs dependencies (build and test tools), checks the formatting, builds strata twice
# (release with gcc, and clang with ASan+UBSan and libFuzzer's coverage instrumentation), and runs
# every test: unit, layering, format, golden CLI tests, integration tests; then, in the sanitizer
# build, the unit tests again and every fuzz harness for a short run plus its regression inputs
# (label `fuzz`, fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/check-format.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
# One clang build serves the sanitized unit tests and the fuzzers: the library is compiled once,
# with -fsanitize=fuzzer-no-link,address,undefined (STRATA_FUZZ implies ASan and UBSan), at -O1.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DSTRATA_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs"
(cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" -L 'unit|fuzz')
