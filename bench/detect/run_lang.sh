#!/usr/bin/env bash
# bench/detect, language packages (issue 14): the cost of finding npm, Maven, Go and Python
# packages against a bare read of the layers that hold them. bench/detect/make_lang_images.py
# generates (once) one OCI layout with an image of four layers, one per ecosystem: BENCH_NPM
# installed npm packages (default 5000) under /app/node_modules with their package-lock.json,
# BENCH_JARS archives (200: plain jars copied from testdata/pkgdb/java, two Spring Boot fat jars,
# two wars, three-level nested jars), BENCH_GO Go executables (50, copies of the ELF fixtures of
# testdata/pkgdb/go-binary) and BENCH_PYTHON dist-infos (2000, METADATA from
# testdata/pkgdb/python) with real Python sources beside them. Its tags:
#   lang     the four layers
#   base     the same bytes, in which strata finds nothing: package.json, package-lock.json,
#            METADATA and *.jar renamed to *.copy, the Go binaries without an execute bit. The
#            baseline: strata(lang) - strata(base) is what detection costs, not decompressing
#            and hashing the layers
#   npm maven go pypi (and npm-base ...)  each layer alone, and its baseline (the same blobs)
# First a gate: strata must list exactly what the generator wrote (expected-lang.tsv: type,
# name, version and path of every package; nested jars as "a.jar!/BOOT-INF/lib/b.jar"; per Go
# binary its modules and stdlib) and nothing in the baseline; the bench fails otherwise. Then,
# per image, the bare read of its layers (gzip -dc, GNU gzip, one layer after the other, as
# strata reads them from a layout; igzip -dc too when installed), `strata image --no-cache
# --packages-only` of it (medians of BENCH_REPEAT runs, default 3, each image's interleaved with
# its baseline's and the bare read's; wall and CPU seconds; peak RSS the largest of the runs) and the times strata logs for the merged view and OS detection
# (language files are parsed while the layers are read, inside strata_s); then, per ecosystem
# and for the whole image, what detection adds over the baseline, against the bare read (the
# goal: under 20%), and the peak RSS of the whole image (the goal: under 150 MB = 143.1 MiB).
# It fails when a scan wrote to the layer cache (every scan must be cold).
#   STRATA_BENCH_DIR  where the images are generated and kept (default /tmp/strata-bench)
#   BENCH_NPM, BENCH_JARS, BENCH_GO, BENCH_PYTHON  the counts above (5000, 200, 50, 2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in jq zstd gzip python3; do
  command -v "$tool" > /dev/null || {
    echo "bench/detect: needs $tool" >&2
    exit 1
  }
done
source bench/common.bash
npm=${BENCH_NPM:-5000}
jars=${BENCH_JARS:-200}
gobin=${BENCH_GO:-50}
python=${BENCH_PYTHON:-2000}
repeat=${BENCH_REPEAT:-3}

images="$dir/detect-lang-$npm-$jars-$gobin-$python"
start=$(date +%s)
generate_once "$images" python3 bench/detect/make_lang_images.py "$images" --npm "$npm" \
  --jars "$jars" --go "$gobin" --python "$python"
echo "images: $images ($(du -sm "$images" | cut -f1) MiB on disk; generated or found in" \
  "$(($(date +%s) - start)) s)"

# An empty cache directory in the environment as well as --no-cache: a scan that wrote to it
# would not have been cold (checked at the end).
cache=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$cache" "$work"' EXIT
export STRATA_CACHE_DIR=$cache
scan() {  # scan TAG [GLOBAL_FLAGS...]: a cold scan of the image tagged TAG, the report on stdout
  local tag=$1
  shift
  "$strata" "$@" image --no-cache --packages-only --format json --input "$images" --tag "$tag"
}

layers_of() {  # layers_of TAG: the layer blobs of the image tagged TAG, bottom first
  local m
  m=$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]
        == $t) | .digest' "$images/index.json" | sed 's/sha256://')
  jq -r '.layers[].digest' "$images/blobs/sha256/$m" | sed "s#sha256:#$images/blobs/sha256/#"
}
mib_of_layers() {  # uncompressed MiB of the layers of TAG (gzip -l: each under 4 GiB)
  local l
  for l in $(layers_of "$1"); do
    gzip -l "$l" | awk 'NR==2{print $2}'
  done | awk '{t += $1} END{printf "%.1f", t/1048576}'
}

