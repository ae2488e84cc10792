#!/usr/bin/env bash
# Scans from a real CNCF Distribution registry (Debian package docker-registry) on 127.0.0.1:
# images pushed with skopeo from testdata/images/oci-alpine, plain HTTP (--insecure), a
# multi-platform index, a missing tag, a second registry with htpasswd Basic auth (right,
# wrong and missing credentials), and a third with TLS from a self-signed CA (--ca-cert, and
# refusal without it). The package lists must equal the ones read from disk.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_lib.bash"
require_tools "cannot test registry scans" htpasswd openssl || exit 1

# 1. No auth, plain HTTP.
start_registry open
reg="127.0.0.1:$port"
push upgrade "$reg/strata/alpine:upgrade"
push multi "$reg/strata/alpine:multi" --all

expect_rc 0 "$STRATA" image "$reg/strata/alpine:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
[[ $(jq -r .target.kind "$WORK/out") == registry ]] && pass || fail "target.kind: $(jq .target "$WORK/out")"
[[ $(jq -r .target.digest "$WORK/out") == sha256:d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b ]] \
  && pass || fail "target.digest: $(jq -r .target.digest "$WORK/out")"
[[ $(jq '.layers | length' "$WORK/out") == 3 ]] && pass || fail "upgrade: layer count"

# the same image by digest, with the scheme in front instead of --insecure
expect_rc 0 "$STRATA" image "http://$reg/strata/alpine@sha256:d5b941f9bbb90c9c8e3df631ed589b9f7c2436379c22ab332710f23149a7d42b" \
  --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"

# multi-platform index
expect_rc 0 "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/arm64 --packages-only --format json
packages "$img/expected/alpine-3.20.3-arm64.tsv"
[[ $(jq -r .target.platform "$WORK/out") == linux/arm64* ]] && pass || fail "multi arm64 platform"
expect_rc 0 "$STRATA" image "$reg/strata/alpine:multi" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
expect_rc 3 "$STRATA" image "$reg/strata/alpine:multi" --insecure --platform linux/s390x --packages-only
expect_one_line_error "no such platform"
grep -q "no image for platform linux/s390x" "$WORK/err" && pass || fail "s390x: $(cat "$WORK/err")"

# missing tag, missing repository
expect_rc 3 "$STRATA" image "$reg/strata/alpine:nope" --insecure --packages-only
expect_one_line_error "missing tag"
grep -q "^strata: error: $reg/strata/alpine:nope: image not found (HTTP 404)$" "$WORK/err" && pass \
  || fail "missing tag: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" image "$reg/strata/none:1" --insecure --packages-only
grep -q "image not found" "$WORK/err" && pass || fail "missing repo: $(cat "$WORK/err")"

# without --insecure strata speaks TLS, which this registry does not: a network error, exit 3
expect_rc 3 "$STRATA" image "$reg/strata/alpine:upgrade" --packages-only --retries 0
expect_one_line_error "TLS to a plain registry"

# 2. htpasswd Basic auth.
htpasswd -Bbn tester 's3cret pass' > "$WORK/htpasswd"
start_registry basic "$WORK/htpasswd"
breg="127.0.0.1:$port"
push upgrade "$breg/strata/alpine:upgrade" --dest-creds 'tester:s3cret pass'

rc=0
printf 's3cret pass\n' | "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --username tester \
  --password-stdin --packages-only --format json > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 0 ]] && pass || fail "basic auth right creds: exit $rc: $(cat "$WORK/err")"
packages "$img/expected/alpine-upgrade.tsv"

rc=0
printf 'wrong\n' | "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --username tester \
  --password-stdin --packages-only > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 3 ]] && pass || fail "wrong creds: exit $rc"
expect_one_line_error "wrong creds"
grep -qE "$breg/strata/alpine:upgrade: (authentication required|access denied)" "$WORK/err" && pass \
  || fail "wrong creds message: $(cat "$WORK/err")"
grep -q wrong "$WORK/err" && fail "the password appears in the error" || pass

# credentials stored in the Docker client's config.json (DOCKER_CONFIG), used when no flag is given
mkdir -p "$WORK/docker"
printf '{"auths":{"http://%s":{"auth":"%s"}}}' "$breg" "$(printf 'tester:s3cret pass' | base64)" \
  > "$WORK/docker/config.json"
DOCKER_CONFIG="$WORK/docker" expect_rc 0 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure \
  --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$breg" "$(printf 'tester:bad' | base64)" > "$WORK/docker/config.json"
DOCKER_CONFIG="$WORK/docker" expect_rc 3 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only
grep -q "authentication required" "$WORK/err" && pass || fail "bad config creds: $(cat "$WORK/err")"
printf '{"auths":' > "$WORK/docker/config.json"
DOCKER_CONFIG="$WORK/docker" expect_rc 3 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only
expect_one_line_error "broken config.json"

expect_rc 3 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only
expect_one_line_error "no creds"
grep -q "authentication required (HTTP 401)" "$WORK/err" && pass || fail "no creds: $(cat "$WORK/err")"

expect_rc 2 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --password-stdin --packages-only

# 3. TLS with a self-signed CA: verified with --ca-cert, refused without it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=strata-test-ca \
  -keyout "$WORK/ca.key" -out "$WORK/ca.crt" > /dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$WORK/srv.key" -out "$WORK/srv.csr" \
  > /dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$WORK/srv.ext"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial \
  -days 2 -extfile "$WORK/srv.ext" -out "$WORK/srv.crt" > /dev/null 2>&1
start_registry tls "" "$WORK/srv"
treg="127.0.0.1:$port"
push upgrade "$treg/strata/alpine:upgrade"
expect_rc 0 "$STRATA" image "$treg/strata/alpine:upgrade" --ca-cert "$WORK/ca.crt" --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
expect_rc 3 "$STRATA" image "$treg/strata/alpine:upgrade" --retries 0 --packages-only
expect_one_line_error "TLS without the CA"
grep -qiE "certificate" "$WORK/err" && pass || fail "TLS without the CA: $(cat "$WORK/err")"
finish
