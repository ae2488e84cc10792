#!/usr/bin/env bash
# The Kubernetes manifests in deploy/kubernetes, checked offline (no cluster, no network):
# - every document of every YAML file, and the output of kustomization.yaml rendered here (a
#   small strategic-merge emulation of what `kubectl kustomize` does with its namespace, images
#   and patches; compared with kubectl's own output when a kubectl is installed), is valid
#   against the Kubernetes JSON schema of its kind in third_party/kubernetes-json-schema
#   (yannh/kubernetes-json-schema's standalone-strict files: additionalProperties false, so a
#   misspelt field fails). A kind whose schema file is not there is reported as not
#   schema-checked (third_party/kubernetes-json-schema/SOURCE.md says which are missing); the
#   containers and the pod securityContext of every pod template are validated on their own;
# - the validator can fail: copies of the Job, the PersistentVolumeClaim, the Secret, a
#   container and a pod securityContext with one misspelt field each are rejected, naming the
#   field, when their schema is there;
# - what the deployment relies on: an Indexed Job whose completions equal its SHARDS (raw and
#   rendered), the node's layer cache as hostPath /tmp/images/caches, no pod anti-affinity, the
#   container arguments `registry ... --shards`, every $(VAR) defined, the pods' security
#   context (non-root uid 10001, read-only root, no capabilities, RuntimeDefault seccomp), the
#   database read-only in the scanners, the CronJob's concurrencyPolicy Forbid;
# - the strata commands and flags the manifests use are accepted by $STRATA (each --flag of a
#   container's arguments appears in `strata SUBCOMMAND --help`), and the environment variables
#   of the on-demand Deployment are documented in man/strata.1. While `strata registry` does not
#   exist yet, that part is reported and the test ends skipped (77) instead of passed.
source "$(dirname "$0")/lib.bash"
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
deploy="$SOURCE_DIR/deploy/kubernetes"
schemas="$SOURCE_DIR/third_party/kubernetes-json-schema/master-standalone-strict"
if ! /usr/bin/python3 -c 'import jsonschema, yaml' 2> /dev/null; then
  echo "FAIL: python3-jsonschema and python3-yaml are needed (scripts/install-deps.sh --test)" >&2
  exit 1
fi

# kubectl's built-in kustomize renders the kustomization too, when there is a kubectl (Debian 12
# has none recent enough: kubernetes-client is 1.20, without `patches`); rendering needs no
# cluster.
kubectl_out=""
if command -v kubectl > /dev/null && kubectl kustomize "$deploy" > "$WORK/kubectl.yaml" 2> "$WORK/kerr"; then
  kubectl_out="$WORK/kubectl.yaml"
fi

/usr/bin/python3 - "$deploy" "$schemas" "$kubectl_out" "$SOURCE_DIR/man/strata.1" \
  > "$WORK/checks" 2>&1 << 'PY' || fail "the manifest checker crashed: $(tail -5 "$WORK/checks")"
import copy, glob, json, os, re, sys
import jsonschema, yaml

deploy, schema_dir, kubectl_out, manpage = sys.argv[1:5]
out = []
def ok(what): print("ok " + what)
def bad(what): print("FAIL " + what)
def note(what): print("NOTE " + what)
def check(cond, what):
    ok(what) if cond else bad(what)

def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]

# --- the documents --------------------------------------------------------------------------
files = sorted(glob.glob(os.path.join(deploy, "*.yaml")))
raw = {}  # file name -> documents
for path in files:
    raw[os.path.basename(path)] = load_all(path)
kustomization = raw.pop("kustomization.yaml")
check(kustomization[0].get("kind") == "Kustomization", "kustomization.yaml is a Kustomization")
known = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}
extra = set(kustomization[0]) - known
check(not extra, f"kustomization.yaml uses only fields this renderer knows (extra: {sorted(extra)})")

