#!/usr/bin/env bash
# Golden test of issue 15 (beyond packages): an image with a planted, made-up but format-valid
# secret for every built-in rule (tests/support/plant-secrets.py), some in files the layer above
# deletes or overwrites, placeholders and noise paths that must give nothing, and set-id files a
# later layer removes or chmods back. Checks the exact secrets (rule, path, line, deleted) and
# set-id list, --secret-config (an allow-list and an added rule), --scanners, --fail-on-secret,
# the checks[] items, the NeuVector envelope, a warm scan from the layer cache, zero findings in
# the real images of testdata/images, and that no planted value reaches any output format, log
# line or cache record.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"
for tool in jq skopeo openssl zstd python3; do
  command -v "$tool" > /dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$WORK/l1" "$WORK/l2"
python3 "$support/plant-secrets.py" "$WORK/l1" "$WORK/l2" "$WORK/values" > "$WORK/want-secrets" \
  || { echo "FAIL: plant-secrets.py" >&2; exit 1; }
# Set-id files: su stays, wall is chmod'ed back above, newgrp is deleted above, mount is both.
mkdir -p "$WORK/l1/usr/bin" "$WORK/l2/usr/bin"
for f in su wall newgrp mount; do printf '\177ELF%s' "$f" > "$WORK/l1/usr/bin/$f"; done
chmod 4755 "$WORK/l1/usr/bin/su" "$WORK/l1/usr/bin/newgrp"
chmod 2755 "$WORK/l1/usr/bin/wall"
chmod 6750 "$WORK/l1/usr/bin/mount"
printf '\177ELFwall' > "$WORK/l2/usr/bin/wall" && chmod 755 "$WORK/l2/usr/bin/wall"
touch "$WORK/l2/usr/bin/.wh.newgrp"
for n in 1 2; do
  tar --sort=name --owner=root:0 --group=root:0 -C "$WORK/l$n" -cf "$WORK/l$n.tar" .
done
python3 "$support/layers-to-docker-archive.py" "$WORK/img.tar" planted:1 "$WORK/l1.tar" "$WORK/l2.tar"
l1="sha256:$(sha256sum "$WORK/l1.tar" | cut -d' ' -f1)"

secrets_of() { jq -r '.secrets[] | [.rule_id, .path, .line, .deleted] | @tsv' "$1" | sort -t$'\t' -k2,2 -k3,3n -k1,1; }

# --- the planted image, with a config that allow-lists a path and adds a rule -------------------
cat > "$WORK/secret.yaml" <<'YAML'
rules:
  - id: internal-api-key
    category: Internal
    title: Internal API key
    severity: HIGH
    keywords: [INTERNAL-]
    regex: INTERNAL-[0-9a-f]{32}
allow-rules:
  - id: fixtures
    description: test fixtures of the app
    path: ^/srv/fixtures/
YAML
key=$(python3 -c 'import random; r=random.Random(7); print("INTERNAL-" + "".join(r.choice("0123456789abcdef") for _ in range(32)))')
echo "$key" >> "$WORK/values"
# The added rule's file goes in a third layer.
mkdir -p "$WORK/l3/etc/app"
printf 'endpoint: https://api.internal.corp\nkey: %s\n' "$key" > "$WORK/l3/etc/app/client.yaml"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$WORK/l3" -cf "$WORK/l3.tar" .
python3 "$support/layers-to-docker-archive.py" "$WORK/img3.tar" planted:3 "$WORK/l1.tar" "$WORK/l2.tar" "$WORK/l3.tar"
printf 'internal-api-key\t/etc/app/client.yaml\t2\tfalse\n' | cat - "$WORK/want-secrets" \
  | sort -t$'\t' -k2,2 -k3,3n -k1,1 > "$WORK/want-config"

expect_rc 0 "$STRATA" image --no-cache --packages-only --secret-config "$WORK/secret.yaml" \
  --format json "$WORK/img3.tar"
cp "$WORK/out" "$WORK/config.json"
secrets_of "$WORK/config.json" > "$WORK/got"
expect_same "secrets with --secret-config" "$WORK/want-config" "$WORK/got"

# --- the built-in rules alone: the allow-listed file is a finding again -------------------------
expect_rc 0 "$STRATA" image --no-cache --packages-only --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/img.json"
printf 'github-pat\t/srv/fixtures/allowed.env\t1\tfalse\n' | cat - "$WORK/want-secrets" \
  | sort -t$'\t' -k2,2 -k3,3n -k1,1 > "$WORK/want"
