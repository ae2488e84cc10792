#!/usr/bin/env bash
# `strata registry` following `Link` pagination of the catalog AND of tag lists (issue 19):
# Debian's CNCF registry returns tag lists whole, so this runs against
# tests/support/paged_registry.py serving a fleet_images.py layout of 6 repositories with 7 tags
# each (one broken image). With --page-size 2 every tag is found, each tag list is read in 4 pages
# and the catalog in 3, each page the one the previous Link named; --max-tags-per-repo 3 keeps the
# first 3 tags listed; the default page size reads each list in one request.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/../support/servers.bash"
require_tools "cannot test registry sweeps" jq python3 || exit 1
trap 'support_stop_all; rm -rf "$WORK"' EXIT
support="$(cd "$(dirname "$0")/../support" && pwd)"
# every check below reports its own failure (and the script goes on to the next): a sweep that
# writes nothing must not end the script at the first jq that finds no file
set +e +o pipefail

python3 "$support/fleet_images.py" "$WORK/layout" --repos 6 --tags 42 --testdata "$TESTDATA" \
  2> "$WORK/gen.log" || { cat "$WORK/gen.log" >&2; exit 1; }
start_port_file_server "paged registry" "$WORK/port" "$WORK/server.err" \
  python3 "$support/paged_registry.py" --port-file "$WORK/port" --log "$WORK/requests.log" \
  "$WORK/layout" || exit 1
reg="127.0.0.1:$server_port"

tail -n +2 "$WORK/layout/expected.tsv" | cut -f1,2 | sort > "$WORK/want-tags.tsv"
tail -n +2 "$WORK/layout/expected.tsv" | cut -f1,3 | sort -u > "$WORK/want-pairs.tsv"
mapfile -t repos < <(cut -f1 "$WORK/want-tags.tsv" | sort -u)
[[ ${#repos[@]} -eq 6 && $(grep -c '' "$WORK/want-tags.tsv") -eq 42 ]] && pass || fail "fixture"

sweep() {  # OUT_DIR ARGS...
  local out=$1
  shift
  : > "$WORK/requests.log"
  "$STRATA" registry "$reg" --insecure --packages-only --cache-dir "$WORK/cache" --output-dir "$out" "$@"
}
got_tags() {  # DIR: repository<TAB>tag of every entry
  jq -r '.images[] | .repository as $r | .tags[] | [$r, .] | @tsv' "$1"/shard-0-of-1.json 2> /dev/null | sort
}

# --- --page-size 2 --------------------------------------------------------------------------------
expect_rc 3 sweep "$WORK/p2" --page-size 2  # 3: the broken image
got_tags "$WORK/p2" > "$WORK/got-tags.tsv"
expect_same "tags found with --page-size 2" "$WORK/want-tags.tsv" "$WORK/got-tags.tsv"
jq -r '.images[] | [.repository, .digest] | @tsv' "$WORK/p2"/shard-0-of-1.json 2> /dev/null | sort > "$WORK/got-pairs.tsv"
expect_same "(repository, digest) pairs with --page-size 2" "$WORK/want-pairs.tsv" "$WORK/got-pairs.tsv"

# each list page is the one the previous page's Link named: tags/list?n=2, then last=<2nd>, ...
for r in "${repos[@]}"; do
  mapfile -t t < <(grep -P "^\Q$r\E\t" "$WORK/want-tags.tsv" | cut -f2 | LC_ALL=C sort)
  want="GET /v2/$r/tags/list?n=2 200"
  for ((i = 1; i < ${#t[@]} - 1; i += 2)); do
    want+=$'\n'"GET /v2/$r/tags/list?n=2&last=${t[i]} 200"
  done
  got=$(grep -F "GET /v2/$r/tags/list" "$WORK/requests.log" || true)
  # the first request is strata's own (n=2, no last), the others exactly the Link URLs
  first=$(head -1 <<< "$got")
  [[ $first == "GET /v2/$r/tags/list?"*n=2*" 200" && $first != *last=* ]] && got="GET /v2/$r/tags/list?n=2 200${got#"$first"}"
  [[ $got == "$want" ]] && pass || fail "tag list pages of $r:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
  [[ $(grep -c '' <<< "$got") -ge 4 ]] && pass || fail "$r: fewer than 4 tags/list requests"
done
mapfile -t sorted < <(printf '%s\n' "${repos[@]}" | LC_ALL=C sort)
want="GET /v2/_catalog?n=2 200"$'\n'"GET /v2/_catalog?n=2&last=${sorted[1]} 200"
want+=$'\n'"GET /v2/_catalog?n=2&last=${sorted[3]} 200"
got=$(grep -F "GET /v2/_catalog" "$WORK/requests.log" || true)
first=$(head -1 <<< "$got")
[[ $first == "GET /v2/_catalog?"*n=2*" 200" && $first != *last=* ]] && got="GET /v2/_catalog?n=2 200${got#"$first"}"
[[ $got == "$want" ]] && pass || fail "catalog pages:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
grep -v -E ' 200$' "$WORK/requests.log" > "$WORK/non200" && fail "requests not answered 200: $(head -5 "$WORK/non200")" || pass

# --- --max-tags-per-repo 3: the first 3 tags listed ---------------------------------------------
expect_rc 3 sweep "$WORK/max3" --page-size 2 --max-tags-per-repo 3
got_tags "$WORK/max3" > "$WORK/got-tags.tsv"
for r in "${repos[@]}"; do
  grep -P "^\Q$r\E\t" "$WORK/want-tags.tsv" | LC_ALL=C sort -t$'\t' -k2,2 | head -3
done | sort > "$WORK/want-max3.tsv"
expect_same "--max-tags-per-repo 3" "$WORK/want-max3.tsv" "$WORK/got-tags.tsv"

# --- the default page size: one request per list ------------------------------------------------
expect_rc 3 sweep "$WORK/default"
got_tags "$WORK/default" > "$WORK/got-tags.tsv"
expect_same "tags found with the default page size" "$WORK/want-tags.tsv" "$WORK/got-tags.tsv"
[[ $(grep -c 'GET /v2/_catalog' "$WORK/requests.log") -eq 1 && \
   $(grep -c '/tags/list' "$WORK/requests.log") -eq 6 ]] && pass \
  || fail "default page size: $(grep -E '_catalog|tags/list' "$WORK/requests.log")"
finish
