#!/usr/bin/env bash
# Findings policies (issue 16), end to end through the binary: ignore files (plain and YAML,
# package scope by name and by purl, expiry against SOURCE_DATE_EPOCH, the default
# ./.strataignore), VEX documents (OpenVEX and CycloneDX: not_affected suppresses, affected /
# fixed / under_investigation do not), --severity, --only-fixed, the summary, the table,
# --fail-on (suppressed findings never count), and the errors: a missing, unreadable or
# malformed ignore or VEX file is one line and exit 3 before anything is scanned, a bad
# --severity is exit 2.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"

# --- the image: an Alpine 3.10 layer (apk database), then a Python package ----------------------
# Versions below the fixes of the demo records (testdata/demo/osv-alpine-v3.10): musl
# CVE-2019-14697, openssl (libcrypto1.1 and libssl1.1) CVE-2019-1547/1549/1563, busybox
# CVE-2019-5747; urllib3 1.26.4 of the real PyPI records (testdata/osv-match/pypi):
# CVE-2021-33503 (UNKNOWN), CVE-2023-43804 (HIGH), CVE-2023-45803 (MEDIUM); and one record
# written here, PYSEC-9999-1 (CVE-9999-0001, LOW, no fix), for --only-fixed.
alpine_layer "$WORK/l1" musl:1.1.22-r2:musl libcrypto1.1:1.1.1c-r0:openssl \
  libssl1.1:1.1.1c-r0:openssl busybox:1.30.1-r1:busybox zlib:1.2.11-r1:zlib
urllib3_layer "$WORK/l2"
for n in 1 2; do
  layer_tar "$WORK/l$n" "$WORK/l$n.tar"
done
img="$WORK/img.tar"
python3 "$support/layers-to-docker-archive.py" "$img" strata/policy:1 "$WORK/l1.tar" "$WORK/l2.tar"
mkdir -p "$WORK/root"
tar -C "$WORK/root" -xf "$WORK/l1.tar"
tar -C "$WORK/root" -xf "$WORK/l2.tar"

