#!/usr/bin/env bash
# Installs dependencies (build and test tools), checks the formatting, builds strata twice
# (release, and ASan+UBSan), and runs every test: unit, layering, format, golden CLI tests,
# integration tests; then builds the libFuzzer harnesses (clang, ASan+UBSan) and runs each briefly
# plus its regression inputs (label `fuzz`, fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/check-format.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSTRATA_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" -L unit)
# The fuzz harnesses (fuzz/README.md): clang, the library with -fsanitize=fuzzer-no-link,address,
# undefined at -O1; only the modules the harnesses link are built (target strata_fuzzers). Each
# harness runs 10 s from its seeds, and every regression input is replayed.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DSTRATA_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target strata_fuzzers
(cd build-fuzz && ctest --output-on-failure -j"$jobs" -L fuzz)
