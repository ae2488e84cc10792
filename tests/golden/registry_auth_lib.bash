# More helpers for golden tests against the real registry, on top of registry_lib.bash (sourced
# after lib.bash; sources registry_lib.bash itself): registries with any extra configuration
# (token auth, schema 1) on a chosen storage directory, the test token server
# (tests/support/token_server.py). Every process started here is stopped on exit with the
# registries.
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.bash"
require_tools "cannot test registry scans" openssl python3 curl || exit 1

TOKEN_SERVER="$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)/token_server.py"

# start_registry_with NAME EXTRA_YAML [DATA_DIR]: a registry with EXTRA_YAML appended to its
# config (top-level sections such as auth:) and its storage in DATA_DIR (several registries may
# share one); sets $port.
start_registry_with() {
  start_registry "$1" "" "" "$2" "${3:-}"
}

# start_token_server NAME ARGS...: starts token_server.py (log $WORK/NAME.log, issued tokens
# $WORK/NAME.tokens); sets $tport.
start_token_server() {
  local name=$1; shift
  start_port_file_server "token server $name" "$WORK/$name.port" "$WORK/$name.err" \
    python3 "$TOKEN_SERVER" --log "$WORK/$name.log" --tokens "$WORK/$name.tokens" \
    --port-file "$WORK/$name.port" "$@" || exit 1
  tport=$server_port
}

# token_auth_yaml REALM_PORT: the registry's auth section trusting $WORK/signer.crt
token_auth_yaml() {
  printf 'auth:\n  token:\n    realm: http://127.0.0.1:%s/token\n    service: strata-registry\n    issuer: strata-test-issuer\n    rootcertbundle: %s\n' \
    "$1" "$WORK/signer.crt"
}

make_signer() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=strata-token-signer \
    -keyout "$WORK/signer.key" -out "$WORK/signer.crt" > /dev/null 2>&1
}

# no_secret_on_stderr WHAT SECRET...: none of the strings appears in $WORK/err
no_secret_on_stderr() {
  local what=$1 s; shift
  for s in "$@"; do
    if [[ -n $s ]] && grep -qF -- "$s" "$WORK/err"; then
      fail "$what: a secret appears on stderr"
      return
    fi
  done
  pass
}
