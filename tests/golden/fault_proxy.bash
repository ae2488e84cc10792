# The fault-injecting proxy (tests/support/fault_proxy.py) for golden tests, sourced after
# registry_lib.bash: start_proxy puts it in front of a registry started there; it is stopped on
# exit with the registries.
if ! command -v python3 > /dev/null; then
  echo "FAIL: python3 is not installed (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi

# start_proxy UPSTREAM [fault_proxy.py args...]: (re)starts the fault proxy in front of
# UPSTREAM (host:port) with an empty request log $WORK/proxy.log; sets $proxy (host:port)
proxy_pid=""
start_proxy() {
  local upstream=$1; shift
  if [[ -n $proxy_pid ]]; then
    kill "$proxy_pid" 2> /dev/null || true
    wait "$proxy_pid" 2> /dev/null || true
  fi
  rm -f "$WORK/proxy.port"
  : > "$WORK/proxy.log"
  python3 "$(dirname "${BASH_SOURCE[0]}")/../support/fault_proxy.py" --upstream "$upstream" \
    --port-file "$WORK/proxy.port" --log "$WORK/proxy.log" "$@" 2> "$WORK/proxy.err" &
  proxy_pid=$!
  registry_pids+=("$proxy_pid")
  for _ in $(seq 1 250); do
    [[ -s $WORK/proxy.port ]] && break
    sleep 0.02
  done
  if [[ ! -s $WORK/proxy.port ]]; then
    echo "FAIL: fault proxy did not start: $(head -c 600 "$WORK/proxy.err")" >&2
    exit 1
  fi
  proxy="127.0.0.1:$(cat "$WORK/proxy.port")"
}

# requests PATTERN: how many requests the proxy logged whose line matches PATTERN (grep -E)
requests() {
  grep -cE "$1" "$WORK/proxy.log" || true
}