# The gate: exactly the packages written, and none in the baseline.
expected="$images/expected-lang.tsv"
count() { awk -F'\t' -v t="$2" '$1 == t' "$1" | wc -l; }
stdlibs=$(awk -F'\t' '$1 == "go" && $2 == "stdlib"' "$expected" | wc -l)
if [[ $(count "$expected" npm) != "$npm" || $(count "$expected" python) != "$python" ||
  $stdlibs != "$gobin" ]]; then
  echo "bench/detect: $expected does not hold $npm npm, $python python, $gobin stdlib rows" >&2
  exit 1
fi
scan lang -q > "$work/lang.json"
jq -r '.packages[] | [.type, .name, .version, .path] | @tsv' "$work/lang.json" | LC_ALL=C sort \
  > "$work/got.tsv"
if ! diff <(LC_ALL=C sort "$expected") "$work/got.tsv" > "$work/diff"; then
  echo "bench/detect: strata's packages differ from $expected (< expected, > strata):" >&2
  head -20 "$work/diff" >&2
  exit 1
fi
if [[ $(jq '.warnings | length' "$work/lang.json") != 0 ]]; then
  echo "bench/detect: warnings in the lang scan:" >&2
  jq -r '.warnings[]' "$work/lang.json" | head -5 >&2
  exit 1
fi
got_base=$(scan base -q | jq '.packages | length')
if [[ $got_base != 0 ]]; then
  echo "bench/detect: strata lists $got_base packages in the baseline image, 0 expected" >&2
  exit 1
fi
echo "packages (strata = expected-lang.tsv; none in base): $(count "$work/got.tsv" npm) npm," \
  "$(count "$work/got.tsv" java) Maven ($jars archives, $(cut -f4 "$work/got.tsv" |
    grep -c '!/' || true) of the packages nested), $(count "$work/got.tsv" go) Go ($gobin" \
  "binaries, $stdlibs stdlib), $(count "$work/got.tsv" python) PyPI"
echo

med() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
maxof() { tr ' ' '\n' <<< "$1" | grep . | sort -g | tail -1; }

# The merged view and OS detection as strata logs them (info: "merged view of ... in X ms,
# detected in Y ms"): "X Y", each the median of the runs.
logged_ms() {
  local log merge="" detect=""
  for _ in $(seq "$repeat"); do
    log=$(scan "$1" --log-level info 2>&1 > /dev/null | grep -E 'merged view .* detected in')
    merge+="$(sed -E 's/.* kept\) in ([0-9.]+) ms.*/\1/' <<< "$log") "
    detect+="$(sed -E 's/.*detected in ([0-9.]+) ms.*/\1/' <<< "$log") "
  done
  echo "$(med "$merge") $(med "$detect")"
}

# Wall and CPU (user + system) seconds: the machine may be busy with other work, which inflates
# wall times, and CPU times too (less). So the runs of a pair are interleaved (gzip -dc, strata
# on the image, strata on its baseline, BENCH_REPEAT times): a change in the load falls on all
# three alike. The bare read of a pair is measured on the image's layers (the baseline's hold
# the same bytes: its row repeats the figure).
printf '%-10s %6s %9s %7s %8s %8s %8s %10s %9s %9s %9s\n' image layers layer_MiB gzip_s \
  gzip_cpu igzip_s strata_s strata_cpu merge_ms detect_ms peak_MiB
