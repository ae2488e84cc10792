#!/usr/bin/env bash
# bench/host: a host scan of this machine (strata host --root /, packages only and with the demo
# database), next to `dpkg-query -W` listing the same packages from the same database, in the same
# run. Prints wall times (median of 5), the ratio, strata's peak RSS, and what the scan touched
# (paths looked up, files read, bytes read; from its info log).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.bash

command -v dpkg-query > /dev/null || { echo "bench/host: needs a dpkg-based machine" >&2; exit 1; }
printf '%-30s %10s %10s %8s %10s\n' scan baseline_s strata_s ratio peak_MiB
read -r bt _ < <($measure --repeat 5 -- bash -c "dpkg-query -W > /dev/null")
for mode in packages-only with-db; do
  args=(--packages-only)
  [[ $mode == with-db ]] && args=(--db-dir "$db")  # the demo db: this machine's OS may have no data in it
  read -r st rss < <($measure --repeat 5 -- "$strata" -q host --root / "${args[@]}" --format json)
  printf '%-30s %10.3f %10.3f %8.2f %10.1f\n' "host ($mode)" "$bt" "$st" \
    "$(ratio "$st" "$bt")" "$rss"
done
"$strata" --log-level info host --root / --packages-only --format json 2>&1 > /dev/null \
  | grep -o '[0-9]* packages.*' | sed 's/^/touched: /'