mkdir -p "$WORK/osv-extra"
cat > "$WORK/osv-extra/PYSEC-9999-1.json" <<'EOF'
{"schema_version": "1.6.0", "id": "PYSEC-9999-1", "modified": "2024-01-01T00:00:00Z",
 "aliases": ["CVE-9999-0001"], "summary": "test record without a fix",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3", "purl": "pkg:pypi/urllib3"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
EOF
db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-alpine-v3.10/all.zip" \
  "$TESTDATA/osv-match/pypi" "$WORK/osv-extra"

scan() { "$STRATA" image --no-cache --db-dir "$db" "$@" "$img"; }
# the suppression of finding ID of package PKG: its "suppressed" member, compact ("null": none)
supp() { jq -c --arg id "$2" --arg p "$3" \
  '[.vulnerabilities[] | select(.id == $id and .package == $p) | .suppressed] | if length == 1 then .[0] else "missing" end' "$1"; }
expect_supp() {  # NAME FILE ID PKG WANT
  local got
  got=$(supp "$2" "$3" "$4")
  [[ $got == "$5" ]] && pass || fail "$1: $3 of $4 suppressed $got, want $5"
}
n_supp() { jq '[.vulnerabilities[] | select(.suppressed)] | length' "$1"; }
total_of() { jq '.vulnerabilities | length' "$1"; }

# --- without a policy: the findings this test relies on ------------------------------------------
expect_rc 0 scan --format json
base="$WORK/base.json"
cp "$WORK/out" "$base"
for want in "CVE-2019-14697 musl" "CVE-2019-1547 libcrypto1.1" "CVE-2019-1547 libssl1.1" \
            "CVE-2019-1549 libssl1.1" "CVE-2019-5747 busybox" "CVE-2021-33503 urllib3" \
            "CVE-2023-43804 urllib3" "CVE-2023-45803 urllib3" "CVE-9999-0001 urllib3"; do
  read -r id p <<< "$want"
  expect_supp "baseline" "$base" "$id" "$p" null
done
jq -e '[.vulnerabilities[] | select(.id == "CVE-2023-43804")][0].severity == "HIGH"
       and [.vulnerabilities[] | select(.id == "CVE-2023-45803")][0].severity == "MEDIUM"
       and ([.vulnerabilities[] | select(.id == "CVE-9999-0001")][0]
            | .severity == "LOW" and .status == "affected")' \
  "$base" > /dev/null && pass || fail "baseline severities changed"
n_base=$(total_of "$base")
jq -e '.summary.total == (.vulnerabilities | length) and .warnings == []' "$base" > /dev/null \
  && pass || fail "baseline summary/warnings: $(jq -c '[.summary, .warnings]' "$base")"
purl_of() { jq -r --arg p "$1" '[.packages[] | select(.name == $p)][0].purl' "$base"; }
musl_purl=$(purl_of musl)
ssl_purl=$(purl_of libssl1.1)
urllib3_purl=$(purl_of urllib3)
[[ $musl_purl == pkg:apk/alpine/musl@1.1.22-r2* && $urllib3_purl == pkg:pypi/urllib3@1.26.4 ]] \
  && pass || fail "purls: $musl_purl $urllib3_purl"
# --fail-on without a policy: urllib3's HIGH fails high
expect_rc 1 scan --format json --fail-on high

# --- plain ignore file -----------------------------------------------------------------------
cat > "$WORK/plain.ignore" <<'EOF'
# accepted risks

CVE-2019-14697   # musl: not reachable
  cve-2021-33503
CVE-2023-43804 exp:2099-12-31 # until the upgrade
EOF
expect_rc 0 scan --format json --ignore-file "$WORK/plain.ignore"
cp "$WORK/out" "$WORK/plain.json"
expect_supp "plain" "$WORK/plain.json" CVE-2019-14697 musl '{"kind":"ignore","reason":"musl: not reachable"}'
expect_supp "plain" "$WORK/plain.json" CVE-2021-33503 urllib3 \
  "{\"kind\":\"ignore\",\"reason\":\"listed in $WORK/plain.ignore:4\"}"
expect_supp "plain" "$WORK/plain.json" CVE-2023-43804 urllib3 '{"kind":"ignore","reason":"until the upgrade"}'
expect_supp "plain" "$WORK/plain.json" CVE-2023-45803 urllib3 null
[[ $(n_supp "$WORK/plain.json") == 3 && $(total_of "$WORK/plain.json") == "$n_base" ]] \
  && pass || fail "plain: $(n_supp "$WORK/plain.json") suppressed of $(total_of "$WORK/plain.json")"
# suppressed findings stay in vulnerabilities and leave the summary
jq -e --argjson n "$n_base" '.summary.total == $n - 3 and .summary.high == 0' "$WORK/plain.json" \
  > /dev/null && pass || fail "plain summary: $(jq -c .summary "$WORK/plain.json")"
jq -S 'del(.vulnerabilities[].suppressed, .summary)' "$WORK/plain.json" > "$WORK/got"
jq -S 'del(.summary)' "$base" > "$WORK/want"
expect_same "plain: only suppressed and summary differ" "$WORK/want" "$WORK/got"
# --fail-on: the only HIGH finding is suppressed; a MEDIUM one remains
expect_rc 0 scan --format json --ignore-file "$WORK/plain.ignore" --fail-on high
expect_rc 1 scan --format json --ignore-file "$WORK/plain.ignore" --fail-on medium
STRATA_IGNORE_FILE="$WORK/plain.ignore" expect_rc 0 scan --format json
[[ $(n_supp "$WORK/out") == 3 ]] && pass || fail "STRATA_IGNORE_FILE: $(n_supp "$WORK/out") suppressed"

# the table: suppressed findings not listed, one line counts them, totals without them
expect_rc 0 scan --format table --ignore-file "$WORK/plain.ignore"
cp "$WORK/out" "$WORK/plain.txt"
for id in CVE-2019-14697 CVE-2021-33503 CVE-2023-43804; do
  grep -q "$id" "$WORK/plain.txt" && fail "table lists suppressed $id" || pass
done
grep -q "CVE-2023-45803" "$WORK/plain.txt" && pass || fail "table lacks CVE-2023-45803"
grep -qx "3 suppressed findings (ignore file, VEX) not shown: see the JSON report" "$WORK/plain.txt" \
  && pass || fail "no suppressed line in the table: $(cat "$WORK/plain.txt")"
tail -1 "$WORK/plain.txt" | grep -q "^Total: $((n_base - 3)) (CRITICAL: 0, HIGH: 0, " \
  && pass || fail "table total: $(tail -1 "$WORK/plain.txt")"
# NeuVector's format leaves them out
expect_rc 0 scan --format neuvector --ignore-file "$WORK/plain.ignore"
jq -e '[.report.vulnerabilities[]?.name, .vulnerabilities[]?.name] | index("CVE-2019-14697") == null' \
  "$WORK/out" > /dev/null && pass || fail "NeuVector format lists a suppressed finding"

# --- YAML ignore file: package scope by name and by purl ------------------------------------------
cat > "$WORK/scoped.yaml" <<EOF
# accepted risks
vulnerabilities:
  - id: CVE-2019-1547
    packages: [libssl1.1]           # the binary package's name
    reason: "libssl's use is not reachable"
  - id: CVE-2019-1549
    packages: ["pkg:apk/alpine/libcrypto1.1"]   # a purl without a version: every version
    reason: crypto only
  - id: CVE-2019-1563
    packages: [openssl]             # the source name matches nothing
  - id: CVE-2019-5747
    packages: ["pkg:apk/alpine/busybox@1.30.1-r1?distro=3.10.2&arch=x86_64"]
    reason: qualifiers in another order
  - id: CVE-2019-14697
    packages: ["pkg:apk/alpine/musl@1.1.20-r4"]   # another version: no match
  - id: CVE-2023-45803
    packages: ["$urllib3_purl"]
    reason: "the purl strata reports"
    expires: 2099-01-01
EOF
expect_rc 0 scan --format json --ignore-file "$WORK/scoped.yaml"
cp "$WORK/out" "$WORK/scoped.json"
expect_supp "yaml name" "$WORK/scoped.json" CVE-2019-1547 libssl1.1 \
  '{"kind":"ignore","reason":"libssl'"'"'s use is not reachable"}'
expect_supp "yaml name" "$WORK/scoped.json" CVE-2019-1547 libcrypto1.1 null
expect_supp "yaml purl" "$WORK/scoped.json" CVE-2019-1549 libcrypto1.1 '{"kind":"ignore","reason":"crypto only"}'
expect_supp "yaml purl" "$WORK/scoped.json" CVE-2019-1549 libssl1.1 null
expect_supp "yaml source name" "$WORK/scoped.json" CVE-2019-1563 libssl1.1 null
expect_supp "yaml source name" "$WORK/scoped.json" CVE-2019-1563 libcrypto1.1 null
expect_supp "yaml qualifiers" "$WORK/scoped.json" CVE-2019-5747 busybox \
  '{"kind":"ignore","reason":"qualifiers in another order"}'
expect_supp "yaml version" "$WORK/scoped.json" CVE-2019-14697 musl null
expect_supp "yaml reported purl" "$WORK/scoped.json" CVE-2023-45803 urllib3 \
  '{"kind":"ignore","reason":"the purl strata reports"}'
[[ $(n_supp "$WORK/scoped.json") == 4 ]] && pass || fail "yaml: $(n_supp "$WORK/scoped.json") suppressed"
jq -e --argjson n "$n_base" '.summary.total == $n - 4 and .warnings == []' "$WORK/scoped.json" \
  > /dev/null && pass || fail "yaml summary: $(jq -c '[.summary, .warnings]' "$WORK/scoped.json")"
# strata rootfs reads the same policy
expect_rc 0 "$STRATA" rootfs --db-dir "$db" --format json --ignore-file "$WORK/scoped.yaml" "$WORK/root"
[[ $(n_supp "$WORK/out") == 4 ]] && pass || fail "rootfs: $(n_supp "$WORK/out") suppressed"

# --- expiry: SOURCE_DATE_EPOCH before, on and after the date --------------------------------------
cat > "$WORK/expiry.yaml" <<'EOF'
vulnerabilities:
  - id: CVE-2023-43804
    reason: "until the upgrade"
    expires: 2024-06-01
  - id: CVE-2019-14697
EOF
printf 'CVE-2023-45803 exp:2024-06-01\n' > "$WORK/expiry.txt"
d0531=1717113600  # 2024-05-31 00:00:00 UTC
d0601=1717243199  # 2024-06-01 23:59:59 UTC
d0702=1719878400  # 2024-07-02
SOURCE_DATE_EPOCH=$d0531 expect_rc 0 scan --format json --ignore-file "$WORK/expiry.yaml" --fail-on high
expect_supp "before expiry" "$WORK/out" CVE-2023-43804 urllib3 '{"kind":"ignore","reason":"until the upgrade"}'
jq -e '.warnings == []' "$WORK/out" > /dev/null && pass || fail "before expiry: warnings $(jq -c .warnings "$WORK/out")"
grep -q "expired" "$WORK/err" && fail "before expiry: stderr $(cat "$WORK/err")" || pass
for when in $d0601 $d0702; do
  SOURCE_DATE_EPOCH=$when expect_rc 1 scan --format json --ignore-file "$WORK/expiry.yaml" --fail-on high
  expect_supp "expired ($when)" "$WORK/out" CVE-2023-43804 urllib3 null
  expect_supp "expired ($when): other entry" "$WORK/out" CVE-2019-14697 musl \
    "{\"kind\":\"ignore\",\"reason\":\"listed in $WORK/expiry.yaml:5\"}"
  w="ignore file $WORK/expiry.yaml:2: the entry for CVE-2023-43804 expired on 2024-06-01 and no longer suppresses findings"
  jq -e --arg w "$w" '.warnings == [$w]' "$WORK/out" > /dev/null \
    && pass || fail "expired: JSON warnings $(jq -c .warnings "$WORK/out")"
  grep -qxF "strata: warning: $w" "$WORK/err" && pass || fail "expired: stderr $(cat "$WORK/err")"
done
# the plain form's exp: is the same
SOURCE_DATE_EPOCH=$d0531 expect_rc 0 scan --format json --ignore-file "$WORK/expiry.txt"
expect_supp "plain before expiry" "$WORK/out" CVE-2023-45803 urllib3 \
  "{\"kind\":\"ignore\",\"reason\":\"listed in $WORK/expiry.txt:1\"}"
SOURCE_DATE_EPOCH=$d0702 expect_rc 0 scan --format json --ignore-file "$WORK/expiry.txt"
expect_supp "plain expired" "$WORK/out" CVE-2023-45803 urllib3 null
grep -q "CVE-2023-45803 expired on 2024-06-01" "$WORK/err" && pass || fail "plain expired: stderr $(cat "$WORK/err")"
# the table repeats the warning; --quiet keeps stderr empty
SOURCE_DATE_EPOCH=$d0702 expect_rc 0 scan --format table --ignore-file "$WORK/expiry.txt"
grep -q "CVE-2023-45803 expired on 2024-06-01" "$WORK/out" && pass || fail "table lacks the expiry warning"
SOURCE_DATE_EPOCH=$d0702 expect_rc 0 "$STRATA" --quiet image --no-cache --db-dir "$db" --format json \
  --ignore-file "$WORK/expiry.txt" "$img"
[[ ! -s $WORK/err ]] && pass || fail "--quiet: stderr $(cat "$WORK/err")"

# --- the default ./.strataignore --------------------------------------------------------------
mkdir -p "$WORK/cwd-with" "$WORK/cwd-without"
printf 'CVE-2019-14697 # from the default file\n' > "$WORK/cwd-with/.strataignore"
# (pushd, not a subshell: the pass/fail counters must survive)
pushd "$WORK/cwd-with" > /dev/null
expect_rc 0 scan --format json
cp "$WORK/out" "$WORK/default.json"
# --ignore-file takes the place of ./.strataignore
expect_rc 0 scan --format json --ignore-file "$WORK/expiry.txt"
cp "$WORK/out" "$WORK/explicit.json"
popd > /dev/null
expect_supp "./.strataignore" "$WORK/default.json" CVE-2019-14697 musl \
  '{"kind":"ignore","reason":"from the default file"}'
[[ $(n_supp "$WORK/default.json") == 1 ]] && pass || fail "./.strataignore: $(n_supp "$WORK/default.json") suppressed"
pushd "$WORK/cwd-without" > /dev/null
expect_rc 0 scan --format json
popd > /dev/null
cp "$WORK/out" "$WORK/nodefault.json"
[[ $(n_supp "$WORK/nodefault.json") == 0 ]] && pass || fail "no .strataignore: something suppressed"
expect_supp "--ignore-file over ./.strataignore" "$WORK/explicit.json" CVE-2019-14697 musl null
# a .strataignore that is a directory is not an ignore file
mkdir -p "$WORK/cwd-dir/.strataignore"
pushd "$WORK/cwd-dir" > /dev/null
expect_rc 0 scan --format json
popd > /dev/null
# a malformed ./.strataignore stops the scan
printf 'vulnerabilities:\n  - id: [CVE-2019-14697\n' > "$WORK/cwd-without/.strataignore"
pushd "$WORK/cwd-without" > /dev/null
expect_rc 3 scan --format json
popd > /dev/null
expect_one_line_error "malformed ./.strataignore"
grep -q "^strata: error: .strataignore:" "$WORK/err" && pass || fail "names .strataignore: $(cat "$WORK/err")"
rm "$WORK/cwd-without/.strataignore"

# --- OpenVEX ----------------------------------------------------------------------------------
cat > "$WORK/openvex.json" <<EOF
{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/strata-policy-1",
  "author": "strata tests",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2019-14697"},
     "products": [{"@id": "pkg:apk/alpine/musl@1.1.22-r2"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"@id": "https://nvd.nist.gov/vuln/detail/CVE-2023-45803",
                       "name": "CVE-2023-45803"},
     "products": [{"@id": "pkg:oci/policy@sha256:0123",
                   "subcomponents": [{"@id": "$urllib3_purl"}]}],
     "status": "not_affected", "justification": "inline_mitigations_already_exist"},
    {"vulnerability": {"name": "CVE-2019-1547"},
     "products": [{"@id": "pkg:apk/alpine/libssl1.1",
                   "identifiers": {"purl": "pkg:apk/alpine/libssl1.1"}}],
     "status": "not_affected", "justification": "component_not_present"},
    {"vulnerability": {"name": "CVE-2019-1549"},
     "products": [{"@id": "pkg:apk/alpine/libssl1.1@1.1.0-r0"}],
     "status": "not_affected", "justification": "component_not_present"},
    {"vulnerability": {"name": "CVE-2023-43804"},
     "products": [{"@id": "pkg:pypi/urllib3"}],
     "status": "affected", "action_statement": "upgrade urllib3"},
    {"vulnerability": {"name": "CVE-2019-5747"},
     "products": [{"@id": "pkg:apk/alpine/busybox"}], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2021-33503"},
     "products": [{"@id": "pkg:pypi/urllib3"}], "status": "under_investigation"}
  ]
}
EOF
expect_rc 0 scan --format json --vex "$WORK/openvex.json"
cp "$WORK/out" "$WORK/openvex.out.json"
expect_supp "openvex product" "$WORK/openvex.out.json" CVE-2019-14697 musl \
  '{"kind":"vex","reason":"vulnerable_code_not_in_execute_path"}'