declare -A gz gzc st stc rss
for pair in lang:base npm:npm-base maven:maven-base go:go-base pypi:pypi-base; do
  tag=${pair%%:*} base=${pair##*:}
  mapfile -t layers < <(layers_of "$tag")
  declare -A w=() c=() r=()
  for _ in $(seq "$repeat"); do
    # shellcheck disable=SC2016 # the layers are the inner script's arguments
    read -r wall _ cpu < <($measure --cpu -- \
      bash -c 'for l; do gzip -dc "$l"; done > /dev/null' _ "${layers[@]}")
    w[gzip]+="$wall " c[gzip]+="$cpu "
    for t in "$tag" "$base"; do
      read -r wall peak cpu < <($measure --cpu -- "$strata" -q image --no-cache --packages-only \
        --format json --input "$images" --tag "$t")
      w[$t]+="$wall " c[$t]+="$cpu " r[$t]+="$peak "
    done
  done
  ig=-
  if command -v igzip > /dev/null; then
    # shellcheck disable=SC2016
    read -r ig _ < <($measure --repeat "$repeat" -- \
      bash -c 'for l; do igzip -dc "$l"; done > /dev/null' _ "${layers[@]}")
  fi
  for t in "$tag" "$base"; do
    gz[$t]=$(med "${w[gzip]}") gzc[$t]=$(med "${c[gzip]}")
    st[$t]=$(med "${w[$t]}") stc[$t]=$(med "${c[$t]}") rss[$t]=$(maxof "${r[$t]}")
    read -r merge_ms detect_ms < <(logged_ms "$t")
    printf '%-10s %6s %9s %7.3f %8.3f %8s %8.3f %10.3f %9s %9s %9.1f\n' "$t" "${#layers[@]}" \
      "$(mib_of_layers "$t")" "${gz[$t]}" "${gzc[$t]}" "$ig" "${st[$t]}" "${stc[$t]}" \
      "$merge_ms" "$detect_ms" "${rss[$t]}"
  done
done

# Per pair: strata against its baseline and against gzip -dc of the same layers; added =
# strata(lang) - strata(base), in wall and CPU seconds (the goal: under 20% of the bare read)
# and in peak RSS.
echo
printf '%-7s %13s %11s %9s %10s %9s %10s %9s %9s\n' pair strata/base strata/gzip added_s \
  added/gzip added_cpu added/gzip peak_MiB added_MiB
pct() { awk -v a="$1" -v g="$2" 'BEGIN{printf "%.1f", 100*a/g}'; }
for pair in lang:base npm:npm-base maven:maven-base go:go-base pypi:pypi-base; do
  tag=${pair%%:*} base=${pair##*:}
  added=$(awk -v a="${st[$tag]}" -v b="${st[$base]}" 'BEGIN{printf "%.3f", a-b}')
  added_cpu=$(awk -v a="${stc[$tag]}" -v b="${stc[$base]}" 'BEGIN{printf "%.3f", a-b}')
  added_mib=$(awk -v a="${rss[$tag]}" -v b="${rss[$base]}" 'BEGIN{printf "%.1f", a-b}')
  printf '%-7s %13s %11s %9s %9s%% %9s %9s%% %9s %9s\n' "$tag" \
    "$(ratio "${st[$tag]}" "${st[$base]}")" "$(ratio "${st[$tag]}" "${gz[$tag]}")" "$added" \
    "$(pct "$added" "${gz[$tag]}")" "$added_cpu" "$(pct "$added_cpu" "${gzc[$tag]}")" \
    "${rss[$tag]}" "$added_mib"
done

# The goals of issue 14, on the whole image.
echo
wall=$(pct "$(awk -v a="${st[lang]}" -v b="${st[base]}" 'BEGIN{print a-b}')" "${gz[lang]}")
cpu=$(pct "$(awk -v a="${stc[lang]}" -v b="${stc[base]}" 'BEGIN{print a-b}')" "${gzc[lang]}")
verdict() { awk -v v="$1" -v goal="$2" 'BEGIN{print (v < goal ? "met" : "MISSED")}'; }
echo "goal: detection adds under 20% to the bare read: ${wall}% wall ($(verdict "$wall" 20))," \
  "${cpu}% CPU ($(verdict "$cpu" 20))"
echo "goal: peak RSS under 150 MB (143.1 MiB): ${rss[lang]} MiB" \
  "($(verdict "${rss[lang]}" 143.05))"

if [[ -n $(ls -A "$cache") ]]; then
  echo "bench/detect: a --no-cache scan wrote to the layer cache $cache" >&2
  exit 1
fi
