#!/usr/bin/env bash
# bench/detect: the cost of reading an rpm database, SQLite and BerkeleyDB, against a bare read of
# the layer that holds it. bench/detect/make_images.py generates (once) one OCI layout with three
# single-layer images, each ~280 MiB uncompressed: the files of BENCH_PACKAGES packages (default
# 1200, built by rpmbuild), an AlmaLinux 9.4 os-release, and both databases of those packages
# (made by `rpm -i --justdb`, and from its headers by db5.3_load). The layers hold the same bytes
# and differ only in where the databases are:
#   sqlite  var/lib/rpm/rpmdb.sqlite (-wal, -shm)
#   bdb     var/lib/rpm/Packages (BerkeleyDB)
#   nodb    neither: both under names strata does not read, the baseline, so that
#           strata(db) - strata(nodb) is what reading the database costs, not decompressing it
# For each it prints the bare read of its layer (gzip -dc, GNU gzip; igzip -dc too when
# installed), `strata image --no-cache --packages-only` of it (medians of BENCH_REPEAT runs,
# default 3; wall and CPU seconds; peak RSS the largest of the runs), and the time strata logs for
# building the merged view and detecting packages; then, per database, what it adds over the
# baseline scan: time against the bare read of its layer (the goal: under 10%), peak RSS against
# the database file's size (the goal: the file's size plus a small constant).
# It fails when strata lists a different number of packages than `rpm -qa` on the same database,
# or when a scan wrote to the layer cache (every scan must be cold).
# Language packages (npm, Maven, Go, PyPI: issue 14) are bench/detect/run_lang.sh.
#   STRATA_BENCH_DIR  where the images are generated and kept (default /tmp/strata-bench)
#   BENCH_PACKAGES, BENCH_MIB  packages in the database and MiB of package files (1200, 256)
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in rpm rpmbuild rpmdb db5.3_load jq; do
  command -v "$tool" > /dev/null || {
    echo "bench/detect: needs $tool (scripts/install-deps.sh --test installs rpm and db5.3-util)" >&2
    exit 1
  }
done
source bench/common.bash
packages=${BENCH_PACKAGES:-1200}
mib=${BENCH_MIB:-256}
repeat=${BENCH_REPEAT:-3}

images="$dir/detect-$packages-$mib"
generate_once "$images" python3 bench/detect/make_images.py "$images" --packages "$packages" \
  --mib "$mib"

# An empty cache directory in the environment as well as --no-cache: a scan that wrote to it
# would not have been cold (checked at the end).
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export STRATA_CACHE_DIR=$cache
scan() {  # scan TAG [GLOBAL_FLAGS...]: a cold scan of the image tagged TAG, the report on stdout
  local tag=$1
  shift
  "$strata" "$@" image --no-cache --packages-only --format json --input "$images" --tag "$tag"
}

layer_of() {  # layer_of TAG: the layer blob of the image tagged TAG
  local m
  m=$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]
        == $t) | .digest' "$images/index.json" | sed 's/sha256://')
  jq -r '.layers[0].digest' "$images/blobs/sha256/$m" | sed "s#sha256:#$images/blobs/sha256/#"
}
mib_of() { awk -v b="$(stat -c %s "$1")" 'BEGIN{printf "%.1f", b/1048576}'; }

# rpm -qa on each database against the rpm packages strata lists from its image.
rpm_qa() { rpm --root "$images/rpmroot-$1" --dbpath /var/lib/rpm --define "_db_backend $2" -qa \
  2> /dev/null | wc -l; }
for spec in sqlite:sqlite bdb:bdb_ro; do
  tag=${spec%%:*}
  want=$(rpm_qa "$tag" "${spec##*:}")
  got=$(scan "$tag" -q | jq '[.packages[] | select(.type == "rpm")] | length')
  if [[ $want != "$got" || $want -lt $packages ]]; then
    echo "bench/detect: strata lists $got rpm packages in the $tag image, rpm -qa $want" >&2
    exit 1
  fi
done
echo "packages: $packages (strata = rpm -qa on both databases)"
echo "rpmdb.sqlite $(mib_of "$images/rpmroot-sqlite/var/lib/rpm/rpmdb.sqlite") MiB," \
  "Packages (BerkeleyDB) $(mib_of "$images/rpmroot-bdb/var/lib/rpm/Packages") MiB"
echo

