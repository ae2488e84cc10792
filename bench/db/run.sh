#!/usr/bin/env bash
# bench/db: the vulnerability database at scale, in one run.
#
#   bench/db/run.sh [DATASETS]     (DATASETS: a directory of OSV records, default
#                                   ../shared/datasets/osv-* when present, else testdata/osv)
#
# Two corpora, each packed as OSV exports (<Ecosystem>/all.zip) by bench/db/make_corpus.py: every
# record of DATASETS, and a synthetic one of STRATA_BENCH_COPIES (default 40) copies of it with
# ids and package names varied (about 1,000,000 records from the 25k of ../shared/datasets).
# For each it prints:
#   - import: `strata db import` of the zips, records/s, peak RSS, against the bare decompression
#     of the same zips (`unzip -p`, the baseline) measured in the same run;
#   - size: the database file against the zips it came from;
#   - open + match: `strata rootfs` of an Ubuntu 16.04 root whose dpkg status lists 1,000 packages
#     that the corpus has advisories for: the time to open the database and the time to match the
#     1,000 packages (medians of 7, from strata's info log), and the whole scan's wall time next to
#     the same scan with --packages-only (no database).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.bash

copies=${STRATA_BENCH_COPIES:-40}
if [[ $# -ge 1 ]]; then
  srcs=("$1")
elif compgen -G "../shared/datasets/osv-*" > /dev/null; then
  srcs=(../shared/datasets/osv-*)
else
  srcs=(testdata/osv)
fi
command -v unzip > /dev/null || { echo "bench/db: needs unzip (the baseline)" >&2; exit 1; }

corpus() {  # corpus NAME COPIES: builds $dir/corpus-NAME once
  local out="$dir/corpus-$1"
  if [[ ! -f $out/packages.tsv ]]; then
    rm -rf "$out"
    python3 bench/db/make_corpus.py "$out" "${srcs[@]}" --copies "$2" 2> /dev/null
  fi
  echo "$out"
}

# A root with /etc/os-release of Ubuntu 16.04 and 1,000 dpkg packages named after advisories of
# the corpus (version 0.1: below most fixes), picked with a fixed seed.
make_root() {  # make_root CORPUS ROOT
  rm -rf "$2"
  mkdir -p "$2/etc" "$2/var/lib/dpkg"
  printf 'NAME="Ubuntu"\nVERSION_ID="16.04"\nID=ubuntu\nVERSION_CODENAME=xenial\n' > "$2/etc/os-release"
  python3 - "$1/packages.tsv" "$2/var/lib/dpkg/status" << 'PY'
import random, sys
names = sorted({n for e, n in (l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
                if e == "Ubuntu:16.04:LTS"})
random.seed(1)
pick = sorted(random.sample(names, min(1000, len(names))))
with open(sys.argv[2], "w") as f:
    for n in pick:
        f.write(f"Package: {n}\nStatus: install ok installed\nVersion: 0.1\nArchitecture: amd64\n\n")
print(len(pick), file=sys.stderr)
PY
}

printf '%-12s %9s %10s %9s %9s %8s %9s %9s %8s\n' corpus records import_s rec_per_s unzip_s ratio peak_MiB zip_MiB db_ratio
for spec in "datasets:1" "synthetic:$copies"; do
  name=${spec%%:*}
  n=${spec##*:}
  c=$(corpus "$name" "$n")
  zips=("$c"/*/all.zip)
  read -r ut _ < <($measure --repeat 1 -- bash -c 'for z; do unzip -p "$z" > /dev/null; done' _ "${zips[@]}")
  out="$dir/db-$name"
  rm -rf "$out"
  "$strata" db import --db-dir "$out" "${zips[@]}" 2> "$dir/import-$name.log"
  read -r it rss < <($measure --repeat 1 -- "$strata" -q db import --db-dir "$out" "${zips[@]}")
  records=$("$strata" db info --db-dir "$out" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["record_count"])')
  zip_bytes=$(cat "${zips[@]}" | wc -c)
  db_bytes=$(stat -c %s "$out/strata.db")
  printf '%-12s %9d %10.2f %9.0f %9.2f %8s %9.1f %9.1f %8s\n' "$name" "$records" "$it" \
    "$(awk -v r="$records" -v t="$it" 'BEGIN{print r/t}')" "$ut" "$(ratio "$it" "$ut")" "$rss" \
    "$(awk -v b="$zip_bytes" 'BEGIN{print b/1048576}')" "$(ratio "$db_bytes" "$zip_bytes")"
done

echo
# open + match as strata logs them (--log-level info): the time to open the database, and the time
# to look up and match the packages, including reading the text of every advisory reported.
printf '%-12s %9s %9s %10s %9s %12s %9s %9s\n' corpus packages findings open_ms match_ms scan_no_db_s scan_s peak_MiB
for name in datasets synthetic; do
  root="$dir/root-$name"
  pkgs=$(make_root "$dir/corpus-$name" "$root" 2>&1)
  read -r bt _ < <($measure --repeat 7 -- "$strata" -q rootfs "$root" --packages-only --format json)
  read -r st rss < <($measure --repeat 7 -- "$strata" -q rootfs "$root" --db-dir "$dir/db-$name" --format json)
  best_open=""; best_match=""
  for _ in 1 2 3 4 5 6 7; do
    log=$("$strata" --log-level info rootfs "$root" --db-dir "$dir/db-$name" --format json 2>&1 > /dev/null)
    o=$(grep -oE 'database .* in [0-9.]+ ms' <<< "$log" | grep -oE '[0-9.]+ ms' | cut -d' ' -f1)
    m=$(grep -oE 'matched [0-9]+ packages in [0-9.]+ ms' <<< "$log" | grep -oE '[0-9.]+ ms' | cut -d' ' -f1)
    f=$(grep -oE 'ms: [0-9]+ findings' <<< "$log" | grep -oE '[0-9]+ findings' | cut -d' ' -f1)
    best_open+="$o "; best_match+="$m "
  done
  med() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
  printf '%-12s %9s %9s %10.1f %9.1f %12.3f %9.3f %9.1f\n' "$name" "$pkgs" "$f" "$(med "$best_open")" \
    "$(med "$best_match")" "$bt" "$st" "$rss"
done
