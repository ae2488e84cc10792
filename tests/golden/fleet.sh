#!/usr/bin/env bash
# `strata registry` sweeping a whole local CNCF registry (issue 19, Tests): 105 tags over 21
# repositories (some nested, one mirror repository holding the same digests as another) built by
# tests/support/fleet_images.py on the demo bases, so every image shares a base layer and has real
# findings against the demo database; tags 1.3 and latest of a repository share a digest; one
# image's top layer is not gzip. Checked:
# - 4 shards run concurrently (--shard I/4) on one cache and one output directory: the union of
#   their entries is every (repository, digest) exactly once, each repository in one shard only;
#   a report for every good image (target.digest, target.references = every repo:tag of that
#   digest); the broken image `failed` in its shard only, which exits 3 and names it on stderr,
#   the others 0; shard totals; nothing left in DIR/.tmp; each base layer fetched from the
#   registry once in all (the shards share the node's cache);
# - `strata merge` totals = the sum over the reports (jq), --csv has one row per finding + header,
#   several directories add up, an unreadable summary is exit 3;
# - an Indexed Job: JOB_COMPLETION_INDEX=0..3 --shards 4 selects what --shard I/4 selected;
# - a rerun skips every image whose report exists (not rewritten) and retries the failed one, and
#   removes its own shard's temp files, not another's;
# - a sweep killed with SIGKILL once a report appeared, then rerun: earlier reports `skipped` and
#   untouched, no partial or temp file anywhere;
# - a registry refusing the catalog (tests/support/paged_registry.py --catalog-status): one error
#   line suggesting --repo; --repo NAME works there;
# - --page-size 3 (the CNCF registry paginates the catalog) finds the same set; --repo/--tag globs;
#   --fail-on.
# Tag-list pagination (which this registry does not do) is tests/golden/fleet_pagination.sh.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"
support="$(cd "$(dirname "$0")/../support" && pwd)"
# every check below reports its own failure (and the script goes on to the next): a sweep that
# writes nothing must not end the script at the first jq that finds no file
set +e +o pipefail

# --- the registry ------------------------------------------------------------------------------
python3 "$support/fleet_images.py" "$WORK/layout" --repos 21 --tags 105 --testdata "$TESTDATA" \
  2> "$WORK/gen.log" || { cat "$WORK/gen.log" >&2; exit 1; }
start_registry fleet
reg="127.0.0.1:$port"
python3 "$support/fleet_images.py" "$WORK/layout" --push-only --push "$reg" 2> "$WORK/push.log" \
  || { cat "$WORK/push.log" >&2; exit 1; }
db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA"/demo/osv-*/all.zip

# The expected set, from expected.tsv: one object per (repository, digest) with its bare tags, its
# repo:tag references, the report name and whether it is the broken image.
tail -n +2 "$WORK/layout/expected.tsv" | jq -Rn '[inputs | split("\t")
  | {repo: .[0], tag: .[1], digest: .[2], broken: (.[3] == "1")}]
  | group_by([.repo, .digest]) | map({repository: .[0].repo, digest: .[0].digest,
      broken: .[0].broken, tags: (map(.tag) | sort), references: (map(.repo + ":" + .tag) | sort),
      report: ("images/" + (.[0].repo | gsub("/"; "_")) + "@" + (.[0].digest | sub(":"; "_"))
               + ".json")})' > "$WORK/want.json"
npairs=$(jq length "$WORK/want.json")
[[ $npairs -ge 80 && $(jq '[.[] | select(.broken)] | length' "$WORK/want.json") -eq 1 ]] && pass \
  || fail "fixture: $npairs pairs"
broken_repo=$(jq -r '.[] | select(.broken) | .repository' "$WORK/want.json")
broken_digest=$(jq -r '.[] | select(.broken) | .digest' "$WORK/want.json")
jq -r '.[] | [.repository, .digest] | @tsv' "$WORK/want.json" | sort > "$WORK/want-pairs.tsv"
# what every shard entry should say, and every report
jq -c '.[] | {repository, digest, tags, status: (if .broken then "failed" else "scanned" end)}
  + (if .broken then {} else {report} end)' "$WORK/want.json" | sort > "$WORK/want-entries"