expect_supp "openvex subcomponent" "$WORK/openvex.out.json" CVE-2023-45803 urllib3 \
  '{"kind":"vex","reason":"inline_mitigations_already_exist"}'
expect_supp "openvex identifiers" "$WORK/openvex.out.json" CVE-2019-1547 libssl1.1 \
  '{"kind":"vex","reason":"component_not_present"}'
expect_supp "openvex other package" "$WORK/openvex.out.json" CVE-2019-1547 libcrypto1.1 null
expect_supp "openvex other version" "$WORK/openvex.out.json" CVE-2019-1549 libssl1.1 null
expect_supp "openvex affected" "$WORK/openvex.out.json" CVE-2023-43804 urllib3 null
expect_supp "openvex fixed" "$WORK/openvex.out.json" CVE-2019-5747 busybox null
expect_supp "openvex under_investigation" "$WORK/openvex.out.json" CVE-2021-33503 urllib3 null
[[ $(n_supp "$WORK/openvex.out.json") == 3 ]] && pass || fail "openvex: $(n_supp "$WORK/openvex.out.json") suppressed"
jq -e --argjson n "$n_base" '.summary.total == $n - 3' "$WORK/openvex.out.json" > /dev/null \
  && pass || fail "openvex summary: $(jq -c .summary "$WORK/openvex.out.json")"