secrets_of "$WORK/img.json" > "$WORK/got"
expect_same "secrets of the built-in rules" "$WORK/want" "$WORK/got"
[[ $(wc -l < "$WORK/want") -ge 28 ]] && pass || fail "too few planted secrets"
# Every secret has its layer: the planted files are all in layer 1.
jq -e --arg l "$l1" '[.secrets[] | select(.layer != $l)] | length == 0' "$WORK/img.json" > /dev/null \
  && pass || fail "secrets not attributed to layer 1"
# Every built-in rule is exercised (the rule ids of lib/secret/rules.yaml).
awk '/^[a-z-]+:/ { in_rules = ($1 == "rules:") } in_rules && /^  - id: / { print $3 }' \
  "$(dirname "$0")/../../lib/secret/rules.yaml" | sort -u > "$WORK/rules"
cut -f1 "$WORK/want" | sort -u > "$WORK/planted-rules"
expect_same "every built-in rule planted" "$WORK/rules" "$WORK/planted-rules"

# --- set-id files -------------------------------------------------------------------------------
jq -r '.setid_perms[] | [.path, .mode, .setuid, .setgid, .owner, .layer] | @tsv' "$WORK/img.json" > "$WORK/got"
printf '/usr/bin/mount\t6750\ttrue\ttrue\troot\t%s\n/usr/bin/su\t4755\ttrue\tfalse\troot\t%s\n' "$l1" "$l1" > "$WORK/want"
expect_same "set-id files" "$WORK/want" "$WORK/got"

# --- checks: root user, no healthcheck, ADD in the history, one item per set-id file and secret
jq -r '.checks[].test_number' "$WORK/img.json" | sort | uniq -c | awk '{print $2, $1}' > "$WORK/got"
n=$(jq '.secrets | length' "$WORK/img.json")
printf 'I.4.1 1\nI.4.10 %s\nI.4.6 1\nI.4.8 2\nI.4.9 1\n' "$n" > "$WORK/want"
expect_same "checks" "$WORK/want" "$WORK/got"

# --- the NeuVector envelope ---------------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --packages-only --format neuvector "$WORK/img.tar"
cp "$WORK/out" "$WORK/nv.json"
jq -e --argjson n "$n" '(.report.secrets | length) == $n and
    ([.report.secrets[] | keys] | unique) == [["evidence", "path", "suggestion", "type"]] and
    .report.setid_perms == [{"type": "setuid setgid", "evidence": "ugrwxr-x---", "path": "/usr/bin/mount"},
                            {"type": "setuid", "evidence": "urwxr-xr-x", "path": "/usr/bin/su"}] and
    ([.report.checks[] | select(.test_number == "I.4.8")] | length) == 2' "$WORK/nv.json" > /dev/null \
  && pass || fail "neuvector secrets/setid_perms/checks: $(jq -c '.report | {setid_perms, n: (.secrets|length)}' "$WORK/nv.json")"

# --- --scanners, --fail-on-secret --------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --packages-only --scanners vuln --format json "$WORK/img.tar"
jq -e 'has("secrets") | not' "$WORK/out" > /dev/null && pass || fail "--scanners vuln reported secrets"
# secret alone: no database needed (none is given), packages still listed
expect_rc 0 "$STRATA" image --no-cache --scanners secret --db-dir "$WORK/no-db" --format json "$WORK/img.tar"
jq -e --argjson n "$n" '(.secrets | length) == $n and .vulnerabilities == []' "$WORK/out" > /dev/null \
  && pass || fail "--scanners secret"
expect_rc 1 "$STRATA" image --no-cache --packages-only --fail-on-secret critical --format json "$WORK/img.tar"
expect_rc 0 "$STRATA" image --no-cache --packages-only --scanners vuln --fail-on-secret low --format json "$WORK/img.tar"
expect_rc 2 "$STRATA" image --no-cache --packages-only --scanners vuln,nope "$WORK/img.tar"
expect_one_line_error "an unknown scanner"
printf 'rules:\n  - id: broken\n    regex: "("\n' > "$WORK/bad.yaml"
expect_rc 3 "$STRATA" image --no-cache --packages-only --secret-config "$WORK/bad.yaml" "$WORK/img.tar"
expect_one_line_error "an invalid secret config"

