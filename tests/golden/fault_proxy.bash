# The fault-injecting proxy (tests/support/fault_proxy.py) for golden tests, sourced after
# registry_lib.bash: start_proxy puts it in front of a registry started there; it is stopped on
# exit with the registries.
require_tools "cannot run the fault proxy" python3 || exit 1

# start_proxy UPSTREAM [fault_proxy.py args...]: (re)starts the fault proxy in front of
# UPSTREAM (host:port) with an empty request log $WORK/proxy.log; sets $proxy (host:port)
proxy_pid=""
start_proxy() {
  local upstream=$1; shift
  if [[ -n $proxy_pid ]]; then
    kill "$proxy_pid" 2> /dev/null || true
    wait "$proxy_pid" 2> /dev/null || true
  fi
  : > "$WORK/proxy.log"
  start_port_file_server "fault proxy" "$WORK/proxy.port" "$WORK/proxy.err" \
    python3 "$(dirname "${BASH_SOURCE[0]}")/../support/fault_proxy.py" --upstream "$upstream" \
    --port-file "$WORK/proxy.port" --log "$WORK/proxy.log" "$@" || exit 1
  proxy_pid=$server_pid
  proxy="127.0.0.1:$server_port"
}

# requests PATTERN: how many requests the proxy logged whose line matches PATTERN (grep -E)
requests() {
  grep -cE "$1" "$WORK/proxy.log" || true
}
