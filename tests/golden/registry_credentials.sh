#!/usr/bin/env bash
# Credentials from the Docker client's config.json beyond inline `auths`: credential helpers
# (credHelpers / credsStore; a real docker-credential-test script put on PATH) against a real
# registry with htpasswd Basic auth, and identity tokens (OAuth2 refresh-token POST to the
# token realm, GET when the POST is answered 404) against a real registry with token auth.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/registry_auth_lib.bash"

if ! command -v htpasswd > /dev/null; then
  echo "FAIL: htpasswd is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
pass_word='s3cret pass'
refresh='refresh-4f1c9e0d'

# A helper that logs its argv and stdin, and answers for the server URL in $WORK/helper.mode:
# "ok" -> the credentials, "token" -> an identity token, "none" -> not found, "fail" -> error.
mkdir -p "$WORK/bin" "$WORK/docker"
cat > "$WORK/bin/docker-credential-test" << SH
#!/bin/sh
read -r url
echo "\$* \$url" >> "$WORK/helper.log"
case \$(cat "$WORK/helper.mode") in
  ok) printf '{"ServerURL":"%s","Username":"tester","Secret":"%s"}\n' "\$url" '$pass_word' ;;
  token) printf '{"ServerURL":"%s","Username":"<token>","Secret":"%s"}\n' "\$url" '$refresh' ;;
  none) echo "credentials not found in native keychain"; exit 1 ;;
  fail) echo "helper exploded: keychain locked" >&2; exit 2 ;;
  slow) exec sleep 30 ;;
esac
SH
chmod +x "$WORK/bin/docker-credential-test"
export PATH="$WORK/bin:$PATH"
export DOCKER_CONFIG="$WORK/docker"

# 1. credential helpers against htpasswd Basic auth
htpasswd -Bbn tester "$pass_word" > "$WORK/htpasswd"
start_registry_with basic "$(printf 'auth:\n  htpasswd:\n    realm: strata-test\n    path: %s\n' "$WORK/htpasswd")"
breg="127.0.0.1:$port"
push upgrade "$breg/strata/alpine:upgrade" --dest-creds "tester:$pass_word"

printf '{"credHelpers":{"%s":"test"}}' "$breg" > "$DOCKER_CONFIG/config.json"
echo ok > "$WORK/helper.mode"
expect_rc 0 "$STRATA" --log-level debug image "$breg/strata/alpine:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
[[ $(cat "$WORK/helper.log") == "get $breg" ]] && pass || fail "helper argv/stdin: $(cat "$WORK/helper.log")"
no_secret_on_stderr "helper credentials" "$pass_word"

# credsStore applies to every registry
printf '{"credsStore":"test","auths":{"%s":{"auth":"%s"}}}' "$breg" "$(printf 'tester:wrong' | base64)" \
  > "$DOCKER_CONFIG/config.json"
expect_rc 0 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"

# the helper holds nothing for this registry: anonymous, so the registry refuses
echo none > "$WORK/helper.mode"
expect_rc 3 "$STRATA" --log-level debug image "$breg/strata/alpine:upgrade" --insecure --packages-only
grep -q "docker-credential-test holds no credentials for $breg; pulling anonymously" "$WORK/err" && pass \
  || fail "helper without credentials: $(cat "$WORK/err")"
grep -q "authentication required (HTTP 401)" "$WORK/err" && pass || fail "anonymous: $(cat "$WORK/err")"

# the helper fails: a one-line error quoting its stderr
echo fail > "$WORK/helper.mode"
expect_rc 3 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only
expect_one_line_error "failing helper"
grep -q "credential helper docker-credential-test failed for $breg (exit 2): helper exploded: keychain locked" \
  "$WORK/err" && pass || fail "failing helper: $(cat "$WORK/err")"

# the helper is not installed: a warning, then anonymous
printf '{"credHelpers":{"%s":"absent"}}' "$breg" > "$DOCKER_CONFIG/config.json"
expect_rc 3 "$STRATA" image "$breg/strata/alpine:upgrade" --insecure --packages-only
grep -q "warn.*docker-credential-absent for $breg is not on PATH; pulling anonymously" "$WORK/err" && pass \
  || fail "missing helper: $(cat "$WORK/err")"
grep -q "authentication required (HTTP 401)" "$WORK/err" && pass || fail "missing helper: $(cat "$WORK/err")"

# 2. identity tokens against token auth
make_signer
start_token_server tok --key "$WORK/signer.key" --cert "$WORK/signer.crt" \
  --user "tester:$pass_word" --refresh-token "$refresh:tester" --public strata/alpine
start_registry_with token "$(token_auth_yaml "$tport")" "$WORK/tdata"
treg="127.0.0.1:$port"
push upgrade "$treg/strata/private:upgrade" --dest-creds "tester:$pass_word"
push upgrade "$treg/strata/alpine:upgrade" --dest-creds "tester:$pass_word"

: > "$WORK/tok.log"
printf '{"auths":{"%s":{"auth":"%s","identitytoken":"%s"}}}' "$treg" "$(printf '<token>:' | base64)" "$refresh" \
  > "$DOCKER_CONFIG/config.json"
expect_rc 0 "$STRATA" --log-level debug image "$treg/strata/private:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
grep -q '^POST token sub=tester scope=repository:strata/private:pull$' "$WORK/tok.log" && pass \
  || fail "identity token exchange: $(cat "$WORK/tok.log")"
mapfile -t tokens < "$WORK/tok.tokens"
no_secret_on_stderr "identity token" "$refresh" "${tokens[@]}"

# the same identity token from a credential helper (Username "<token>")
printf '{"credHelpers":{"%s":"test"}}' "$treg" > "$DOCKER_CONFIG/config.json"
echo token > "$WORK/helper.mode"
: > "$WORK/tok.log"
expect_rc 0 "$STRATA" image "$treg/strata/private:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
grep -q '^POST token sub=tester' "$WORK/tok.log" && pass || fail "helper identity token: $(cat "$WORK/tok.log")"

# an unknown identity token is refused
printf '{"auths":{"%s":{"identitytoken":"not-a-token"}}}' "$treg" > "$DOCKER_CONFIG/config.json"
expect_rc 3 "$STRATA" image "$treg/strata/private:upgrade" --insecure --packages-only
expect_one_line_error "unknown identity token"
grep -q "$treg/strata/private:upgrade: authentication required (HTTP 401)" "$WORK/err" && pass \
  || fail "unknown identity token: $(cat "$WORK/err")"

# a token server without the POST flow: GET (anonymous) after the 404
start_token_server nopost --key "$WORK/signer.key" --cert "$WORK/signer.crt" --no-post --public strata/alpine
start_registry_with nopost "$(token_auth_yaml "$tport")" "$WORK/tdata"
nreg="127.0.0.1:$port"
printf '{"auths":{"%s":{"identitytoken":"%s"}}}' "$nreg" "$refresh" > "$DOCKER_CONFIG/config.json"
expect_rc 0 "$STRATA" image "$nreg/strata/alpine:upgrade" --insecure --packages-only --format json
packages "$img/expected/alpine-upgrade.tsv"
grep -q '^POST /token 404$' "$WORK/nopost.log" && grep -q '^GET token sub=- scope=repository:strata/alpine:pull$' \
  "$WORK/nopost.log" && pass || fail "POST 404 fallback: $(cat "$WORK/nopost.log")"
finish