# the affected HIGH finding still fails --fail-on high
expect_rc 1 scan --format json --vex "$WORK/openvex.json" --fail-on high

# --- CycloneDX VEX ------------------------------------------------------------------------------
cat > "$WORK/cdx.json" <<EOF
{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "components": [
    {"bom-ref": "crypto", "type": "library", "name": "libcrypto1.1",
     "purl": "pkg:apk/alpine/libcrypto1.1@1.1.1c-r0"},
    {"bom-ref": "py", "type": "library", "name": "urllib3", "purl": "$urllib3_purl"}
  ],
  "vulnerabilities": [
    {"id": "CVE-2019-1547", "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
     "affects": [{"ref": "crypto"}]},
    {"id": "CVE-2023-43804", "analysis": {"state": "not_affected", "justification": "requires_environment"},
     "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#py"}]},
    {"id": "CVE-2019-14697", "analysis": {"state": "not_affected", "detail": "static binaries only"},
     "affects": [{"ref": "pkg:apk/alpine/musl"}]},
    {"id": "CVE-2019-1549", "analysis": {"state": "exploitable"}, "affects": [{"ref": "crypto"}]},
    {"id": "CVE-2019-1563", "analysis": {"state": "in_triage"}, "affects": [{"ref": "crypto"}]},
    {"id": "CVE-2019-5747", "analysis": {"state": "resolved"},
     "affects": [{"ref": "pkg:apk/alpine/busybox"}]},
    {"id": "CVE-2021-33503", "affects": [{"ref": "py"}]}
  ]
}
EOF
expect_rc 0 scan --format json --vex "$WORK/cdx.json" --fail-on high
cp "$WORK/out" "$WORK/cdx.out.json"
expect_supp "cdx bom-ref" "$WORK/cdx.out.json" CVE-2019-1547 libcrypto1.1 '{"kind":"vex","reason":"code_not_reachable"}'
expect_supp "cdx bom-ref other package" "$WORK/cdx.out.json" CVE-2019-1547 libssl1.1 null
expect_supp "cdx BOM-link" "$WORK/cdx.out.json" CVE-2023-43804 urllib3 '{"kind":"vex","reason":"requires_environment"}'
expect_supp "cdx purl, detail" "$WORK/cdx.out.json" CVE-2019-14697 musl '{"kind":"vex","reason":"static binaries only"}'
expect_supp "cdx exploitable" "$WORK/cdx.out.json" CVE-2019-1549 libcrypto1.1 null
expect_supp "cdx in_triage" "$WORK/cdx.out.json" CVE-2019-1563 libcrypto1.1 null
expect_supp "cdx resolved" "$WORK/cdx.out.json" CVE-2019-5747 busybox null
expect_supp "cdx no analysis" "$WORK/cdx.out.json" CVE-2021-33503 urllib3 null
[[ $(n_supp "$WORK/cdx.out.json") == 3 ]] && pass || fail "cdx: $(n_supp "$WORK/cdx.out.json") suppressed"

