#!/usr/bin/env bash
# Hostile layers and image archives (issue 18): each crafted input (tests/golden/hostile/
# make_inputs.py) ends as the README says: exit 3 with one line naming the limit or the problem,
# or exit 0 with capped warnings; never a signal, exit 4 or a hang; peak RSS (getrusage of the
# child) under 256 MiB. Prints each case's exit code, peak RSS and time.
source "$(dirname "$0")/lib.bash"
here="$(cd "$(dirname "$0")" && pwd)"
gen="$here/hostile/make_inputs.py"
measure="$here/hostile/measure.py"
rss_limit_kib=$((256 * 1024))

# scan_case NAME WANT_RC TIMEOUT [STRATA IMAGE FLAGS...]: builds input NAME, scans it with
# --packages-only --no-cache --format json, checks the exit code and the peak RSS.
scan_case() {
  local name=$1 want=$2 timeout=$3 input rc rss secs
  shift 3
  input=$(python3 "$gen" "$name" "$WORK")
  read -r rc rss secs < <(python3 "$measure" "$WORK/out" "$WORK/err" "$timeout" \
    "$STRATA" image --no-cache --packages-only --format json --input "$input" "$@")
  echo "case $name: exit $rc, peak RSS $((rss / 1024)) MiB, ${secs} s, $(stat -c %s "$input") input bytes"
  if [[ $rc -eq $want ]]; then pass; else fail "$name: exit $rc, want $want: $(head -c 300 "$WORK/err")"; fi
  if [[ $rss -lt $rss_limit_kib ]]; then pass; else fail "$name: peak RSS $((rss / 1024)) MiB"; fi
  rm -f "$input"
}

# error_names TEXT: stderr is one "strata: error:" line that contains TEXT
error_names() {
  expect_one_line_error "$1"
  if grep -qF -- "$1" "$WORK/err"; then pass; else fail "error does not say '$1': $(head -c 300 "$WORK/err")"; fi
}

# Decompression bombs: stopped by the ratio guard, long before they inflate.
scan_case gzip-bomb 3 120
error_names "compression ratio over 200:1"
scan_case zstd-bomb 3 120
error_names "compression ratio over 200:1"
# The inflated-size limit, on an ordinary 31 MiB layer.
scan_case colonless-status 3 60 --max-layer-mb 8
error_names "(limit: --max-layer-mb 8)"
# A 1 GiB dpkg status made of spaces: a bomb too.
scan_case huge-status 3 120
error_names "compression ratio over"

# A million empty files: read, nothing kept but their hashes.
scan_case million-files 0 120
jq -e '.target.os.family == "debian"' "$WORK/out" > /dev/null && pass || fail "million-files: report"

# Names: 64 KiB long, 10,000 levels deep, a pax path of 300,000 components (no stack overflow).
scan_case long-name 3 60
error_names "is longer than 4096 bytes"
scan_case deep-dirs 3 60
error_names "is longer than 4096 bytes"
scan_case deep-path 3 60
error_names "is longer than 4096 bytes"

# Links out of the root, at /proc, in loops and chains, hard links to nothing: nothing of this
# machine is read (no OS, no packages), no error.
scan_case links-out 0 60
jq -e '(.packages | length) == 0 and .target.os.family == ""' "$WORK/out" > /dev/null \
  && pass || fail "links-out read something: $(jq -c '{os: .target.os, packages: (.packages | length)}' "$WORK/out")"
if grep -q 'root:' "$WORK/out" "$WORK/err"; then fail "links-out: /etc/shadow or passwd content in the output"; else pass; fi

# What the image's layers keep: twelve 30 MiB status.d files, the same 31 MiB layer listed 32
# times, a million symlinks.
scan_case kept-files 3 120
error_names "(limit: --max-kept-mb 192)"
scan_case repeated-layer 3 120
error_names "(limit: --max-kept-mb 192)"
scan_case many-symlinks 3 120
error_names "(limit: --max-kept-mb 192)"

# Warnings: 16 million colon-less lines give 20 warnings and one line counting the rest.
scan_case colonless-status 0 120
n=$(jq '.warnings | length' "$WORK/out")
[[ $n -le 25 ]] && pass || fail "colonless-status: $n warnings in the report"
jq -e '.warnings | any(test("more warnings like these not shown"))' "$WORK/out" > /dev/null \
  && pass || fail "colonless-status: no summary warning"
[[ $(grep -c '' "$WORK/err") -le 25 ]] && pass || fail "colonless-status: $(grep -c '' "$WORK/err") stderr lines"

# 1.2 million packages in one dpkg status: the first 20,000, and a warning.
scan_case many-packages 0 120
[[ $(jq '.packages | length' "$WORK/out") -eq 20000 ]] && pass || fail "many-packages: $(jq '.packages | length' "$WORK/out") packages"
jq -e '.warnings | any(test("more than 20000 packages"))' "$WORK/out" > /dev/null && pass || fail "many-packages: no warning"

# A zip bomb jar (8 entries of 256 MiB zeros in 2 MiB) and a jar nested 40 levels deep: the
# jar reader's own bounds, capped warnings.
scan_case zip-bomb-jar 0 120
jq -e '.warnings | any(test("jar"))' "$WORK/out" > /dev/null && pass || fail "zip-bomb-jar: no warning: $(jq -c .warnings "$WORK/out")"

# A pax size of 2^63 - 808: rejected before any arithmetic on it.
scan_case pax-size-overflow 3 60
error_names "declares 9223372036854775000 bytes"

# 40 unused 15 MiB JSON-looking members in the outer archive.
scan_case json-members 3 60
error_names "members keep more than"

# Control characters from the input never reach the terminal raw.
input=$(python3 "$gen" control-chars "$WORK")
expect_rc 0 "$STRATA" image --no-cache --packages-only --format table --input "$input"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$WORK/out" "$WORK/err"; then
  fail "control characters in the table or on stderr: $(cat -v "$WORK/out" | head -5)"
else
  pass
fi
grep -qF '12\x1b[31m' "$WORK/out" && pass || fail "escaped OS version not in the table: $(head -5 "$WORK/out")"
input=$(python3 "$gen" control-chars-error "$WORK")
expect_rc 3 "$STRATA" image --no-cache --packages-only --input "$input"
expect_one_line_error "a layer name with a newline"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$WORK/err"; then fail "raw control characters in the error"; else pass; fi

finish
