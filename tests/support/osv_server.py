#!/usr/bin/env python3
"""A small OSV export server for tests: serves ROOT/<Ecosystem>/all.zip over HTTP on 127.0.0.1.

It answers conditional requests like the OSV bucket does (a strong ETag, Last-Modified;
If-None-Match / If-Modified-Since -> 304) and can misbehave on purpose:
  --mode ok        serve files
  --mode fail      answer 429 (Retry-After: 0) to the first request, 500 to every later one
  --mode cut       send the headers with the full Content-Length, half the body, then close
Every request is appended to --log as "METHOD PATH STATUS IF-NONE-MATCH". The chosen port is
written to --port-file once the server listens.
"""
import email.utils
import hashlib
import os
import sys
import threading
import urllib.parse

# test_server_util.py sits next to this script; no __pycache__ is left in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_server_util  # noqa: E402


def main():
    ap = test_server_util.arg_parser(log_required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--mode", default="ok", choices=["ok", "fail", "cut"])
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"requests": 0}

    class Handler(test_server_util.QuietHandler):
        def record(self, status):
            test_server_util.append_line(args.log, "%s %s %d %s" % (
                self.command, self.path, status, self.headers.get("If-None-Match", "-")))

        def reply(self, status, body=b"", headers=()):
            self.record(status)
            super().reply(status, body, headers)

        def do_GET(self):
            with lock:
                state["requests"] += 1
                n = state["requests"]
            if args.mode == "fail":
                if n == 1:
                    return self.reply(429, b"slow down\n", [("Retry-After", "0")])
                return self.reply(500, b"broken\n")
            rel = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
            path = os.path.realpath(os.path.join(args.root, rel))
            if not path.startswith(os.path.realpath(args.root) + os.sep) or not os.path.isfile(path):
                return self.reply(404, b"not found\n")
            with open(path, "rb") as f:
                data = f.read()
            etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
            mtime = email.utils.formatdate(os.path.getmtime(path), usegmt=True)
            validators = [("ETag", etag), ("Last-Modified", mtime)]
            inm = self.headers.get("If-None-Match")
            if inm is not None and etag in [t.strip() for t in inm.split(",")]:
                return self.reply(304, b"", validators)
            if args.mode == "cut":
                self.record(200)
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.reply(200, data, validators + [("Content-Type", "application/zip")])

    test_server_util.serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