# --vex repeated, with an ignore file: an ignore entry's reason wins over a VEX statement's
expect_rc 0 scan --format json --vex "$WORK/openvex.json" --vex "$WORK/cdx.json" \
  --ignore-file "$WORK/plain.ignore" --fail-on high
cp "$WORK/out" "$WORK/all.json"
expect_supp "ignore over vex" "$WORK/all.json" CVE-2019-14697 musl '{"kind":"ignore","reason":"musl: not reachable"}'
expect_supp "first vex" "$WORK/all.json" CVE-2019-1547 libssl1.1 '{"kind":"vex","reason":"component_not_present"}'
expect_supp "second vex" "$WORK/all.json" CVE-2019-1547 libcrypto1.1 '{"kind":"vex","reason":"code_not_reachable"}'
n_all=$(n_supp "$WORK/all.json")
jq -e --argjson n "$n_base" --argjson s "$n_all" '.summary.total == $n - $s' "$WORK/all.json" > /dev/null \
  && pass || fail "all: summary $(jq -c .summary "$WORK/all.json"), $n_all suppressed"

# --- --severity and --only-fixed -------------------------------------------------------------------
expect_rc 0 scan --format json --severity HIGH,medium
jq -e '[.vulnerabilities[].severity] | unique == ["HIGH", "MEDIUM"]' "$WORK/out" > /dev/null \
  && pass || fail "--severity HIGH,medium: $(jq -c '[.vulnerabilities[].severity] | unique' "$WORK/out")"
