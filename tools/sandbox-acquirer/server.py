#!/usr/bin/env python3
"""Sandbox card acquirer: a stand-in for LiqPay's hosted checkout (API v3) with test cards and no real money.

    python3 tools/sandbox-acquirer/server.py --merchant PUBLIC_KEY:PRIVATE_KEY [--port 8002] [--db FILE]

Python's standard library only. See README.md beside this file for the test cards and the protocol."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import traceback
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pages
from app import App, Response
from store import Store

MAX_BODY = 64 * 1024
ORDER_PATH = re.compile(r"/checkout/([A-Za-z0-9_-]{16,64})(/3ds|/cancel)?")
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No form-action: after a payment the browser is redirected to the service, which form-action would block.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
}


def log(message: str) -> None:
    print(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {message}", file=sys.stderr, flush=True)


def route(app: App, method: str, path: str, form: dict[str, str]) -> Response:
    if path == "/healthz" and method == "GET":
        return Response(200, b"ok\n", "text/plain; charset=utf-8")
    if path == "/sandbox.css" and method == "GET":
        return Response(200, pages.CSS, "text/css; charset=utf-8")
    if path in ("/api/3/checkout", "/api/request"):
        if method != "POST":
            return Response(405, pages.message("uk", "not_found"), headers={"Allow": "POST"})
        return app.checkout(form) if path == "/api/3/checkout" else app.api(form)
    found = ORDER_PATH.fullmatch(path)
    if found and not (found[2] == "/cancel" and method != "GET"):
        return app.order_page(method, found[1], found[2] or "", form)
    return Response(404, pages.message("uk", "not_found"))


class Server(ThreadingHTTPServer):
    request_queue_size = 64  # a test suite may open many connections at once


class Handler(BaseHTTPRequestHandler):
    server_version = "ViknoSandboxAcquirer/1"
    app: App  # set on the class by main()

    def do_GET(self) -> None:
        self.serve("GET")

    def do_POST(self) -> None:
        self.serve("POST")

    def serve(self, method: str) -> None:
        form: dict[str, str] = {}
        if method == "POST":
            declared = self.headers.get("Content-Length") or "0"
            length = int(declared) if declared.isdigit() else -1
            if not 0 <= length <= MAX_BODY:
                self.send(Response(413, b"request too large\n", "text/plain; charset=utf-8"))
                return
            body = self.rfile.read(length)
            try:
                form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50))
            except ValueError:  # not UTF-8 or too many fields: answered as missing fields
                form = {}
        try:
            response = route(self.app, method, urlsplit(self.path).path, form)
        except Exception:  # a bug must not leave the browser without an answer
            log(traceback.format_exc().rstrip())
            response = Response(500, pages.message("uk", "error"))
        self.send(response)

    def send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in {**HEADERS, **response.headers, "Content-Type": response.content_type}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        # One line per request: the request line holds no card data (cards travel in POST bodies only).
        log(f"{self.client_address[0]} {format % args}")


def merchants_from(values: list[str]) -> dict[str, str]:
    merchants = {}
    for value in values:
        public_key, colon, private_key = value.strip().partition(":")
        if not (public_key and colon and private_key):
            raise SystemExit("each merchant must be PUBLIC_KEY:PRIVATE_KEY (one is not; not shown: it may hold a key)")
        merchants[public_key] = private_key
    return merchants


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sandbox card acquirer (LiqPay checkout API v3; no real money)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--merchant", action="append", default=[], help="PUBLIC_KEY:PRIVATE_KEY (repeatable)")
    parser.add_argument("--db", default="var/sandbox-acquirer.sqlite3", help="SQLite file (created)")
    parser.add_argument("--timeout-seconds", type=float, default=120.0, help="when the timing-out card fails")
    args = parser.parse_args(argv)
    from_env = [item for item in os.environ.get("SANDBOX_MERCHANTS", "").split(",") if item.strip()]
    merchants = merchants_from(from_env + args.merchant)
    if not merchants:
        parser.error("no merchant: pass --merchant PUBLIC_KEY:PRIVATE_KEY or set SANDBOX_MERCHANTS")

    app = App(Store(Path(args.db)), merchants, args.timeout_seconds, log)
    app.settle()
    for deadline in app.store.deadlines():  # payments still waiting for the bank when the sandbox stopped
        app.watch(deadline)
    Handler.app = app
    server = Server((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"sandbox acquirer (no real money) on http://{args.host}:{args.port} for {', '.join(sorted(merchants))}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