# --- a warm scan from the layer cache reports the same, without reading the layers --------------
skopeo copy -q "docker-archive:$WORK/img.tar" "oci:$WORK/layout:planted" > /dev/null
export STRATA_CACHE_DIR="$WORK/layer-cache"
expect_rc 0 "$STRATA" image --packages-only --scanners vuln --format json "$WORK/layout"
expect_rc 0 "$STRATA" --log-level debug image --packages-only --format json "$WORK/layout"
cp "$WORK/err" "$WORK/log-cold"
secrets_of "$WORK/out" > "$WORK/got-cold"
expect_rc 0 "$STRATA" --log-level debug image --packages-only --format table "$WORK/layout"
cp "$WORK/out" "$WORK/table" && cp "$WORK/err" "$WORK/log-warm-table"
expect_rc 0 "$STRATA" image --packages-only --format json "$WORK/layout"
jq -e '[.layers[].from_cache] | all' "$WORK/out" > /dev/null && pass || fail "warm scan read a layer"
secrets_of "$WORK/out" > "$WORK/got"
expect_same "warm secrets = cold secrets" "$WORK/got-cold" "$WORK/got"
grep -q 'github-pat' "$WORK/table" && grep -q 'Set-id files: 2' "$WORK/table" && pass \
  || fail "table lacks secrets or set-id files"

# --- no planted value in any output, log line or cache record -----------------------------------
for f in "$WORK/layer-cache"/layers/ref/*_layer_file; do  # the records' zstd payloads, decoded
  python3 - "$f" <<'PY' | zstd -dc >> "$WORK/records" 2> /dev/null || true
import sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\x28\xb5\x2f\xfd")
sys.stdout.buffer.write(data[at:] if at >= 0 else b"")
PY
done
[[ -s $WORK/records ]] && pass || fail "no cache record decoded"
leaks=0
while IFS= read -r value; do
  [[ -z $value ]] && continue
  for f in "$WORK/img.json" "$WORK/config.json" "$WORK/nv.json" "$WORK/table" "$WORK/log-cold" \
    "$WORK/log-warm-table" "$WORK/records"; do
    if grep -aqF -- "$value" "$f"; then
      fail "a planted value (${value:0:4}...) is in $(basename "$f")"
      leaks=$((leaks + 1))
    fi
  done
done < "$WORK/values"
[[ $leaks -eq 0 ]] && pass

# --- the same tree as a directory and as a host root: the files of the final image only ------
mkdir -p "$WORK/root"
tar -C "$WORK/root" -xpf "$WORK/l1.tar"
rm -f "$WORK/root/root/.netrc" "$WORK/root/usr/bin/newgrp"
tar -C "$WORK/root" -xpf "$WORK/l2.tar" --exclude='*.wh.*'
jq -r '.secrets[] | select(.deleted | not) | [.rule_id, .path, .line] | @tsv' "$WORK/img.json" \
  | sort > "$WORK/want"
for cmd in rootfs "host --root"; do
  # shellcheck disable=SC2086
  expect_rc 0 "$STRATA" $cmd "$WORK/root" --scanners secret --format json
  jq -r '.secrets[] | [.rule_id, .path, .line] | @tsv' "$WORK/out" | sort > "$WORK/got"
  expect_same "secrets of the tree ($cmd)" "$WORK/want" "$WORK/got"
  jq -r '.setid_perms[] | [.path, .mode] | @tsv' "$WORK/out" > "$WORK/got"
  printf '/usr/bin/mount\t6750\n/usr/bin/su\t4755\n' > "$WORK/want-setid"
  expect_same "set-id files of the tree ($cmd)" "$WORK/want-setid" "$WORK/got"
  jq -e '[.checks[].test_number] | unique == ["I.4.10", "I.4.8"]' "$WORK/out" > /dev/null && pass \
    || fail "tree checks ($cmd): $(jq -c '[.checks[].test_number] | unique' "$WORK/out")"
done

# --- zero secrets in the real images of testdata/images -----------------------------------------
unset STRATA_CACHE_DIR
for img in oci-alpine:3.18.9 oci-debian-dpkgmeta:bookworm oci-rpm:sqlite oci-alpine-zstd:upgrade-zstd; do
  expect_rc 0 "$STRATA" image --no-cache --scanners secret --format json \
    --input "$TESTDATA/images/${img%%:*}" --tag "${img#*:}"
  jq -e '.secrets == []' "$WORK/out" > /dev/null && pass \
    || fail "secrets in $img: $(jq -c '[.secrets[] | [.rule_id, .path]]' "$WORK/out")"
done
finish
