#!/usr/bin/env python3
"""plant-secrets.py DIR1 DIR2 VALUES: writes the planted files of golden.secrets.

DIR1 gets one made-up but format-valid secret for every built-in rule (values generated here
from a fixed seed: no whole token is written in the repository), plus files that must give no
finding (placeholders, low entropy, a certificate, an unsigned JWT, noise paths). DIR2 is the
layer above: it deletes one planted file (whiteout) and overwrites another. VALUES gets every
planted secret value, one per line (the leak check greps every output for them), and stdout the
expected findings as "rule_id<TAB>path<TAB>line<TAB>deleted" rows."""
import base64, json, os, random, subprocess, sys

d1, d2, values_path = sys.argv[1:4]
rng = random.Random(20261205)
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
DIGITS = "0123456789"
values, expected = [], []


def gen(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data):
    return base64.urlsafe_b64encode(data.encode() if isinstance(data, str) else data).decode().rstrip("=")


def write(root, path, content, mode=0o644):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    os.chmod(full, mode)


def plant(path, content, found, *secrets):
    """found: [(rule_id, line, deleted)]"""
    write(d1, path, content)
    values.extend(secrets)
    expected.extend((rule, path, line, deleted) for rule, line, deleted in found)


def pem(label, body):
    lines = "".join(body[i:i + 64] + "\n" for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}-----END {label}-----\n"


key_id, key_secret = "AKIA" + gen(B32, 16), gen(B64, 40)
plant("/root/.aws/credentials",
      f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {key_secret}\n",
      [("aws-access-key-id", 2, False), ("aws-secret-access-key", 3, False)], key_id, key_secret)

gcp_body = gen(B64, 64 * 20)
escaped = ("-----BEGIN PRIVATE KEY-----\\n" + "".join(gcp_body[i:i + 64] + "\\n" for i in range(0, len(gcp_body), 64))
           + "-----END PRIVATE KEY-----\\n")
plant("/app/sa.json",
      '{\n  "type": "service_account",\n  "project_id": "demo-project",\n  "private_key_id": "'
      + gen("0123456789abcdef", 40) + '",\n  "private_key": "' + escaped
      + '",\n  "client_email": "svc@demo-project.iam.gserviceaccount.com"\n}\n',
      [("gcp-service-account", 5, False), ("private-key", 5, False)], gcp_body)

azure = gen(B64, 86) + "=="
plant("/app/appsettings.json",
      '{\n  "Storage": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=' + azure
      + ';EndpointSuffix=core.windows.net"\n}\n', [("azure-storage-account-key", 2, False)], azure)

rsa = gen(B64, 64 * 12)
plant("/home/app/.ssh/id_rsa", pem("RSA PRIVATE KEY", rsa), [("private-key", 1, False)], rsa)
openssh = b64url("openssh-key-v1") + gen(B64, 300)
plant("/root/.ssh/id_ed25519", pem("OPENSSH PRIVATE KEY", openssh), [("private-key", 1, False)],
      openssh)
pgp = gen(B64, 64 * 6)
plant("/root/secret.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "".join(
    pgp[i:i + 64] + "\n" for i in range(0, len(pgp), 64)) + "-----END PGP PRIVATE KEY BLOCK-----\n",
      [("private-key", 1, False)], pgp)

# A real PKCS#12 key store, made by openssl (binary: found by its magic).
tmp = os.path.join(d1, "..", "p12")
os.makedirs(tmp, exist_ok=True)
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tmp}/k.pem",
                "-out", f"{tmp}/c.pem", "-days", "1", "-subj", "/CN=strata-test"], check=True,
               capture_output=True)
subprocess.run(["openssl", "pkcs12", "-export", "-inkey", f"{tmp}/k.pem", "-in", f"{tmp}/c.pem",
                "-out", f"{tmp}/ks.p12", "-passout", "pass:" + gen(B62, 12)], check=True,
               capture_output=True)
with open(f"{tmp}/ks.p12", "rb") as f:
    plant("/opt/app/keystore.p12", f.read(), [("pkcs12-private-key", 0, False)])
with open(f"{tmp}/c.pem") as f:  # a certificate is no secret
    write(d1, "/opt/app/server.crt", f.read())