# --- kustomize, the part of it kustomization.yaml uses --------------------------------------
def smp(base, patch):
    """Strategic merge: maps merge, lists of named maps merge by name, other lists replace."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for k, v in patch.items():
            merged[k] = smp(base[k], v) if k in base else copy.deepcopy(v)
        return merged
    named = lambda l: isinstance(l, list) and all(isinstance(i, dict) and "name" in i for i in l)
    if named(base) and named(patch):
        merged = [copy.deepcopy(i) for i in base]
        for item in patch:
            for i, b in enumerate(merged):
                if b["name"] == item["name"]:
                    merged[i] = smp(b, item)
                    break
            else:
                merged.append(copy.deepcopy(item))
        return merged
    return copy.deepcopy(patch)

def pod_specs(doc):
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    tpl = spec.get("template")
    return [tpl["spec"]] if tpl else []

def containers(doc):
    return [c for p in pod_specs(doc) for c in p.get("containers", []) + p.get("initContainers", [])]

def render(k):
    docs = []
    for r in k.get("resources", []):
        docs += copy.deepcopy(raw[r])
    for p in k.get("patches", []):
        patch = yaml.safe_load(p["patch"])
        hits = [i for i, d in enumerate(docs) if d["kind"] == patch["kind"]
                and d["metadata"]["name"] == patch["metadata"]["name"]]
        if len(hits) != 1:
            bad(f"kustomization patch for {patch['kind']}/{patch['metadata']['name']} matches {len(hits)} resources")
        for i in hits:
            docs[i] = smp(docs[i], patch)
    for d in docs:
        if "namespace" in k:
            d["metadata"]["namespace"] = k["namespace"]
        for c in containers(d):
            for img in k.get("images", []):
                name = re.split(r"[:@]", c["image"])[0]
                if name == img["name"]:
                    c["image"] = img.get("newName", name) + (":" + img["newTag"] if "newTag" in img else "")
    return docs

rendered = render(kustomization[0])
key = lambda d: (d["kind"], d["metadata"]["name"])
if kubectl_out:
    theirs = load_all(kubectl_out)
    check(sorted(rendered, key=key) == sorted(theirs, key=key),
          "the rendered kustomization equals `kubectl kustomize`'s")
else:
    note("no kubectl here: the kustomization is rendered by this test's emulation only")

# --- schema validation ----------------------------------------------------------------------
def schema_file(doc):
    group, _, version = doc["apiVersion"].rpartition("/")
    parts = [doc["kind"].lower()] + ([group.split(".")[0]] if group else []) + [version]
    return os.path.join(schema_dir, "-".join(parts) + ".json")

validators = {}
def validator(doc):
    path = schema_file(doc)
    if path not in validators:
        if not os.path.exists(path):
            validators[path] = None
        else:
            with open(path, encoding="utf-8") as f:
                validators[path] = jsonschema.Draft7Validator(json.load(f))
    return validators[path]

unchecked = set()
def validate(doc, where):
    v = validator(doc)
    if v is None:
        unchecked.add(f"{doc['kind']} ({os.path.basename(schema_file(doc))})")
        return None
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    check(not errors, f"{where}: {doc['kind']}/{doc['metadata']['name']} is schema-valid"
          + "".join(f"\n    {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]))
    return errors

for name, docs in raw.items():
    for d in docs:
        validate(d, name)
for d in rendered:
    validate(d, "kustomize output")
for u in sorted(unchecked):
    note(f"not schema-checked, no schema file: {u}")

# The validator must be able to fail: one misspelt field per kind.
def misspelt(doc, path, wrong):
    d = copy.deepcopy(doc)
    parent = d
    for k in path[:-1]:
        parent = parent[k]
    parent[wrong] = parent.pop(path[-1])
    return d
negatives = [("sweep-job.yaml", "Job", ["spec", "completionMode"], "completionsMode"),
             ("pvc.yaml", "PersistentVolumeClaim", ["spec", "accessModes"], "accesModes"),
             ("secret.example.yaml", "Secret", ["stringData"], "stringDatta")]
for file, kind, path, wrong in negatives:
    doc = next(d for d in raw[file] if d["kind"] == kind)
    v = validator(doc)
    if v is None:
        note(f"negative case {kind}.{wrong} not run: no schema file")
        continue
    msgs = [e.message for e in v.iter_errors(misspelt(doc, path, wrong))]
    check(any(repr(wrong) in m for m in msgs), f"a {kind} with '{wrong}' is rejected, naming it: {msgs[:2]}")

# While the Job, CronJob and Deployment schemas are missing, their pod templates' parts that have
# a schema file here are validated on their own: every container, and the pod securityContext.
parts = [("container-v1.json", "container", lambda p: p["containers"] + p.get("initContainers", [])),
         ("podsecuritycontext-v1.json", "pod securityContext",
          lambda p: [p["securityContext"]] if "securityContext" in p else [])]
part_validators = {}
def part_validator(file):
    if file not in part_validators:
        path = os.path.join(schema_dir, file)
        part_validators[file] = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                part_validators[file] = jsonschema.Draft7Validator(json.load(f))
    return part_validators[file]

for where, docs in [(n, ds) for n, ds in raw.items()] + [("kustomize output", rendered)]:
    for d in docs:
        for p in pod_specs(d):
            for file, what, get in parts:
                v = part_validator(file)
                if v is None:
                    note(f"not schema-checked, no schema file: {what} ({file})")
                    continue
                for obj in get(p):
                    errors = sorted(v.iter_errors(obj), key=lambda e: list(e.path))
                    check(not errors, f"{where}: {d['kind']}/{d['metadata']['name']}: {what} is schema-valid"
                          + "".join(f"\n    {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]))

job_pod = pod_specs(next(d for d in raw["sweep-job.yaml"] if d["kind"] == "Job"))[0]
for file, obj, path, wrong in (("container-v1.json", job_pod["containers"][0], ["volumeMounts"], "volumeMount"),
                               ("container-v1.json", job_pod["containers"][0],
                                ["securityContext", "readOnlyRootFilesystem"], "readOnlyRootFileSystem"),
                               ("podsecuritycontext-v1.json", job_pod["securityContext"], ["runAsNonRoot"], "runAsNonroot")):
    v = part_validator(file)
    if v is None:
        continue
    msgs = [e.message for e in v.iter_errors(misspelt(obj, path, wrong))]
    check(any(repr(wrong) in m for m in msgs), f"a {file[:-8]} with '{wrong}' is rejected, naming it: {msgs[:2]}")

# --- what the deployment relies on ----------------------------------------------------------
def env_of(c):
    return {e["name"]: e for e in c.get("env", [])}

def walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)

everything = [d for docs in raw.values() for d in docs] + rendered
printed = set()
check(not any(isinstance(n, dict) and "podAntiAffinity" in n for d in everything for n in walk(d)),
      "no podAntiAffinity anywhere")

def shards_match(job):
    (c,) = containers(job)
    shards = env_of(c).get("SHARDS", {}).get("value")
    return shards is not None and str(job["spec"].get("completions")) == shards, shards

# the completions == SHARDS check can fail: a kustomization that changes only completions
k = copy.deepcopy(kustomization[0])
k["patches"][0]["patch"] = k["patches"][0]["patch"].replace("completions: ", "completions: 1")
job = next(d for d in render(k) if d["kind"] == "Job")
check(not shards_match(job)[0], f"a kustomization with completions {job['spec']['completions']} "
      "and SHARDS unchanged is caught")

for where, docs in (("sweep-job.yaml", raw["sweep-job.yaml"]),
                    ("kustomize output", [d for d in rendered if d["kind"] == "Job"])):
    job = next(d for d in docs if d["kind"] == "Job")
    spec = job["spec"]
    (c,) = containers(job)
    env = env_of(c)
    check(spec.get("completionMode") == "Indexed", f"{where}: completionMode Indexed")
    match, shards = shards_match(job)
    check(match, f"{where}: completions ({spec.get('completions')}) == SHARDS ({shards})")
    check(0 < spec.get("parallelism", 0) <= spec.get("completions", 0),
          f"{where}: 0 < parallelism <= completions")
    args = c.get("args", [])
    check(args[:1] == ["registry"] and "--shards" in args and "$(SHARDS)" in args,
          f"{where}: the arguments are `registry ... --shards $(SHARDS)`: {args}")
    for flag, want in (("--output-dir", "/results"), ("--cache-dir", "/tmp/images/caches"),
                       ("--db-dir", "/db")):
        check(flag in args and args[args.index(flag) + 1] == want, f"{where}: {flag} {want}")
    pod = pod_specs(job)[0]
    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    cache = vols.get(mounts.get("/tmp/images/caches", {}).get("name"), {})
    check(cache.get("hostPath") == {"path": "/tmp/images/caches", "type": "DirectoryOrCreate"},
          f"{where}: /tmp/images/caches is the node's hostPath /tmp/images/caches (DirectoryOrCreate)")
    check(pod.get("restartPolicy") == "Never", f"{where}: restartPolicy Never (podFailurePolicy needs it)")
    fail_index = any(r.get("action") == "FailIndex" for r in spec.get("podFailurePolicy", {}).get("rules", []))
    check(not fail_index or "backoffLimitPerIndex" in spec, f"{where}: FailIndex comes with backoffLimitPerIndex")
    for e in ("SCANNER_REGISTRY_USERNAME", "SCANNER_REGISTRY_PASSWORD"):
        ref = env.get(e, {}).get("valueFrom", {}).get("secretKeyRef", {})
        check(ref.get("name") == "strata-registry", f"{where}: {e} from the Secret strata-registry")

for d in everything:
    for p in pod_specs(d):
        name = f"{d['kind']}/{d['metadata']['name']}"
        psc = p.get("securityContext", {})
        check(psc.get("runAsNonRoot") is True and psc.get("runAsUser") == 10001
              and psc.get("seccompProfile") == {"type": "RuntimeDefault"},
              f"{name}: runAsNonRoot, uid 10001, seccomp RuntimeDefault")
        vols = {v["name"]: v for v in p.get("volumes", [])}
        for c in p["containers"]:
            sc = c.get("securityContext", {})
            check(sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False
                  and sc.get("capabilities", {}).get("drop") == ["ALL"],
                  f"{name}: read-only root, no privilege escalation, capabilities dropped")
            res = c.get("resources", {})
            check(all(k in res.get(s, {}) for s in ("requests", "limits") for k in ("cpu", "memory")),
                  f"{name}: cpu and memory requests and limits")
            env = env_of(c)
            refs = set(re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", " ".join(c.get("args", []))))
            check(refs <= set(env), f"{name}: every $(VAR) of the arguments is in env: {sorted(refs - set(env))}")
            for m in c.get("volumeMounts", []):
                v = vols.get(m["name"])
                check(v is not None, f"{name}: volume {m['name']} is defined")
                if m["mountPath"] == "/db" and d["kind"] != "CronJob":
                    check(m.get("readOnly") is True and v["persistentVolumeClaim"].get("readOnly") is True,
                          f"{name}: the database is mounted read-only")
            # the strata command line, for the shell's --help check
            args = c.get("args", [])
            sub = []
            for a in args:
                if not re.fullmatch(r"[a-z]+", a):
                    break
                sub.append(a)
            flags = sorted({a.split("=")[0] for a in args if a.startswith("--")})
            line = "FLAGS " + " ".join(sub) + "|" + " ".join(flags)
            if sub and line not in printed:
                printed.add(line)
                print(line)
            elif d["kind"] == "Deployment":
                check(env.get("SCANNER_ON_DEMAND", {}).get("value") == "true",
                      f"{name}: no arguments and SCANNER_ON_DEMAND=true (the environment mode)")
                with open(manpage, encoding="utf-8") as f:
                    man = f.read().replace("\\_", "_")
                for e in env:
                    check(re.search(r"\b" + e + r"\b", man), f"{name}: {e} is documented in man/strata.1")

cron = next(d for d in raw["db-refresh-cronjob.yaml"] if d["kind"] == "CronJob")
check(cron["spec"].get("concurrencyPolicy") == "Forbid", "CronJob: concurrencyPolicy Forbid")
check(containers(cron)[0].get("args") == ["db", "update", "--db-dir", "/db"], "CronJob: strata db update --db-dir /db")
PY

registry_pending=0
while IFS= read -r line; do
  case "$line" in
    "ok "*) pass ;;
    "FAIL "*) fail "${line#FAIL }" ;;
    "NOTE "*) echo "note: ${line#NOTE }" >&2 ;;
    "FLAGS "*)
      spec=${line#FLAGS }
      read -r -a sub <<< "${spec%%|*}"
      read -r -a flags <<< "${spec#*|}"
      # CLI11 answers an unknown subcommand's --help with the top-level help (exit 0): the
      # subcommand exists when the usage line names it
      if ! "$STRATA" "${sub[@]}" --help > "$WORK/help" 2> "$WORK/herr" \
        || ! grep -q "^Usage: .*strata ${sub[*]} " "$WORK/help"; then
        if [[ "${sub[*]}" == registry ]]; then
          echo "note: 'strata registry' is not in this strata yet: its flags are not checked" >&2
          registry_pending=1
        else
          fail "strata ${sub[*]} --help failed: $(head -c 300 "$WORK/herr")"
        fi
        continue
      fi
      for f in "${flags[@]}"; do
        if grep -Eq -- "(^|[ ,])$f([ =,]|\$)" "$WORK/help"; then
          pass
        else
          fail "strata ${sub[*]} does not know $f (used in deploy/kubernetes)"
        fi
      done
      ;;
    *) fail "unexpected checker output: $line" ;;
  esac
done < "$WORK/checks"

finish || exit 1
if [[ $registry_pending -eq 1 ]]; then
  echo "skipped: the registry subcommand's flags are not checked yet" >&2
  exit 77
fi
