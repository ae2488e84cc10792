#!/usr/bin/env bash
# strata as a drop-in for `docker run ... neuvector/scanner`: SCANNER_ON_DEMAND mode with only
# environment variables set (env -i), `strata -i REF`, the NeuVector result file
# (scan_result.json) and strata's own JSON beside it, per-layer results, CAP_CRITICAL,
# credentials from SCANNER_REGISTRY_USERNAME/PASSWORD, and every failure writing the result file
# with the error. The image is the demo Ubuntu 18.04 image, pushed to a real registry.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"
command -v htpasswd > /dev/null || { echo "FAIL: htpasswd is not installed" >&2; exit 1; }

db="$WORK/db"
# The demo records have no critical finding for this image: one made-up record adds one, so that
# CAP_CRITICAL has something to keep.
cat > "$WORK/critical.json" <<'JSON'
{"schema_version": "1.6.0", "id": "STRATA-TEST-0001", "modified": "2024-01-02T00:00:00Z",
 "published": "2024-01-01T00:00:00Z", "summary": "made-up critical test record",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "Ubuntu:18.04:LTS", "name": "gnutls28"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.5.18-1ubuntu1.9"}]}]}],
 "references": [{"type": "WEB", "url": "https://example.invalid/STRATA-TEST-0001"}]}
JSON
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip" "$WORK/critical.json"
gzip -dc "$TESTDATA/demo/ubuntu-18.04.tar.gz" > "$WORK/ubuntu.tar"

start_registry open
reg="127.0.0.1:$port"
push_oci "docker-archive:$WORK/ubuntu.tar" "$reg/strata/ubuntu:18.04"

# The reference: the same image scanned by `strata image` from the archive.
expect_rc 0 "$STRATA" image --db-dir "$db" --format json --input "$WORK/ubuntu.tar"
cp "$WORK/out" "$WORK/reference.json"
total=$(jq '.vulnerabilities | length' "$WORK/reference.json")
critical=$(jq '.summary.critical' "$WORK/reference.json")
[[ $total -gt 50 && $critical -gt 0 ]] && pass || fail "reference scan: $total findings, $critical critical"

nv="$WORK/nv"
# on_demand VAR=VALUE...: runs strata with nothing but these variables (and PATH, HOME)
on_demand() {
  local rc=0
  env -i PATH="$PATH" HOME="$WORK/home" DOCKER_CONFIG="$WORK/docker-none" STRATA_DB_DIR="$db" \
    SCANNER_RESULT_DIR="$nv" "$@" "$STRATA" > "$WORK/out" 2> "$WORK/err" || rc=$?
  echo "$rc"
}

# 1. The documented form: registry, repository, tag.
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg/" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04)
[[ $rc == 0 ]] && pass || fail "env mode: exit $rc: $(head -c 400 "$WORK/err")"
grep -q "^Total: $total (CRITICAL: $critical," "$WORK/out" && pass || fail "env mode stdout: $(tail -3 "$WORK/out")"
r="$nv/scan_result.json"
jq -e '.error_message == ""' "$r" > /dev/null && pass || fail "error_message: $(jq .error_message "$r")"
jq -e --arg reg "http://$reg/" '.report.registry == $reg and .report.repository == "strata/ubuntu"
  and .report.tag == "18.04" and .report.base_os == "ubuntu:18.04"
  and (.report.digest | startswith("sha256:")) and .report.os_scan_status == "OSScanStatusSupported"
  and .report.layers == [] and (.report.modules | length) > 50' "$r" > /dev/null \
  && pass || fail "report header: $(jq -c '.report | del(.vulnerabilities, .modules)' "$r" | head -c 600)"
[[ $(jq '.report.vulnerabilities | length' "$r") == "$total" ]] && pass || fail "vulnerability count"
# NeuVector's severities: Critical only with CAP_CRITICAL, so the criticals count as High here
jq -e '[.report.vulnerabilities[].severity] - ["High", "Medium", "Low", "Unknown"] == []' "$r" > /dev/null \
  && pass || fail "severities: $(jq -c '[.report.vulnerabilities[].severity] | unique' "$r")"
want_high=$(jq '.summary.critical + .summary.high' "$WORK/reference.json")
[[ $(jq '[.report.vulnerabilities[] | select(.severity == "High")] | length' "$r") == "$want_high" ]] \
  && pass || fail "High count"
# dpkg findings name source/binary and carry the source version (hand-checked: gnutls28 is the
# source of libgnutls30, CVE-2018-10844 fixed in 3.5.18-1ubuntu1.1)
jq -e '[.report.vulnerabilities[] | select(.name == "CVE-2018-10844"
        and .package_name == "gnutls28/libgnutls30" and .package_version == "3.5.18-1ubuntu1"
        and .fixed_version == "3.5.18-1ubuntu1.1")] | length == 1' "$r" > /dev/null \
  && pass || fail "gnutls finding: $(jq -c '[.report.vulnerabilities[] | select(.name == "CVE-2018-10844")]' "$r")"