want=$(jq '[.vulnerabilities[] | select(.severity == "HIGH" or .severity == "MEDIUM")] | length' "$base")
jq -e --argjson n "$want" '.summary.total == $n and (.vulnerabilities | length) == $n
                           and .summary.unknown == 0 and .summary.low == 0' "$WORK/out" > /dev/null \
  && pass || fail "--severity summary: $(jq -c .summary "$WORK/out")"
cp "$WORK/out" "$WORK/sev.json"
STRATA_SEVERITY=high,MEDIUM expect_rc 0 scan --format json
expect_same "STRATA_SEVERITY" "$WORK/sev.json" "$WORK/out"
expect_rc 0 scan --format json --severity UNKNOWN,LOW --fail-on high
jq -e '[.vulnerabilities[].severity] | unique == ["LOW", "UNKNOWN"]' "$WORK/out" > /dev/null \
  && pass || fail "--severity UNKNOWN,LOW: $(jq -c '[.vulnerabilities[].severity] | unique' "$WORK/out")"
expect_rc 0 scan --format table --severity MEDIUM
tail -1 "$WORK/out" | grep -q "^Total: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, UNKNOWN: 0)" \
  && pass || fail "--severity table: $(tail -1 "$WORK/out")"
expect_rc 0 scan --format json --only-fixed
cp "$WORK/out" "$WORK/fixed.json"
jq -e '[.vulnerabilities[] | select(.status != "fixed" or .fixed_version == "")] == []' \
  "$WORK/fixed.json" > /dev/null && pass || fail "--only-fixed kept an unfixed finding"
