#!/usr/bin/env python3
"""A reverse proxy for tests that sits between strata and a real registry on 127.0.0.1 and
injects faults into the responses of chosen requests.

    fault_proxy.py --upstream 127.0.0.1:PORT --port-file F --log F [--no-range] [--fault SPEC]...

The proxy listens on 127.0.0.1 (a port chosen by the kernel, written to --port-file once it
listens) and forwards every request to the upstream over HTTP/1.1. Each request is logged to
--log as one line: `METHOD PATH range=RANGE -> STATUS fault=KIND`, so a test can count attempts.
--no-range drops the request's Range header (the upstream then answers 200 with the whole body),
as a server without range support would.

A fault SPEC is `KIND[,key=value...]`. Every fault applies to the requests whose path contains
`match` (default "/blobs/"), the first `times` of them (default 1; 0: all), GET only unless
method=... says otherwise. Faults are tried in the order given; the first that still applies to a
request wins.

    status,code=429,retry_after=2   answer CODE (with Retry-After when given), not forwarded
    reset,after=N                   send the headers and N body bytes, then a TCP reset
    truncate,after=N                send the headers (full Content-Length) and N bytes, then close
    corrupt,at=N                    flip every bit of body byte N (counted in this response)
    stall,after=N,seconds=S         send N body bytes, wait S seconds, then close
    drip,seconds=S                  send the body one byte every S seconds (default 1)
    endless,type=CT,code=C          answer C (default 200; Content-Type CT) with a body that never
                                    ends (no Content-Length; spaces, or `fill` repeated), not
                                    forwarded
    file,path=P,type=CT,code=C      answer C (default 200) with the content of file P, not forwarded
                                    (with drip=S: one byte every S seconds)
    challenge                       answer 401 with `WWW-Authenticate: Bearer realm="http://
                                    127.0.0.1:PORT/token",service="fault-proxy"` (this proxy's
                                    port), not forwarded; pair it with a fault on match=/token

Body faults (reset, truncate, corrupt, stall, drip) apply only to 200/206 answers.
"""

import http.client
import http.server
import os
import socket
import struct
import sys
import threading
import time

# test_server_util.py sits next to this script; no __pycache__ is left in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_server_util  # noqa: E402

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "content-length",
}


class Fault:
    def __init__(self, spec):
        kind, _, rest = spec.partition(",")
        self.kind = kind
        self.params = {}
        for item in filter(None, rest.split(",")):
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"fault {spec!r}: {item!r} is not key=value")
            self.params[key] = value
        if kind not in ("status", "reset", "truncate", "corrupt", "stall", "drip", "endless",
                        "file", "challenge"):
            raise ValueError(f"fault {spec!r}: unknown kind {kind!r}")
        self.match = self.params.get("match", "/blobs/")
        self.method = self.params.get("method", "GET")
        self.times = int(self.params.get("times", "1"))
        self.used = 0

    def int(self, key, default=0):
        return int(self.params.get(key, default))


class State:
    def __init__(self, args):
        self.upstream = args.upstream
        self.no_range = args.no_range
        self.faults = [Fault(s) for s in args.fault]
        self.lock = threading.Lock()
        self.log = args.log

    def pick(self, method, path):
        with self.lock:
            for f in self.faults:
                if f.match in path and f.method == method and (f.times == 0 or f.used < f.times):
                    f.used += 1
                    return f
        return None

    def record(self, line):
        test_server_util.append_line(self.log, line)


