#!/usr/bin/env python3
"""A Docker registry v2 token server for tests (distribution's `auth: token:` scheme).

The real registry is configured to trust it with
    auth: {token: {realm: http://127.0.0.1:PORT/token, service: S, issuer: ISSUER,
                   rootcertbundle: CERT}}
and this server signs RS256 JWTs with the matching KEY, CERT in the x5c header.

  GET  /token?service=S&scope=repository:NAME:pull[&scope=...]   optional Basic credentials
  POST /token  (form: grant_type=refresh_token|password, refresh_token / username+password,
                service, scope, client_id)                       the OAuth2 flow of docker login

Access: a user with right credentials (--user NAME:PASSWORD, or --refresh-token TOKEN:NAME)
gets the actions asked for; wrong credentials are refused with 401; anonymous requests get
`pull` on the repositories named by --public and nothing elsewhere.

Tokens live --lifetime seconds. distribution 2.8 accepts a token until `exp` plus a fixed
60 s leeway, so `exp` is written --leeway seconds earlier than the real end of life.

--proxy HOST:PORT forwards every other path (/v2/...) to that registry after --delay seconds,
so that a short-lived token runs out in the middle of a scan.

Every request is appended to --log (method, path, who, scopes; never the credentials), every
issued token to --tokens (so a test can check none of them reaches stderr).
Prints the port it listens on (127.0.0.1, chosen by the kernel) to --port-file.
"""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# test_server_util.py sits next to this script; no __pycache__ is left in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_server_util  # noqa: E402

ARGS = None
X5C = ""


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(sub, service, access):
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [X5C]}
    claims = {"iss": ARGS.issuer, "sub": sub, "aud": service, "iat": now, "nbf": now - 5,
              "exp": now + ARGS.lifetime - ARGS.leeway, "jti": os.urandom(8).hex(),
              "access": access}
    signing_input = (b64u(json.dumps(header).encode()) + "." +
                     b64u(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", ARGS.key], input=signing_input,
                         check=True, capture_output=True).stdout
    token = signing_input.decode() + "." + b64u(sig)
    test_server_util.append_line(ARGS.tokens, token)
    return token


def grant(sub, scopes):
    access = []
    for scope in scopes:
        for s in scope.split(" "):
            typ, _, rest = s.partition(":")
            name, _, actions = rest.rpartition(":")
            wanted = [a for a in actions.split(",") if a]
            if sub:
                acts = wanted
            elif typ == "repository" and name in ARGS.public:
                acts = [a for a in wanted if a == "pull"]
            else:
                acts = []
            access.append({"type": typ, "name": name, "actions": acts})
    return access


class Handler(test_server_util.QuietHandler):
    def token_reply(self, sub, service, scopes, method):
        test_server_util.append_line(ARGS.log, "%s token sub=%s scope=%s" % (method, sub or "-", " ".join(scopes)))
        token = make_token(sub, service, grant(sub, scopes))
        body = json.dumps({"token": token, "access_token": token, "expires_in": ARGS.lifetime,
                           "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        self.reply(200, body.encode(), [("Content-Type", "application/json")])

    def refuse(self, method, why):
        test_server_util.append_line(ARGS.log, "%s token refused: %s" % (method, why))
        self.reply(401, b'{"details":"invalid credentials"}', [("Content-Type", "application/json")])

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path != "/token":
            return self.proxy()
        query = urllib.parse.parse_qs(url.query)
        sub = ""
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return self.refuse("GET", "bad Basic header")
            if ARGS.users.get(user) != password:
                return self.refuse("GET", "wrong password for %s" % user)
            sub = user
        self.token_reply(sub, query.get("service", [""])[0], query.get("scope", []), "GET")

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        if url.path != "/token" or ARGS.no_post:
            test_server_util.append_line(ARGS.log, "POST %s 404" % url.path)
            return self.reply(404, b"404 page not found\n")
        grant_type = form.get("grant_type", [""])[0]
        if grant_type == "refresh_token":
            sub = ARGS.refresh_tokens.get(form.get("refresh_token", [""])[0])
            if not sub:
                return self.refuse("POST", "unknown refresh token")
        elif grant_type == "password":
            user = form.get("username", [""])[0]
            if ARGS.users.get(user) != form.get("password", [""])[0]:
                return self.refuse("POST", "wrong password for %s" % user)
            sub = user
        else:
            return self.reply(400, b'{"error":"unsupported_grant_type"}')
        if form.get("client_id", [""])[0] == "":
            return self.reply(400, b'{"error":"invalid_request","error_description":"no client_id"}')
        self.token_reply(sub, form.get("service", [""])[0], form.get("scope", []), "POST")

    def do_HEAD(self):
        self.proxy()

    def proxy(self):
        if not ARGS.proxy:
            return self.reply(404, b"404 page not found\n")
        time.sleep(ARGS.delay)
        req = urllib.request.Request("http://%s%s" % (ARGS.proxy, self.path), method=self.command)
        for k in ("Authorization", "Accept", "Range"):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        try:
            resp = urllib.request.urlopen(req, timeout=30)
            status, headers, body = resp.status, resp.getheaders(), resp.read()
        except urllib.error.HTTPError as e:
            status, headers, body = e.code, e.headers.items(), e.read()
        test_server_util.append_line(ARGS.log, "proxy %s %s %d" % (self.command, self.path, status))
        keep = [(k, v) for k, v in headers
                if k.lower() not in ("content-length", "transfer-encoding", "connection")]
        self.reply(status, body, keep)


def main():
    global ARGS, X5C
    p = test_server_util.arg_parser()
    p.add_argument("--key", default="")
    p.add_argument("--cert", default="")
    p.add_argument("--issuer", default="strata-test-issuer")
    p.add_argument("--user", action="append", default=[], help="NAME:PASSWORD")
    p.add_argument("--refresh-token", action="append", default=[], help="TOKEN:NAME")
    p.add_argument("--public", action="append", default=[], help="repository anyone may pull")
    p.add_argument("--lifetime", type=int, default=300)
    p.add_argument("--leeway", type=int, default=60)
    p.add_argument("--no-post", action="store_true", help="answer POST /token with 404")
    p.add_argument("--proxy", default="")
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--tokens", default="")
    ARGS = p.parse_args()
    ARGS.users = dict(u.split(":", 1) for u in ARGS.user)
    ARGS.refresh_tokens = {t.rsplit(":", 1)[0]: t.rsplit(":", 1)[1] for t in ARGS.refresh_token}
    if ARGS.cert:
        X5C = base64.b64encode(subprocess.run(["openssl", "x509", "-in", ARGS.cert, "-outform",
                                               "DER"], check=True, capture_output=True).stdout).decode()
    test_server_util.serve(Handler, ARGS.port_file)


if __name__ == "__main__":
    sys.exit(main())