# unfixed: fixed_version "", module status "unpatched" (systemd CVE-2018-20839 for bionic)
jq -e '[.report.vulnerabilities[] | select(.name == "CVE-2018-20839" and .fixed_version == "")] | length > 0' \
  "$r" > /dev/null && pass || fail "unfixed finding"
jq -e '[.report.modules[] | select(.name == "libsystemd0") | .cves[] | select(.name == "CVE-2018-20839")
        | .status] == ["unpatched"]' "$r" > /dev/null && pass || fail "module status"
jq -e '[.report.vulnerabilities[] | select(.published_timestamp <= 0 or .link == "")] | length == 0' \
  "$r" > /dev/null && pass || fail "timestamps and links"
# strata's own JSON beside it, identical to `strata image -f json` of the same reference
expect_rc 0 "$STRATA" image --db-dir "$db" --format json --insecure "$reg/strata/ubuntu:18.04"
jq 'del(.target.name, .layers[].from_cache)' "$WORK/out" > "$WORK/want.json"
jq 'del(.target.name, .layers[].from_cache)' "$nv/scan_result.strata.json" > "$WORK/got.json"
expect_same "scan_result.strata.json" "$WORK/want.json" "$WORK/got.json"

# 2. SCANNER_SCAN_LAYERS and CAP_CRITICAL.
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04 SCANNER_SCAN_LAYERS=true CAP_CRITICAL=true)
[[ $rc == 0 ]] && pass || fail "scan layers: exit $rc: $(head -c 400 "$WORK/err")"
[[ $(jq '[.report.vulnerabilities[] | select(.severity == "Critical")] | length' "$r") == "$critical" ]] \
  && pass || fail "CAP_CRITICAL keeps Critical"
jq -e '(.report.layers | length) > 0 and ([.report.layers[].vulnerabilities | length] | add)
       == (.report.vulnerabilities | length)' "$r" > /dev/null \
  && pass || fail "per-layer vulnerabilities: $(jq -c '[.report.layers[] | {digest, n: (.vulnerabilities | length)}]' "$r")"
# layers[0] is the top layer: the manifest's last layer
top=$(jq -r '[.layers[] | select(.digest != "")] | last | .digest' "$nv/scan_result.strata.json")
[[ $(jq -r '[.report.layers[] | select(.digest != "")][0].digest' "$r") == "$top" ]] && pass || fail "layers[0] is not the top layer"
jq -e '([.layers[].packages | length] | add) == (.packages | length)' "$nv/scan_result.strata.json" > /dev/null \
  && pass || fail "strata JSON per-layer packages"
grep -q "^LAYERS (top first):" "$WORK/out" && pass || fail "per-layer table section"

# 3. --fail-on through its variable; the result files are still written.
rm -f "$r"
rc=$(on_demand SCANNER_ON_DEMAND=1 SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04 STRATA_FAIL_ON=critical)
[[ $rc == 1 ]] && pass || fail "STRATA_FAIL_ON=critical: exit $rc"
[[ -s $r ]] && pass || fail "result file not written when failing on findings"

# 4. A missing image: exit 3, the error in scan_result.json with report null, no stale strata JSON.
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=nope)
[[ $rc == 3 ]] && pass || fail "missing tag: exit $rc"
expect_one_line_error "missing tag (env mode)"
jq -e '.report == null and (.error_message | test("image not found"))' "$r" > /dev/null \
  && pass || fail "missing tag result file: $(cat "$r")"
[[ ! -e $nv/scan_result.strata.json ]] && pass || fail "stale scan_result.strata.json left"

# 5. Missing, contradictory or malformed variables: exit 2, one line naming the variable, and the
# result file says so too.
check_var_error() {  # variable-name VAR=VALUE...
  local name=$1; shift
  rc=$(on_demand "$@")
  [[ $rc == 2 ]] && pass || fail "$name: exit $rc, want 2"
  expect_one_line_error "$name"
  grep -q "$name" "$WORK/err" && pass || fail "$name not named: $(cat "$WORK/err")"
  jq -e --arg v "$name" '.report == null and (.error_message | contains($v))' "$r" > /dev/null \
    && pass || fail "$name: result file: $(cat "$r")"
}
check_var_error SCANNER_REPOSITORY SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg"
# without SCANNER_REGISTRY the image is the local engine's; with no engine here, that is the error
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REPOSITORY=strata/ubuntu SCANNER_DOCKER_URL="unix://$WORK/none.sock")
[[ $rc == 3 ]] && pass || fail "no registry, no engine: exit $rc"
expect_one_line_error "no registry, no engine"
jq -e '.report == null and (.error_message | test("not found in the local engines"))' "$r" > /dev/null \
  && pass || fail "no registry, no engine: result file: $(cat "$r")"