tokens = [("ghp_" + gen(B62, 36), "github-pat"), ("gho_" + gen(B62, 36), "github-oauth"),
          ("ghs_" + gen(B62, 36), "github-app-token"), ("ghr_" + gen(B62, 36), "github-refresh-token"),
          ("github_pat_" + gen(B62, 22) + "_" + gen(B62, 59), "github-fine-grained-pat"),
          ("glpat-" + gen(B62 + "_-", 20), "gitlab-pat"),
          ("xoxb-" + gen(DIGITS, 12) + "-" + gen(DIGITS, 13) + "-" + gen(B62, 24), "slack-access-token"),
          ("sk_live_" + gen(B62, 24), "stripe-secret-token"), ("npm_" + gen(B62, 36), "npm-access-token"),
          ("pypi-AgEIcHlwaS5vcmc" + gen(B64URL, 120), "pypi-upload-token"),
          ("dckr_pat_" + gen(B64URL, 27), "dockerhub-pat")]
jwt = ".".join([b64url('{"alg":"HS256","typ":"JWT"}'), b64url('{"sub":"' + gen(B62, 12) + '","iat":1700000000}'),
                b64url(gen(B62, 32))])
tokens.append((jwt, "jwt-token"))
body = "".join(f"TOKEN_{i}={t}\n" for i, (t, _) in enumerate(tokens))
plant("/srv/tokens.env", body, [(rule, i + 1, False) for i, (_, rule) in enumerate(tokens)],
      *[t for t, _ in tokens])

docker_password = gen(B62, 20)
auth = base64.b64encode(f"deploy:{docker_password}".encode()).decode()
plant("/root/.docker/config.json",
      '{\n  "auths": {\n    "registry.internal.corp": {\n      "auth": "' + auth + '"\n    }\n  }\n}\n',
      [("docker-config-auth", 4, False)], auth, docker_password)
npm_legacy = gen(B62, 30)
plant("/home/node/.npmrc", f"registry=https://npm.internal.corp/\n//npm.internal.corp/:_authToken={npm_legacy}\n",
      [("npmrc-auth", 2, False)], npm_legacy)
pypirc = gen(B62, 16)
plant("/root/.pypirc", f"[internal]\nrepository = https://pypi.internal.corp/\nusername = ci\npassword = {pypirc}\n",
      [("pypirc-password", 4, False)], pypirc)
git_password = gen(B62, 24)
plant("/root/.git-credentials", f"https://alice:{git_password}@git.internal.corp\n",
      [("git-credentials", 1, False)], git_password)
generic = gen(B62 + "!#%+-", 24)
plant("/srv/app/config.yaml", f"db:\n  host: db\n  password: \"{generic}\"\n",
      [("generic-secret-assignment", 3, False)], generic)

# Deleted by the layer above: a whiteout, and a file overwritten with harmless content.
netrc = gen(B62, 10)
plant("/root/.netrc", f"machine ftp.internal.corp login bob password {netrc}\n",
      [("netrc-password", 1, True)], netrc)
removed = "ghp_" + gen(B62, 36)
plant("/srv/app/.env", f"DEBUG=1\nGH_TOKEN={removed}\n", [("github-pat", 2, True)], removed)
write(d2, "/root/.wh..netrc", "")
write(d2, "/srv/app/.env", "DEBUG=1\n")

# No finding: placeholders, low entropy, unsigned JWT, noise and allow-listed paths.
write(d1, "/srv/app/settings.ini",
      "password = changeme\nsecret: ${APP_SECRET}\napi_key=<your api key>\ntoken = xxxxxxxxxxxxxxxx\n"
      "password=password123\n")
write(d1, "/srv/app/unsigned.txt", "t = '" + b64url('{"alg":"none"}') + "." + b64url('{"sub":"x1234567"}') + ".'\n")
noise = "ghp_" + gen(B62, 36)
write(d1, "/usr/share/doc/tool/README", f"example: GH_TOKEN={noise}\n")
allowed = "ghp_" + gen(B62, 36)
write(d1, "/srv/fixtures/allowed.env", f"GH_TOKEN={allowed}\n")  # allow-listed by the test's config

with open(values_path, "w") as f:
    f.write("\n".join(values) + "\n")
for rule, path, line, deleted in sorted(expected, key=lambda r: (r[1], r[2], r[0])):
    print(f"{rule}\t{path}\t{line}\t{'true' if deleted else 'false'}")