n_fixed=$(jq '[.vulnerabilities[] | select(.fixed_version != "")] | length' "$base")
[[ $(total_of "$WORK/fixed.json") == "$n_fixed" && $n_fixed -lt $n_base ]] \
  && pass || fail "--only-fixed: $(total_of "$WORK/fixed.json") of $n_base, want $n_fixed"
expect_rc 0 scan --format json --ignore-unfixed
expect_same "--only-fixed is --ignore-unfixed" "$WORK/fixed.json" "$WORK/out"
STRATA_ONLY_FIXED=1 expect_rc 0 scan --format json
expect_same "STRATA_ONLY_FIXED" "$WORK/fixed.json" "$WORK/out"
# with a policy too: the severity filter first, then suppression
expect_rc 0 scan --format json --severity HIGH --only-fixed --ignore-file "$WORK/plain.ignore" --fail-on high
jq -e '(.vulnerabilities | length) == 1 and .vulnerabilities[0].suppressed.kind == "ignore"
       and .summary.total == 0' "$WORK/out" > /dev/null \
  && pass || fail "--severity HIGH with ignore: $(jq -c '[.vulnerabilities, .summary]' "$WORK/out")"

# --- errors: exit 3 (one line naming the file, nothing scanned), exit 2 ------------------------
bad() {  # NAME FLAG-ARGS... : exit 3, one line, no output file
  local name=$1; shift
  rm -f "$WORK/report.json"
  expect_rc 3 scan --format json -o "$WORK/report.json" "$@"
  expect_one_line_error "$name"
  [[ ! -e $WORK/report.json ]] && pass || fail "$name: a report was written"
}
printf 'vulnerabilities:\n  - id: CVE-2019-14697\n    packages: [musl\n' > "$WORK/unparsable.yaml"
bad "YAML that does not parse" --ignore-file "$WORK/unparsable.yaml"
grep -q "^strata: error: $WORK/unparsable.yaml:[0-9]*: invalid YAML" "$WORK/err" \
  && pass || fail "unparsable YAML: $(cat "$WORK/err")"
printf 'vulnerabilities:\n  - id: CVE-2019-14697\n    reson: typo\n' > "$WORK/typo.yaml"
bad "YAML with an unknown key" --ignore-file "$WORK/typo.yaml"
grep -qxF "strata: error: $WORK/typo.yaml:3: unknown key 'reson' (id, packages, reason, expires)" \
  "$WORK/err" && pass || fail "unknown key: $(cat "$WORK/err")"
printf 'vulnerabilities:\n  - id: CVE-2019-14697\n    expires: 2024-02-30\n' > "$WORK/date.yaml"
bad "YAML with a bad date" --ignore-file "$WORK/date.yaml"
grep -q "$WORK/date.yaml:3: expires '2024-02-30' is not a date" "$WORK/err" \
  && pass || fail "bad date: $(cat "$WORK/err")"
printf 'CVE-2019-14697 CVE-2019-5747\n' > "$WORK/two-ids.txt"
bad "plain file with two ids on a line" --ignore-file "$WORK/two-ids.txt"
grep -q "$WORK/two-ids.txt:1: " "$WORK/err" && pass || fail "plain line: $(cat "$WORK/err")"
bad "missing ignore file" --ignore-file "$WORK/nonexistent.yaml"
grep -q "^strata: error: ignore file $WORK/nonexistent.yaml: No such file" "$WORK/err" \
  && pass || fail "missing ignore file: $(cat "$WORK/err")"