# The merged view and detection as strata logs them (info: "merged view of ... in X ms, detected
# in Y ms"): "X Y", each the median of the runs.
logged_ms() {
  local log merge="" detect=""
  for _ in $(seq "$repeat"); do
    log=$(scan "$1" --log-level info 2>&1 > /dev/null | grep -E 'merged view .* detected in')
    merge+="$(sed -E 's/.* kept\) in ([0-9.]+) ms.*/\1/' <<< "$log") "
    detect+="$(sed -E 's/.*detected in ([0-9.]+) ms.*/\1/' <<< "$log") "
  done
  med() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
  echo "$(med "$merge") $(med "$detect")"
}

# Wall and CPU (user + system) seconds: the machine may be busy with other work, which inflates
# wall times; CPU times are steadier.
printf '%-7s %9s %7s %7s %8s %8s %8s %9s %9s %9s %9s\n' image layer_MiB db_MiB gzip_s gzip_cpu \
  igzip_s strata_s strata_cpu merge_ms detect_ms peak_MiB
declare -A gz gzc st stc rss db
for tag in nodb sqlite bdb; do
  layer=$(layer_of "$tag")
  read -r gz[$tag] _ gzc[$tag] < <($measure --repeat "$repeat" --cpu -- \
    bash -c "gzip -dc '$layer' > /dev/null")
  ig=-
  if command -v igzip > /dev/null; then
    read -r ig _ < <($measure --repeat "$repeat" -- bash -c "igzip -dc '$layer' > /dev/null")
  fi
  read -r st[$tag] rss[$tag] stc[$tag] < <($measure --repeat "$repeat" --cpu -- \
    "$strata" -q image --no-cache --packages-only --format json --input "$images" --tag "$tag")
  case $tag in
    nodb) db[$tag]=0 ;;
    sqlite) db[$tag]=$(stat -c %s "$images/rpmroot-sqlite/var/lib/rpm/rpmdb.sqlite") ;;
    bdb) db[$tag]=$(stat -c %s "$images/rpmroot-bdb/var/lib/rpm/Packages") ;;
  esac
  read -r merge_ms detect_ms < <(logged_ms "$tag")
  printf '%-7s %9.1f %7.1f %7.3f %8.3f %8s %8.3f %9.3f %9s %9s %9.1f\n' "$tag" \
    "$(awk -v b="$(gzip -l "$layer" | awk 'NR==2{print $2}')" 'BEGIN{print b/1048576}')" \
    "$(awk -v b="${db[$tag]}" 'BEGIN{print b/1048576}')" "${gz[$tag]}" "${gzc[$tag]}" "$ig" \
    "${st[$tag]}" "${stc[$tag]}" "$merge_ms" "$detect_ms" "${rss[$tag]}"
done

# Per database: strata against the baseline scan (nodb) and against gzip -dc of its own layer;
# added = strata(db) - strata(nodb), in wall and CPU seconds (the goal: under 10% of the layer
# read) and in peak RSS (the goal: the database file's size plus a small constant).
echo
printf '%-7s %13s %11s %9s %10s %9s %10s %9s %9s\n' db strata/nodb strata/gzip added_s \
  added/gzip added_cpu added/gzip added_MiB added/db
for tag in sqlite bdb; do
  added=$(awk -v a="${st[$tag]}" -v b="${st[nodb]}" 'BEGIN{printf "%.3f", a-b}')
  added_cpu=$(awk -v a="${stc[$tag]}" -v b="${stc[nodb]}" 'BEGIN{printf "%.3f", a-b}')
  added_mib=$(awk -v a="${rss[$tag]}" -v b="${rss[nodb]}" 'BEGIN{printf "%.1f", a-b}')
  printf '%-7s %13s %11s %9s %9s%% %9s %9s%% %9s %9s\n' "$tag" \
    "$(ratio "${st[$tag]}" "${st[nodb]}")" "$(ratio "${st[$tag]}" "${gz[$tag]}")" "$added" \
    "$(awk -v a="$added" -v g="${gz[$tag]}" 'BEGIN{printf "%.1f", 100*a/g}')" "$added_cpu" \
    "$(awk -v a="$added_cpu" -v g="${gzc[$tag]}" 'BEGIN{printf "%.1f", 100*a/g}')" "$added_mib" \
    "$(awk -v a="$added_mib" -v d="${db[$tag]}" 'BEGIN{printf "%.2f", a*1048576/d}')"
done

if [[ -n $(ls -A "$cache") ]]; then
  echo "bench/detect: a --no-cache scan wrote to the layer cache $cache" >&2
  exit 1
fi