class Handler(test_server_util.QuietHandler):
    state = None  # set in main()

    def do_GET(self):
        self.proxy()

    def do_HEAD(self):
        self.proxy()

    def proxy(self):
        st = self.state
        method = self.command
        fault = st.pick(method, self.path)
        rng = self.headers.get("Range", "-")
        if fault and fault.kind in ("endless", "file", "challenge"):
            self.answer_locally(fault, method, rng)
            return
        if fault and fault.kind == "status":
            code = fault.int("code", 503)
            body = f"injected {code}\n".encode()
            self.send_response(code)
            if "retry_after" in fault.params:
                self.send_header("Retry-After", fault.params["retry_after"])
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)
            st.record(f"{method} {self.path} range={rng} -> {code} fault=status")
            return

        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if st.no_range:
            headers.pop("Range", None)
        conn = http.client.HTTPConnection(st.upstream, timeout=60)
        try:
            conn.request(method, self.path, headers=headers)
            resp = conn.getresponse()
            length = resp.getheader("Content-Length")
            body = None
            if length is None and method != "HEAD":
                body = resp.read()
                length = str(len(body))
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            if length is not None:
                self.send_header("Content-Length", length)
            self.end_headers()
            faulty = fault if fault and resp.status in (200, 206) and method != "HEAD" else None
            st.record(f"{method} {self.path} range={rng} -> {resp.status} "
                      f"fault={faulty.kind if faulty else '-'}")
            if method == "HEAD":
                return
            self.send_body(resp, body, faulty)
        finally:
            conn.close()

    def answer_locally(self, fault, method, rng):
        st = self.state
        if fault.kind == "challenge":
            port = self.server.server_address[1]
            realm = f'Bearer realm="http://127.0.0.1:{port}/token",service="fault-proxy"'
            st.record(f"{method} {self.path} range={rng} -> 401 fault=challenge")
            self.reply(401, b"{}", [("WWW-Authenticate", realm)])
            return
        ctype = fault.params.get("type", "application/json")
        if fault.kind == "file":
            with open(fault.params["path"], "rb") as f:
                body = f.read()
            code = fault.int("code", 200)
            st.record(f"{method} {self.path} range={rng} -> {code} fault=file")
            if "drip" not in fault.params:
                self.reply(code, body, [("Content-Type", ctype)])
                return
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(float(fault.params["drip"]))
            return
        # endless: close-delimited, so that only the client can end it
        code = fault.int("code", 200)
        st.record(f"{method} {self.path} range={rng} -> {code} fault=endless")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if method == "HEAD":
            return
        chunk = (fault.params.get("fill", " ").encode() * 65536)[:65536]
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass

    def send_body(self, resp, body, fault):
        if fault and fault.kind == "drip":
            data = body if body is not None else resp.read()
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(float(fault.params.get("seconds", "1")))
            return
        sent = 0
        kind = fault.kind if fault else None
        cut = fault.int("after") if kind in ("reset", "truncate", "stall") else None
        flip = fault.int("at") if kind == "corrupt" else None
        while True:
            chunk = body if body is not None else resp.read(64 << 10)
            body = b"" if body is not None else None
            if not chunk:
                return
            if flip is not None and sent <= flip < sent + len(chunk):
                chunk = bytearray(chunk)
                chunk[flip - sent] ^= 0xFF
                chunk = bytes(chunk)
            if cut is not None and sent + len(chunk) >= cut:
                self.wfile.write(chunk[: cut - sent])
                self.wfile.flush()
                self.end_with(fault)
                return
            self.wfile.write(chunk)
            sent += len(chunk)

    def end_with(self, fault):
        if fault.kind == "stall":
            time.sleep(float(fault.params.get("seconds", "60")))
        if fault.kind == "reset":
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        else:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)  # a clean FIN
            except OSError:
                pass
        self.close_connection = True
        self.connection.close()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that went away mid-body (strata aborting a stalled transfer) is expected.
        if not isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            super().handle_error(request, client_address)


def main():
    p = test_server_util.arg_parser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True, help="host:port of the registry")
    p.add_argument("--no-range", action="store_true")
    p.add_argument("--fault", action="append", default=[])
    args = p.parse_args()
    try:
        Handler.state = State(args)
    except ValueError as e:
        p.error(str(e))
    test_server_util.serve(Handler, args.port_file, Server)


if __name__ == "__main__":
    main()