bad "unreadable ignore file (a directory)" --ignore-file "$WORK/cwd-dir"
grep -q "^strata: error: ignore file $WORK/cwd-dir: " "$WORK/err" \
  && pass || fail "unreadable ignore file: $(cat "$WORK/err")"
bad "missing VEX file" --vex "$WORK/nonexistent.json"
grep -q "^strata: error: VEX file $WORK/nonexistent.json: No such file" "$WORK/err" \
  && pass || fail "missing VEX: $(cat "$WORK/err")"
printf '{"statements": [' > "$WORK/truncated.json"
bad "VEX that is not JSON" --vex "$WORK/openvex.json" --vex "$WORK/truncated.json"
grep -q "^strata: error: $WORK/truncated.json: not a JSON document" "$WORK/err" \
  && pass || fail "VEX not JSON: $(cat "$WORK/err")"
printf '{"document": {"category": "csaf_vex"}}' > "$WORK/csaf.json"
bad "VEX of another format" --vex "$WORK/csaf.json"
grep -q "^strata: error: $WORK/csaf.json: neither an OpenVEX nor a CycloneDX" "$WORK/err" \
  && pass || fail "VEX other format: $(cat "$WORK/err")"
printf '{"statements": [{"vulnerability": {"name": "CVE-2019-14697"}, "products": []}]}' \
  > "$WORK/nostatus.json"
bad "OpenVEX statement without a status" --vex "$WORK/nostatus.json"
grep -q "$WORK/nostatus.json: statement 1 has no status" "$WORK/err" \
  && pass || fail "VEX without status: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" rootfs --db-dir "$db" --format json --ignore-file "$WORK/typo.yaml" "$WORK/root"
expect_one_line_error "rootfs: malformed ignore file"

expect_rc 2 scan --format json --severity HIGH,SEVERE
expect_one_line_error "bad --severity"
grep -q "unknown severity 'SEVERE'" "$WORK/err" && pass || fail "bad --severity: $(cat "$WORK/err")"
expect_rc 2 scan --format json --severity ,
expect_one_line_error "empty --severity"
expect_rc 2 scan --format json --vex
expect_rc 2 scan --format json --ignore-file

# --- every exit code: 0, 1 (above), 2, 3 (above), 4 -------------------------------------------
expect_rc 0 scan --format json --ignore-file "$WORK/plain.ignore" --vex "$WORK/openvex.json" --fail-on high
expect_rc 1 scan --format json --ignore-file "$WORK/scoped.yaml" --fail-on high
# 4, an internal error, has no input that causes it. A failed allocation, the one exception the
# binary can be made to meet from outside, is exit 3 "out of memory" (the budgets bound what a
# scan holds; below them it is the machine's limit, not a bug): the smallest address-space limit
# (ulimit -v, KiB) under which a scan with a small VEX document gets as far as the missing
# database (exit 3, after the policy is read), then 8 MiB more and a 40 MiB VEX document (sparse:
# read_file's buffer is what fails).
printf '{"statements": []}' > "$WORK/tiny.json"
truncate -s 40M "$WORK/huge.json"
limited() {  # KIB VEX
  (ulimit -v "$1"; exec "$STRATA" image --no-cache --db-dir "$WORK/no-db" --format json --vex "$2" "$img")
}
lo=16384 hi=$((4 << 20))
rc=0; limited $hi "$WORK/tiny.json" > /dev/null 2>&1 || rc=$?
if [[ $rc == 3 ]]; then
  while ((hi - lo > 512)); do
    mid=$(((lo + hi) / 2)) rc=0
    limited $mid "$WORK/tiny.json" > /dev/null 2>&1 || rc=$?
    if [[ $rc == 3 ]]; then hi=$mid; else lo=$mid; fi
  done
  expect_rc 3 limited $((hi + 8192)) "$WORK/huge.json"
  expect_one_line_error "out of memory"
  grep -q "^strata: error: out of memory" "$WORK/err" \
    && pass || fail "out of memory: stderr $(cat "$WORK/err")"
else
  fail "out of memory: a scan under a 4 GiB address-space limit exited $rc, want 3 (missing database)"
fi
finish
