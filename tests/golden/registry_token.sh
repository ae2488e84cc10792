#!/usr/bin/env bash
# Bearer token auth against the real CNCF registry (docker-registry, `auth: token:`) trusting
# tests/support/token_server.py: anonymous pull tokens on a public repository, a private
# repository with right / wrong / no credentials, and a token that runs out mid-scan (a second
# registry on the same storage whose token server issues 2-second tokens, behind a proxy that
# delays every request) so that the client must fetch a fresh one on a 401. Credentials and
# tokens must never reach stderr, even at --log-level debug.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_auth_lib.bash"

pass_word='s3cret pass'
make_signer
start_token_server tok --key "$WORK/signer.key" --cert "$WORK/signer.crt" \
  --user "tester:$pass_word" --public strata/alpine
tok_port=$tport
start_registry_with token "$(token_auth_yaml "$tok_port")" "$WORK/data"
reg="127.0.0.1:$port"
push upgrade "$reg/strata/alpine:upgrade" --dest-creds "tester:$pass_word"
push upgrade "$reg/strata/private:upgrade" --dest-creds "tester:$pass_word"
: > "$WORK/tok.log"

# 1. anonymous: a pull token for the public repository
expect_rc 0 "$STRATA" --log-level debug image "$reg/strata/alpine:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
grep -q '^GET token sub=- scope=repository:strata/alpine:pull$' "$WORK/tok.log" && pass \
  || fail "anonymous token request: $(cat "$WORK/tok.log")"
mapfile -t tokens < "$WORK/tok.tokens"
no_secret_on_stderr "anonymous pull" "${tokens[@]}"

# 2. anonymous on the private repository: the token grants nothing
expect_rc 3 "$STRATA" image "$reg/strata/private:upgrade" --insecure --packages-only
expect_one_line_error "anonymous on a private repository"
grep -q "^strata: error: $reg/strata/private:upgrade: authentication required (HTTP 401)$" "$WORK/err" \
  && pass || fail "anonymous private: $(cat "$WORK/err")"

# 3. right credentials
: > "$WORK/tok.log"
rc=0
printf '%s\n' "$pass_word" | "$STRATA" --log-level debug image "$reg/strata/private:upgrade" --insecure \
  --username tester --password-stdin --packages-only --format json > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 0 ]] && pass || fail "right credentials: exit $rc: $(head -c 400 "$WORK/err")"
packages "$img/expected/alpine-upgrade.tsv"
grep -q '^GET token sub=tester scope=repository:strata/private:pull$' "$WORK/tok.log" && pass \
  || fail "token request with credentials: $(cat "$WORK/tok.log")"
mapfile -t tokens < "$WORK/tok.tokens"
no_secret_on_stderr "right credentials" "$pass_word" "${tokens[@]}" \
  "$(printf 'tester:%s' "$pass_word" | base64)"

# 4. wrong credentials: the token server refuses them
rc=0
printf 'wrong-secret\n' | "$STRATA" --log-level debug image "$reg/strata/private:upgrade" --insecure \
  --username tester --password-stdin --packages-only > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 3 ]] && pass || fail "wrong credentials: exit $rc"
grep -v '^strata: \(debug\|info\)' "$WORK/err" > "$WORK/err.errors" || true
[[ $(wc -l < "$WORK/err.errors") -eq 1 ]] && pass || fail "wrong credentials: $(cat "$WORK/err.errors")"
grep -qE "^strata: error: $reg/strata/private:upgrade: (authentication required|access denied)" "$WORK/err" \
  && pass || fail "wrong credentials message: $(cat "$WORK/err")"
no_secret_on_stderr "wrong credentials" wrong-secret
grep -q 'token refused: wrong password for tester' "$WORK/tok.log" && pass || fail "token server log"
rc=0
printf 'wrong-secret\n' | "$STRATA" image "$reg/strata/private:upgrade" --insecure \
  --username tester --password-stdin --packages-only > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 3 ]] && pass || fail "wrong credentials (no debug): exit $rc"
expect_one_line_error "wrong credentials"

# 5. a token that expires mid-scan: 2-second tokens, every registry request delayed 0.7 s, layers
# fetched one at a time (--parallel 1) so that the scan outlives its first token
start_token_server short --key "$WORK/signer.key" --cert "$WORK/signer.crt" \
  --user "tester:$pass_word" --lifetime 2
start_registry_with short "$(token_auth_yaml "$tport")" "$WORK/data"
start_token_server proxy --proxy "127.0.0.1:$port" --delay 0.7
preg="127.0.0.1:$tport"
rc=0
printf '%s\n' "$pass_word" | "$STRATA" --log-level debug image "$preg/strata/private:upgrade" --insecure \
  --username tester --password-stdin --packages-only --format json --parallel 1 --no-cache > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc -eq 0 ]] && pass || fail "expiring token: exit $rc: $(head -c 600 "$WORK/err")"
packages "$img/expected/alpine-upgrade.tsv"
n=$(grep -c '^GET token sub=tester' "$WORK/short.log" || true)
[[ $n -ge 2 ]] && pass || fail "expiring token: $n tokens issued, want a refresh: $(cat "$WORK/short.log")"
# a request with the first token was refused after the scan had begun (not only the first challenge)
n401=$(grep -c ' 401$' "$WORK/proxy.log" || true)
[[ $n401 -ge 2 ]] && pass || fail "expiring token: $n401 refusals: $(cat "$WORK/proxy.log")"
mapfile -t tokens < "$WORK/short.tokens"
no_secret_on_stderr "expiring token" "$pass_word" "${tokens[@]}"
finish
