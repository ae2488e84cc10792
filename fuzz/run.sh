#!/usr/bin/env bash
# Runs every libFuzzer harness (or the ones named) for SECONDS each, one after the other, from a
# temporary copy of its seed corpus (fuzz/corpus/NAME plus testdata/fuzz/regressions/NAME), so the
# repository is never modified. Prints one line per harness (executions, new corpus size, result)
# and exits 1 if any harness found a crash, leak, sanitizer report, timeout or OOM; the inputs
# that did are kept under OUT/artifacts/NAME/ (OUT: $STRATA_FUZZ_OUT, else the temp dir, which is
# then kept) and the log under OUT/NAME.log.
#
#   fuzz/run.sh SECONDS [NAME...]        e.g. fuzz/run.sh 600; fuzz/run.sh 60 layer rpm
#   STRATA_FUZZ_BUILD  the build dir configured with -DSTRATA_FUZZ=ON (default: build-fuzz)
#   STRATA_FUZZ_JOBS   harnesses run at once (default 1)
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh SECONDS [HARNESS...]" >&2
  exit 2
fi
seconds=$1
shift
build=${STRATA_FUZZ_BUILD:-build-fuzz}
jobs=${STRATA_FUZZ_JOBS:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-fuzz.XXXXXX")
out=${STRATA_FUZZ_OUT:-$tmp}
mkdir -p "$out"

declare -A extra=()
names=()
while read -r name flags; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  names+=("$name")
  extra[$name]=$flags
done <fuzz/harnesses.txt
if [[ $# -gt 0 ]]; then
  for n in "$@"; do
    if [[ -z "${extra[$n]+x}" ]]; then
      echo "fuzz/run.sh: no harness '$n' in fuzz/harnesses.txt" >&2
      exit 2
    fi
  done
  names=("$@")
fi

run_one() {
  local name=$1 bin="$build/fuzz/fuzz_$1"
  if [[ ! -x "$bin" ]]; then
    echo "$name: $bin not built (cmake -DSTRATA_FUZZ=ON, see fuzz/README.md)"
    return 1
  fi
  local corpus="$tmp/corpus/$name" artifacts="$out/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  cp -r fuzz/corpus/"$name"/. "$corpus"/ 2>/dev/null
  if [[ -d testdata/fuzz/regressions/$name ]]; then
    find testdata/fuzz/regressions/"$name" -type f ! -name SOURCE.md -exec cp {} "$corpus"/ \;
  fi
  local dict=()
  [[ -f fuzz/dict/$name.dict ]] && dict=(-dict="fuzz/dict/$name.dict")
  local before rc
  before=$(find "$corpus" -type f | wc -l)
  # shellcheck disable=SC2086 # extra flags are words
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict[@]}" ${extra[$name]} "$corpus" >"$out/$name.log" 2>&1
  rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
  local result=ok
  if [[ $rc -ne 0 ]] || [[ -n "$(ls -A "$artifacts")" ]]; then
    result="FAILED (exit $rc; inputs in $artifacts, log $out/$name.log)"
  fi
  printf '%-12s %10s execs  corpus %5d -> %5d  %s\n' "$name" "${execs:-?}" "$before" \
    "$(find "$corpus" -type f | wc -l)" "$result"
  [[ $result == ok ]]
}

failed=0
running=0
for name in "${names[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [[ $running -gt 0 ]]; do
  wait -n || failed=1
  running=$((running - 1))
done

if [[ $failed -ne 0 ]]; then
  echo "fuzz/run.sh: failures; logs and inputs kept in $out" >&2
  exit 1
fi
if [[ -z "${STRATA_FUZZ_OUT:-}" ]]; then
  rm -rf "$tmp"
fi