check_var_error SCANNER_DOCKER_URL SCANNER_ON_DEMAND=true SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_DOCKER_URL=ssh://host
check_var_error SCANNER_SCAN_LAYERS SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" \
  SCANNER_REPOSITORY=strata/ubuntu SCANNER_SCAN_LAYERS=maybe
check_var_error SCANNER_REGISTRY_PASSWORD SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" \
  SCANNER_REPOSITORY=strata/ubuntu SCANNER_TAG=18.04 SCANNER_REGISTRY_PASSWORD=x
check_var_error SCANNER_REGISTRY SCANNER_ON_DEMAND=true SCANNER_REGISTRY="ftp://$reg" \
  SCANNER_REPOSITORY=strata/ubuntu
check_var_error MAX_CACHE_RECORD_MB SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" \
  SCANNER_REPOSITORY=strata/ubuntu MAX_CACHE_RECORD_MB=lots
check_var_error SCANNER_TAG SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" \
  SCANNER_REPOSITORY=strata/ubuntu "SCANNER_TAG=bad tag"
# SCANNER_ON_DEMAND=false is not the mode (NeuVector took any value as true): help, exit 2
rc=$(on_demand SCANNER_ON_DEMAND=false SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/ubuntu)
[[ $rc == 2 ]] && grep -q "Usage" "$WORK/err" && pass || fail "SCANNER_ON_DEMAND=false: exit $rc"

# 6. A result directory that cannot be created: exit 3 before any scan.
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$reg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04 SCANNER_RESULT_DIR=/proc/strata-cannot-exist)
[[ $rc == 3 ]] && pass || fail "unwritable result dir: exit $rc"
expect_one_line_error "unwritable result dir"
grep -q "SCANNER_RESULT_DIR" "$WORK/err" && pass || fail "result dir error: $(cat "$WORK/err")"

# 7. Credentials from SCANNER_REGISTRY_USERNAME / SCANNER_REGISTRY_PASSWORD (Basic auth registry);
# the password never shows in any output.
htpasswd -Bbn scanner 'pa55 word' > "$WORK/htpasswd"
start_registry basic "$WORK/htpasswd"
breg="127.0.0.1:$port"
push_oci "docker-archive:$WORK/ubuntu.tar" "$breg/strata/ubuntu:18.04" --dest-creds 'scanner:pa55 word'
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$breg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04 SCANNER_REGISTRY_USERNAME=scanner "SCANNER_REGISTRY_PASSWORD=pa55 word")
[[ $rc == 0 ]] && pass || fail "env credentials: exit $rc: $(head -c 400 "$WORK/err")"
rc=$(on_demand SCANNER_ON_DEMAND=true SCANNER_REGISTRY="http://$breg" SCANNER_REPOSITORY=strata/ubuntu \
  SCANNER_TAG=18.04 SCANNER_REGISTRY_USERNAME=scanner SCANNER_REGISTRY_PASSWORD=wrong-pa55)
[[ $rc == 3 ]] && pass || fail "wrong env credentials: exit $rc"
expect_one_line_error "wrong env credentials"
grep -q "wrong-pa55" "$WORK/err" "$WORK/out" "$r" && fail "the password appears in the output" || pass

# 8. NeuVector's -i form, with a digest-pinned reference and strata image options after it.
digest=$(jq -r .target.digest "$WORK/reference.json")
[[ -z $digest ]] && digest=$(jq -r .report.digest "$nv/scan_result.json" 2> /dev/null || true)
rc=0
env SCANNER_RESULT_DIR="$nv" SCANNER_SCAN_LAYERS=yes "$STRATA" -i "$reg/strata/ubuntu:18.04" --insecure \
  --db-dir "$db" > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc == 0 ]] && pass || fail "-i: exit $rc: $(head -c 400 "$WORK/err")"
jq -e '.error_message == "" and .report.repository == "strata/ubuntu" and (.report.layers | length) > 0' \
  "$r" > /dev/null && pass || fail "-i result file"
grep -q "^Total: $total " "$WORK/out" && pass || fail "-i stdout"
expect_rc 2 "$STRATA" -i
expect_one_line_error "-i without a reference"

# 9. --format neuvector for an image on disk: the repository and tag come from its RepoTags.
expect_rc 0 "$STRATA" image --db-dir "$db" --format neuvector --input "$WORK/ubuntu.tar"
jq -e '.error_message == "" and .report.repository != "" and .report.registry == ""
  and (.report.vulnerabilities | length) > 0' "$WORK/out" > /dev/null \
  && pass || fail "--format neuvector: $(jq -c '.report | {registry, repository, tag}' "$WORK/out")"
finish