jq -c '.[] | select(.broken | not) | {report, digest, references}' "$WORK/want.json" | sort \
  > "$WORK/want-reports"

sweep() {  # OUT_DIR CACHE_DIR ARGS...: strata registry over $reg
  local out=$1 cache=$2
  shift 2
  "$STRATA" registry "$reg" --insecure --db-dir "$db" --cache-dir "$cache" --output-dir "$out" "$@"
}

# entries DIR [STATUS...]: every image entry of every shard file in DIR, normalized like
# want-entries (status replaced by the first argument when given, e.g. "scanned" for "skipped")
entries() {
  jq -c --arg st "${2:-}" '.images[] | {repository, digest, tags: (.tags | sort),
    status: (if $st != "" and .status != "failed" then $st else .status end)}
    + (if .status == "failed" then {} else {report} end)' "$1"/shard-*.json | sort
}

# reports DIR: every report of DIR/images as {report, digest, references}
reports() {
  (cd "$1" && for f in images/*.json; do
    jq -c --arg f "$f" '{report: $f, digest: .target.digest, references: .target.references}' "$f"
  done) | sort
}

# sum_findings FILE...: the sum of the reports' summaries
sum_findings() {
  jq -s -S 'map(.summary) | {critical: (map(.critical) | add), high: (map(.high) | add),
    medium: (map(.medium) | add), low: (map(.low) | add), unknown: (map(.unknown) | add),
    total: (map(.total) | add)}' "$@"
}

# no_leftovers DIR WHAT: no temp file in DIR/.tmp (the shards' lock files may stay), no *.tmp*
# anywhere, every file in images/ a whole report
no_leftovers() {
  local left
  left=$( (find "$1/.tmp" -type f ! -name '*.lock' 2> /dev/null; find "$1" -name '*.tmp*' -type f) | head -5)
  [[ -z $left ]] && pass || fail "$2: leftovers: $left"
  local f bad=""
  for f in "$1"/images/*; do
    [[ $f == *.json ]] && jq -e .target.digest "$f" > /dev/null 2>&1 || bad+=" $f"
  done
  [[ -z $bad ]] && pass || fail "$2: partial or stray files in images/:$bad"
}

# --- 1. four shards at once, one cache, one output directory ----------------------------------
out="$WORK/sweep"
for i in 0 1 2 3; do
  sweep "$out" "$WORK/cache" --shard "$i/4" > "$WORK/s$i.out" 2> "$WORK/s$i.err" &
  spid[i]=$!
done
failing=()
for i in 0 1 2 3; do
  shard_rc[i]=0
  wait "${spid[i]}" || shard_rc[i]=$?
  [[ -f $out/shard-$i-of-4.json ]] && pass || fail "no shard-$i-of-4.json (exit ${shard_rc[i]}): $(head -c 300 "$WORK/s$i.err")"
  [[ $(jq -c '[.shard, .shards]' "$out/shard-$i-of-4.json" 2> /dev/null) == "[$i,4]" ]] && pass \
    || fail "shard-$i-of-4.json: shard/shards $(jq -c '[.shard, .shards]' "$out/shard-$i-of-4.json" 2>&1)"
  if jq -e '.images[] | select(.status == "failed")' "$out/shard-$i-of-4.json" > /dev/null 2>&1; then
    failing+=("$i")
  fi
done
echo "shards: exits ${shard_rc[*]}, images $(for i in 0 1 2 3; do jq '.images | length' "$out/shard-$i-of-4.json" 2> /dev/null; done | xargs)"

# the union is the full set, each pair exactly once, each repository in one shard
jq -r '.images[] | [.repository, .digest] | @tsv' "$out"/shard-*-of-4.json | sort > "$WORK/got-pairs.tsv"
expect_same "union of the 4 shards" "$WORK/want-pairs.tsv" "$WORK/got-pairs.tsv"
dups=$(uniq -d "$WORK/got-pairs.tsv")
[[ -z $dups ]] && pass || fail "pairs in two shards: $dups"
split=$(for i in 0 1 2 3; do jq -r '[.images[].repository] | unique[]' "$out/shard-$i-of-4.json"; done \
  | sort | uniq -d)
[[ -z $split ]] && pass || fail "repositories split over shards: $split"
nonempty=$(for i in 0 1 2 3; do jq '.images | length' "$out/shard-$i-of-4.json"; done | grep -vc '^0$' || true)
[[ $nonempty -ge 2 ]] && pass || fail "only $nonempty shards got images"

# entries and reports
entries "$out" > "$WORK/got-entries"
expect_same "shard entries" "$WORK/want-entries" "$WORK/got-entries"
reports "$out" > "$WORK/got-reports"
expect_same "reports (target.digest, target.references)" "$WORK/want-reports" "$WORK/got-reports"
jq -s -e '[.[].images[] | select(.status == "failed") | .error | strings | select(length > 0)]
  | length == 1' "$out"/shard-*-of-4.json > /dev/null && pass || fail "the failed entry has no error"

# the broken image fails in its shard only: that shard exits 3 and names it, the others exit 0
if [[ ${#failing[@]} -eq 1 ]]; then
  pass
  b=${failing[0]}
  for i in 0 1 2 3; do
    want=0
    [[ $i -eq $b ]] && want=3
    [[ ${shard_rc[i]} -eq $want ]] && pass || fail "shard $i/4 exited ${shard_rc[i]}, want $want: $(head -c 300 "$WORK/s$i.err")"
  done
  [[ $(grep -c "$broken_repo" "$WORK/s$b.err" || true) -eq 1 ]] && pass \
    || fail "stderr of shard $b/4 should name $broken_repo on one line: $(head -c 400 "$WORK/s$b.err")"
else
  fail "failed entries in shards '${failing[*]}', want one shard"
  b=0
fi
no_leftovers "$out" "4 shards"

# the base layers (first layer of every image) were fetched once for the node, not once per shard
# or per image: the registry logs each response ("response completed ... http.response.status=200")
mapfile -t bases < <(for d in $(jq -r '.manifests[].digest' "$WORK/layout/index.json" | sort -u); do
  jq -r '.layers[0].digest' "$WORK/layout/blobs/sha256/${d#sha256:}"
done | sort -u)
for bd in "${bases[@]}"; do
  n=$(grep 'msg="response completed"' "$WORK/fleet/log.txt" | grep 'http.request.method=GET' \
    | grep -F "/blobs/$bd" | grep -c 'http.response.status=200' || true)
  [[ $n -eq 1 ]] && pass || fail "base layer $bd fetched $n times by 4 shards on one cache, want 1"
done

# shard totals: counts of the entries, findings of their reports
for i in 0 1 2 3; do
  f="$out/shard-$i-of-4.json"
  got=$(jq -c '.totals | [.scanned, .failed, .skipped]' "$f")
  want=$(jq -c '[([.images[] | select(.status == "scanned")] | length),
    ([.images[] | select(.status == "failed")] | length), 0]' "$f")
  [[ $got == "$want" ]] && pass || fail "shard $i/4 totals $got, entries say $want"
  mapfile -t reps < <(jq -r --arg d "$out/" '.images[] | select(.status != "failed") | $d + .report' "$f")
  if [[ ${#reps[@]} -gt 0 ]]; then
    want=$(sum_findings "${reps[@]}" | jq -c .)
    got=$(jq -S -c .totals.findings "$f")
    [[ $got == "$want" ]] && pass || fail "shard $i/4 totals.findings $got, its reports sum to $want"
  fi
done

# --- 2. strata merge -------------------------------------------------------------------------
want_findings=$(sum_findings "$out"/images/*.json | jq -c .)
[[ $(jq .total <<< "$want_findings") -gt 0 ]] && pass || fail "no findings at all: $want_findings"
expect_rc 0 "$STRATA" merge "$out" --csv "$WORK/findings.csv"
got=$(jq -S -c '[.images, .failed, .findings]' "$WORK/out" 2> /dev/null) || got="unparsable: $(head -c 300 "$WORK/out")"
[[ $got == "[$npairs,1,$want_findings]" ]] && pass || fail "merge: $got, want [$npairs,1,$want_findings]"
rows=$(grep -c '' "$WORK/findings.csv" || true)
[[ $rows -eq $(($(jq .total <<< "$want_findings") + 1)) ]] && pass \
  || fail "merge --csv: $rows lines, want $(jq .total <<< "$want_findings") findings + header"
[[ $(head -1 "$WORK/findings.csv") == repository,digest,tags,package,installed_version,id,severity,fixed_version ]] \
  && pass || fail "csv header: $(head -1 "$WORK/findings.csv")"

# --- 3. the Indexed Job: JOB_COMPLETION_INDEX=I --shards 4 selects what --shard I/4 did ---------
job="$WORK/job"
for i in 0 1 2 3; do
  JOB_COMPLETION_INDEX=$i sweep "$job" "$WORK/cache" --shards 4 > /dev/null 2> "$WORK/j$i.err" &
  jpid[i]=$!
done
for i in 0 1 2 3; do
  jrc=0
  wait "${jpid[i]}" || jrc=$?
  want=0
  [[ $i -eq $b ]] && want=3
  [[ $jrc -eq $want ]] && pass || fail "JOB_COMPLETION_INDEX=$i --shards 4 exited $jrc, want $want: $(head -c 300 "$WORK/j$i.err")"
  jq -r '.images[] | [.repository, .digest] | @tsv' "$out/shard-$i-of-4.json" | sort > "$WORK/a"
  jq -r '.images[] | [.repository, .digest] | @tsv' "$job/shard-$i-of-4.json" 2> /dev/null | sort > "$WORK/b"
  expect_same "JOB_COMPLETION_INDEX=$i --shards 4 vs --shard $i/4" "$WORK/a" "$WORK/b"
done
entries "$job" > "$WORK/got-entries"
expect_same "Indexed Job entries" "$WORK/want-entries" "$WORK/got-entries"
expect_rc 0 "$STRATA" merge "$out" "$job"
got=$(jq -c '[.images, .failed, .findings.total]' "$WORK/out" 2> /dev/null) || got="unparsable"
[[ $got == "[$((2 * npairs)),2,$((2 * $(jq .total <<< "$want_findings")))]" ]] && pass \
  || fail "merge of two sweeps: $got"
# a bad index or shard is refused before anything is written (not in the issue's words: what a
# usage error does everywhere else)
bad_shard() {  # JOB_COMPLETION_INDEX ("-": unset) ARGS...
  local idx=$1 rc=0
  shift
  if [[ $idx == - ]]; then
    env -u JOB_COMPLETION_INDEX "$STRATA" registry "$reg" --insecure --db-dir "$db" \
      --output-dir "$WORK/bad" "$@" > /dev/null 2> "$WORK/err" || rc=$?
  else
    JOB_COMPLETION_INDEX=$idx "$STRATA" registry "$reg" --insecure --db-dir "$db" \
      --output-dir "$WORK/bad" "$@" > /dev/null 2> "$WORK/err" || rc=$?
  fi
  [[ $rc -ne 0 && $rc -ne 4 && ! -d $WORK/bad/images ]] && pass \
    || fail "JOB_COMPLETION_INDEX=$idx $*: exited $rc (want a usage error, nothing written): $(head -c 200 "$WORK/err")"
}
bad_shard 4 --shards 4
bad_shard x --shards 4
bad_shard - --shards 4
bad_shard - --shard 4/4
bad_shard - --shard 1/0
bad_shard 0 --shard 0/2 --shards 2

# a summary that cannot be read: merge exits 3
mkdir -p "$WORK/broken-summary"
printf '{"shard": 0, "shards": 1, "images": [' > "$WORK/broken-summary/shard-0-of-1.json"
expect_rc 3 "$STRATA" merge "$out" "$WORK/broken-summary"

# --- 4. rerun: every existing report skipped (not rewritten), the failed image tried again ------
(cd "$out/images" && stat -c '%n %i %.9Y %s' -- *.json) > "$WORK/stat-before"
# leftovers of a killed writer (named as strata names its temp files, in its shard's .tmp dir):
# the rerun of shard b removes its own and leaves another shard's alone
o=$(((b + 1) % 4))
mkdir -p "$out/.tmp/shard-$b-of-4" "$out/.tmp/shard-$o-of-4"
echo '{"partial' > "$out/.tmp/shard-$b-of-4/mine.json.tmp.abc123"
echo '{"partial' > "$out/.tmp/shard-$o-of-4/theirs.json.tmp.abc123"
expect_rc 3 sweep "$out" "$WORK/cache" --shard "$b/4"
[[ ! -e $out/.tmp/shard-$b-of-4/mine.json.tmp.abc123 ]] && pass || fail "rerun of shard $b/4 left its own temp file"
[[ -e $out/.tmp/shard-$o-of-4/theirs.json.tmp.abc123 ]] && pass || fail "rerun of shard $b/4 removed shard $o/4's temp file"
rm -rf "$out/.tmp/shard-$o-of-4"
want_rerun=$(jq -r '.images[] | if .repository == $r and .digest == $d then "failed" else "skipped" end' \
  --arg r "$broken_repo" --arg d "$broken_digest" "$out/shard-$b-of-4.json" | sort | uniq -c)
got_rerun=$(jq -r '.images[].status' "$out/shard-$b-of-4.json" | sort | uniq -c)
[[ $got_rerun == "$want_rerun" ]] && pass || fail "rerun of shard $b/4: statuses $got_rerun, want $want_rerun"
skipped=$(jq '.totals.skipped' "$out/shard-$b-of-4.json")
[[ $skipped -eq $(($(jq '.images | length' "$out/shard-$b-of-4.json") - 1)) ]] && pass \
  || fail "rerun totals.skipped = $skipped"
(cd "$out/images" && stat -c '%n %i %.9Y %s' -- *.json) > "$WORK/stat-after"
expect_same "reports after a rerun (inode, mtime, size)" "$WORK/stat-before" "$WORK/stat-after"
expect_rc 0 "$STRATA" merge "$out"
[[ $(jq -c .findings.total "$WORK/out") == "$(jq .total <<< "$want_findings")" ]] && pass \
  || fail "totals after a rerun (skipped reports count): $(cat "$WORK/out")"
no_leftovers "$out" "rerun"

# --- 5. SIGKILL mid-sweep, then rerun -------------------------------------------------------------
kout="$WORK/killed"
# started directly, not through sweep(): $! must be strata itself, not a subshell around it
"$STRATA" registry "$reg" --insecure --db-dir "$db" --cache-dir "$WORK/cache-kill" \
  --output-dir "$kout" --shard 0/1 > /dev/null 2> "$WORK/k.err" &
kpid=$!
for ((t = 0; t < 3000; t++)); do
  compgen -G "$kout/images/*.json" > /dev/null && break
  kill -0 "$kpid" 2> /dev/null || break
  sleep 0.01
done
kill -9 "$kpid" 2> /dev/null || true
wait "$kpid" 2> /dev/null || true
nkilled=$(find "$kout/images" -name '*.json' 2> /dev/null | wc -l)
if [[ -f $kout/shard-0-of-1.json || $nkilled -eq 0 ]]; then
  fail "SIGKILL did not land mid-sweep ($nkilled reports, shard file: $(ls "$kout" 2>&1))"
else
  pass
  echo "killed with $nkilled of $((npairs - 1)) reports written"
fi
for f in "$kout"/images/*; do
  jq -e .target.digest "$f" > /dev/null 2>&1 && pass || fail "partial report after SIGKILL: $f"
done
(cd "$kout/images" && stat -c '%n %i %.9Y %s' -- *.json) > "$WORK/stat-killed"
expect_rc 3 sweep "$kout" "$WORK/cache-kill" --shard 0/1
mapfile -t killed < <(cut -d' ' -f1 "$WORK/stat-killed")
(cd "$kout/images" && stat -c '%n %i %.9Y %s' -- "${killed[@]}") > "$WORK/stat-resumed"
expect_same "reports written before SIGKILL, after the rerun" "$WORK/stat-killed" "$WORK/stat-resumed"
cut -d' ' -f1 "$WORK/stat-killed" | sed 's|^|images/|' | sort > "$WORK/a"
jq -r '.images[] | select(.status == "skipped") | .report' "$kout/shard-0-of-1.json" | sort > "$WORK/b"
expect_same "skipped after SIGKILL = the reports written before it" "$WORK/a" "$WORK/b"
entries "$kout" scanned > "$WORK/got-entries"
expect_same "entries after SIGKILL and rerun" "$WORK/want-entries" "$WORK/got-entries"
reports "$kout" > "$WORK/got-reports"
expect_same "reports after SIGKILL and rerun" "$WORK/want-reports" "$WORK/got-reports"
no_leftovers "$kout" "SIGKILL and rerun"

# --- 6. a registry that refuses the catalog: one error line suggesting --repo ------------------
for code in 401 404; do
  start_port_file_server "paged registry" "$WORK/paged$code.port" "$WORK/paged$code.err" \
    python3 "$support/paged_registry.py" --port-file "$WORK/paged$code.port" \
    --catalog-status "$code" "$WORK/layout" || exit 1
  preg="127.0.0.1:$server_port"
  rc=0
  "$STRATA" registry "$preg" --insecure --db-dir "$db" --cache-dir "$WORK/cache" \
    --output-dir "$WORK/nocat$code" > "$WORK/out" 2> "$WORK/err" || rc=$?
  [[ $rc -eq 2 || $rc -eq 3 ]] && pass || fail "catalog $code: exit $rc, want 3 (or 2)"
  expect_one_line_error "catalog refused ($code)"
  grep -q -- '--repo' "$WORK/err" && pass || fail "catalog $code: error does not suggest --repo: $(cat "$WORK/err")"
  # naming the repository needs no catalog
  expect_rc 0 "$STRATA" registry "$preg" --insecure --db-dir "$db" --cache-dir "$WORK/cache" \
    --output-dir "$WORK/repo$code" --repo repo00 --packages-only
  got=$(jq -r '.images[] | [.repository, .digest] | @tsv' "$WORK/repo$code"/shard-0-of-1.json 2> /dev/null | sort)
  want=$(grep -P '^repo00\t' "$WORK/want-pairs.tsv")
  [[ $got == "$want" ]] && pass || fail "--repo repo00 without a catalog ($code): $got"
done

# --- 7. catalog pagination with a small page, and the globs -------------------------------------
expect_rc 3 sweep "$WORK/paged" "$WORK/cache" --page-size 3 --packages-only
jq -r '.images[] | [.repository, .digest] | @tsv' "$WORK/paged"/shard-0-of-1.json 2> /dev/null | sort > "$WORK/got-pairs.tsv"
expect_same "--page-size 3" "$WORK/want-pairs.tsv" "$WORK/got-pairs.tsv"

expect_rc 0 sweep "$WORK/glob" "$WORK/cache" --repo 'team-*/*' --tag latest --packages-only
jq -r '.images[] | [.repository, .digest] | @tsv' "$WORK/glob"/shard-0-of-1.json 2> /dev/null | sort > "$WORK/got-pairs.tsv"
tail -n +2 "$WORK/layout/expected.tsv" | awk -F'\t' '$1 ~ /^team-/ && $2 == "latest" {print $1 "\t" $3}' \
  | sort > "$WORK/want-glob.tsv"
[[ -s $WORK/want-glob.tsv ]] && pass || fail "fixture: no team-*/* repositories"
expect_same "--repo 'team-*/*' --tag latest" "$WORK/want-glob.tsv" "$WORK/got-pairs.tsv"
# --fail-on: exit 1 when a finding reaches the threshold (and no image failed), else 0
expect_rc 1 sweep "$WORK/fail-on-low" "$WORK/cache" --repo 'team-*/*' --tag latest --fail-on low
expect_rc 0 sweep "$WORK/fail-on-critical" "$WORK/cache" --repo 'team-*/*' --tag latest --fail-on critical
[[ $(jq '[.[].vulnerabilities[] | select(.severity == "CRITICAL" or .severity == "critical")] | length' \
  -s "$WORK/fail-on-critical"/images/*.json) -eq 0 ]] && pass || fail "fixture: critical findings in team-*/*"
finish
