#!/usr/bin/env bash
# Images from a local engine: Podman's Docker-compatible API service (started here with a private
# vfs storage, nothing of the machine's own), scanned by name over its socket as docker:NAME,
# podman:NAME, a bare NAME (engine first), and in SCANNER_ON_DEMAND mode without SCANNER_REGISTRY;
# the results equal the scan of the same image from its archive. Errors: a missing image, a
# missing socket. When the service cannot start on this machine, the test says so and skips
# (exit 77, which CTest reports as skipped, never as passed).
source "$(dirname "$0")/lib.bash"
command -v podman > /dev/null || { echo "FAIL: podman is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }

source "$(dirname "$0")/../support/servers.bash"
P="$WORK/podman"
podman_private "$P"
sock="$P/podman.sock"
trap 'support_stop_all; rm -rf "$WORK" 2> /dev/null || true' EXIT
if ! start_podman_service "$sock" "$P/service.log"; then
  echo "SKIP: podman system service did not start here: $(head -c 400 "$P/service.log")" >&2
  echo "0 passed, 0 failed (skipped)"
  exit 77
fi
# no other engine may answer: the machine's own sockets are out of the picture
export DOCKER_HOST="unix://$sock" CONTAINER_HOST="unix://$sock" XDG_RUNTIME_DIR="$WORK/xdg"
unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH

gzip -dc "$TESTDATA/demo/ubuntu-18.04.tar.gz" > "$WORK/ubuntu.tar"
gzip -dc "$TESTDATA/images/docker-archive/alpine-upgrade.docker.tar.gz" > "$WORK/alpine.tar"
podman load -q -i "$WORK/ubuntu.tar" > "$WORK/load.log" 2>&1 || { echo "FAIL: podman load: $(cat "$WORK/load.log")" >&2; exit 1; }
podman load -q -i "$WORK/alpine.tar" >> "$WORK/load.log" 2>&1 || { echo "FAIL: podman load: $(cat "$WORK/load.log")" >&2; exit 1; }
ubuntu_name=$(jq -r '.[0].RepoTags[0]' <(tar -xOf "$WORK/ubuntu.tar" manifest.json))
alpine_name=$(jq -r '.[0].RepoTags[0]' <(tar -xOf "$WORK/alpine.tar" manifest.json))

db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip"
findings() { jq -r '.vulnerabilities[] | [.id, .package, .installed_version, .fixed_version, .layer] | @tsv' "$1" | sort; }
packages() { jq -r '.packages[] | [.name, .version, .layer] | @tsv' "$1" | sort; }

# 1. podman:NAME equals the archive scan (packages, findings, layers).
expect_rc 0 "$STRATA" image --db-dir "$db" --format json --input "$WORK/ubuntu.tar"
cp "$WORK/out" "$WORK/archive.json"
expect_rc 0 "$STRATA" image --db-dir "$db" --format json "podman:$ubuntu_name"
cp "$WORK/out" "$WORK/engine.json"
findings "$WORK/archive.json" > "$WORK/want.tsv"; findings "$WORK/engine.json" > "$WORK/got.tsv"
[[ $(wc -l < "$WORK/want.tsv") -gt 50 ]] && pass || fail "archive scan found too little"
expect_same "engine findings vs archive" "$WORK/want.tsv" "$WORK/got.tsv"
jq -e '.target.kind == "podman"' "$WORK/engine.json" > /dev/null && pass || fail "target: $(jq -c .target "$WORK/engine.json")"

# 2. The multi-layer alpine image through docker: (Podman's service speaks the Docker API).
expect_rc 0 "$STRATA" image --packages-only --format json --input "$WORK/alpine.tar"
packages "$WORK/out" > "$WORK/want.tsv"
expect_rc 0 "$STRATA" image --packages-only --format json "docker:$alpine_name"
packages "$WORK/out" > "$WORK/got.tsv"
expect_same "docker: packages vs archive" "$WORK/want.tsv" "$WORK/got.tsv"
[[ $(jq '.layers | length' "$WORK/out") == 3 ]] && pass || fail "alpine layers: $(jq '.layers | length' "$WORK/out")"

# 3. A bare name: the engine has it, so no registry is asked (there is none).
expect_rc 0 "$STRATA" image --packages-only --format json "$alpine_name"
packages "$WORK/out" > "$WORK/got.tsv"
expect_same "bare name packages" "$WORK/want.tsv" "$WORK/got.tsv"
# ... unless --image-src leaves the engines out
expect_rc 3 "$STRATA" image --packages-only --image-src registry --retries 0 "127.0.0.1:1/$alpine_name"

# 3b. The same service on tcp:// (DOCKER_HOST=tcp://host:port, plain HTTP).
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -u CONTAINER_HOST -u DOCKER_HOST podman system service --time=0 "tcp://127.0.0.1:$tport" > "$P/service-tcp.log" 2>&1 &
tcp_service=$!
wait_until 250 0.04 curl -s -o /dev/null "http://127.0.0.1:$tport/_ping" \
  || echo "tcp service: $(cat "$P/service-tcp.log")" >&2
DOCKER_HOST="tcp://127.0.0.1:$tport" expect_rc 0 "$STRATA" image --packages-only --format json "docker:$alpine_name"
packages "$WORK/out" > "$WORK/got.tsv"
expect_same "tcp:// engine packages" "$WORK/want.tsv" "$WORK/got.tsv"
kill $tcp_service 2> /dev/null; wait $tcp_service 2> /dev/null || true

# 3c. With the layer cache: the first scan stores every layer, the second exports nothing and
# gives the same result.
lc="$WORK/engine-cache"
expect_rc 0 "$STRATA" --log-level info image --cache-dir "$lc" --db-dir "$db" --format json "podman:$ubuntu_name"
grep -q "exporting" "$WORK/err" && pass || fail "cold engine scan did not export"
expect_rc 0 "$STRATA" --log-level info image --cache-dir "$lc" --db-dir "$db" --format json "podman:$ubuntu_name"
grep -q "nothing exported" "$WORK/err" && ! grep -q "exporting" "$WORK/err" && pass \
  || fail "warm engine scan exported: $(cat "$WORK/err")"
findings "$WORK/out" > "$WORK/got.tsv"; findings "$WORK/archive.json" > "$WORK/want.tsv"
expect_same "warm engine findings" "$WORK/want.tsv" "$WORK/got.tsv"
jq -e '[.layers[].from_cache] | all and (. | length) > 0' "$WORK/out" > /dev/null && pass || fail "warm engine from_cache"

# 4. Errors: a missing image, a missing socket, an unknown source.
expect_rc 3 "$STRATA" image --packages-only "docker:strata/none:1"
expect_one_line_error "missing image"
grep -q "image not found in the local engines" "$WORK/err" && pass || fail "missing image: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" image --packages-only --docker-host "unix://$WORK/no.sock" "docker:$alpine_name"
expect_one_line_error "missing socket"
grep -q "mount the engine's socket" "$WORK/err" && pass || fail "missing socket hint: $(cat "$WORK/err")"
expect_rc 2 "$STRATA" image --packages-only --image-src docker,containerd "$alpine_name"
expect_one_line_error "unknown source"

# 5. SCANNER_ON_DEMAND without SCANNER_REGISTRY: the local engine (SCANNER_DOCKER_URL).
rc=0
env -i PATH="$PATH" HOME="$WORK" SCANNER_ON_DEMAND=true SCANNER_DOCKER_URL="unix://$sock" \
  SCANNER_REPOSITORY="${ubuntu_name%:*}" SCANNER_TAG="${ubuntu_name##*:}" SCANNER_RESULT_DIR="$WORK/nv" \
  STRATA_DB_DIR="$db" "$STRATA" > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc == 0 ]] && pass || fail "env mode, local engine: exit $rc: $(head -c 300 "$WORK/err")"
findings "$WORK/nv/scan_result.strata.json" > "$WORK/got.tsv"; findings "$WORK/archive.json" > "$WORK/want.tsv"
expect_same "env mode local engine findings" "$WORK/want.tsv" "$WORK/got.tsv"
jq -e '.error_message == "" and .report.registry == ""' "$WORK/nv/scan_result.json" > /dev/null \
  && pass || fail "env mode result file"
# a local image that is not there: no fallback to a registry (NeuVector falls back to Docker Hub)
rc=0
env -i PATH="$PATH" HOME="$WORK" SCANNER_ON_DEMAND=true SCANNER_DOCKER_URL="unix://$sock" \
  SCANNER_REPOSITORY=library/ubuntu SCANNER_TAG=16.04 SCANNER_RESULT_DIR="$WORK/nv" \
  STRATA_DB_DIR="$db" "$STRATA" > "$WORK/out" 2> "$WORK/err" || rc=$?
[[ $rc == 3 ]] && pass || fail "env mode, missing local image: exit $rc"
jq -e '.report == null and (.error_message | test("not found in the local engines"))' "$WORK/nv/scan_result.json" \
  > /dev/null && pass || fail "missing local image result: $(cat "$WORK/nv/scan_result.json")"
finish
