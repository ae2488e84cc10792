# Shared helpers for the golden CLI tests (sourced). Each test runs the real binary ($STRATA)
# on data in $TESTDATA and compares outputs and exit codes.
set -euo pipefail
: "${STRATA:?STRATA must point at the strata binary}"
: "${TESTDATA:?TESTDATA must point at testdata/}"
WORK=$(mktemp -d /tmp/strata-golden.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# strata's cache (registry manifests and configs) stays in $WORK, never in the user's ~/.cache
export STRATA_CACHE_DIR="$WORK/cache"
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { checks=$((checks + 1)); }

# expect_rc CODE CMD... : runs CMD, stores stdout/stderr in $WORK/out, $WORK/err
expect_rc() {
  local want=$1; shift
  local rc=0
  "$@" > "$WORK/out" 2> "$WORK/err" || rc=$?
  if [[ $rc -ne $want ]]; then
    fail "'$*' exited $rc, want $want; stderr: $(head -c 400 "$WORK/err")"
  else
    pass
  fi
}

# expect_one_line_error: stderr of the last command is exactly one line starting "strata: error:"
expect_one_line_error() {
  local lines
  lines=$(grep -c '' "$WORK/err" || true)
  if [[ $lines -ne 1 ]] || ! grep -q '^strata: error: ' "$WORK/err"; then
    fail "expected one 'strata: error:' line for $1, got: $(head -c 400 "$WORK/err")"
  else
    pass
  fi
}

# expect_same NAME FILE_WANT FILE_GOT
expect_same() {
  if ! diff -u "$2" "$3" > "$WORK/diff"; then
    fail "$1 differs:\n$(head -40 "$WORK/diff")"
  else
    pass
  fi
}

finish() {
  echo "$checks passed, $failures failed"
  [[ $failures -eq 0 ]]
}

# alpine_layer DIR NAME:VERSION:ORIGIN... : an Alpine 3.10.2 root in DIR (os-release and an apk
# database of those packages)
alpine_layer() {
  local dir=$1 p name version origin
  shift
  mkdir -p "$dir/etc" "$dir/lib/apk/db"
  printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\nPRETTY_NAME="Alpine Linux v3.10"\n' \
    > "$dir/etc/os-release"
  for p in "$@"; do
    IFS=: read -r name version origin <<< "$p"
    printf 'C:Q1x=\nP:%s\nV:%s\nA:x86_64\nS:1\nI:1\nT:x\nU:x\nL:x\no:%s\n\n' \
      "$name" "$version" "$origin"
  done > "$dir/lib/apk/db/installed"
}

# urllib3_layer DIR: urllib3 1.26.4's METADATA under DIR's python3.7 site-packages
urllib3_layer() {
  local site="$1/usr/lib/python3.7/site-packages/urllib3-1.26.4.dist-info"
  mkdir -p "$site"
  printf 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n\n' > "$site/METADATA"
}

# layer_tar DIR TAR: DIR's files as a layer tar, the same bytes on every run
layer_tar() {
  tar --sort=name --mtime=@1704067200 --owner=0 --group=0 -C "$1" -cf "$2" .
}
