"""The sandbox card acquirer (tools/sandbox-acquirer) started on localhost for a test, and a cardholder who pays
at it over HTTP, without a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from vikno.core.tests.smtp import free_port

REPO_ROOT = Path(__file__).resolve().parents[4]
SERVER = REPO_ROOT / "tools" / "sandbox-acquirer" / "server.py"

DEMO_PUBLIC_KEY = "sandbox_vikno_demo"
DEMO_PRIVATE_KEY = "sandbox_vikno_demo_private_key_not_secret"

SUCCESS = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
THREE_DS = "4000 0000 0000 3063"
TIMES_OUT = "4000 0000 0000 0119"
LOST_CALLBACK = "4000 0000 0000 0077"
THREE_DS_CODE = "111111"


def signature(private_key: str, data: str) -> str:
    digest = hashlib.sha1((private_key + data + private_key).encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def signed(private_key: str, params: dict[str, Any]) -> dict[str, str]:
    """The form fields `data` and `signature` for these parameters."""
    data = base64.b64encode(json.dumps(params, ensure_ascii=False).encode()).decode()
    return {"data": data, "signature": signature(private_key, data)}


def decoded(data: str) -> dict[str, Any]:
    """The parameters inside `data`, amounts as Decimal."""
    return json.loads(base64.b64decode(data, validate=True), parse_float=Decimal)


@dataclass
class Sandbox:
    url: str
    process: subprocess.Popen
    db_path: Path
    log_path: Path

    @property
    def checkout_url(self) -> str:
        return self.url + "/api/3/checkout"

    @property
    def api_url(self) -> str:
        return self.url + "/api/request"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def api(self, private_key: str, params: dict[str, Any]) -> dict[str, Any]:
        """Ask the API (as the service would) and return its JSON answer."""
        response = requests.post(self.api_url, data=signed(private_key, params), timeout=10)
        assert response.status_code == 200, response.text
        return response.json(parse_float=Decimal)

    def pay(
        self, checkout_fields: dict[str, str], card: str, *, code: str | None = None, expiry: str = "", cvv: str = "123"
    ) -> requests.Response:
        """Post the checkout form, submit the card on the sandbox's page and, when `code` is given, answer 3-D
        Secure. Returns the last answer: the redirect out of the sandbox (to result_url) unfollowed, or the
        sandbox page where the cardholder stops (an error, the 3-D Secure page without `code`, the outcome)."""
        browser = requests.Session()
        expiry = expiry or f"12/{(date.today().year + 2) % 100:02d}"
        response = browser.post(self.checkout_url, data=checkout_fields, allow_redirects=False, timeout=10)
        card_sent = code_sent = False
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not location.startswith(self.url + "/"):
                    return response
                response = browser.get(location, allow_redirects=False, timeout=10)
            elif response.status_code != 200:
                return response
            elif urlsplit(response.url).path.endswith("/3ds") and code is not None and not code_sent:
                code_sent = True
                response = browser.post(response.url, data={"code": code}, allow_redirects=False, timeout=10)
            elif 'name="card"' in response.text and not card_sent:
                card_sent = True
                form = {"card": card, "expiry": expiry, "cvv": cvv}
                response = browser.post(response.url, data=form, allow_redirects=False, timeout=10)
            else:
                return response
        raise AssertionError("the sandbox kept redirecting")


@contextmanager
def running_sandbox(
    merchants: dict[str, str], *, db_path: Path, timeout_seconds: float = 120, port: int | None = None
) -> Iterator[Sandbox]:
    """Start the sandbox for these merchants (public key -> private key); its log is beside the database."""
    port = port or free_port()
    log_path = db_path.with_name(db_path.name + ".log")
    command = [sys.executable, str(SERVER), "--port", str(port), "--db", str(db_path)]
    command += ["--timeout-seconds", str(timeout_seconds)]
    for public_key, private_key in merchants.items():
        command += ["--merchant", f"{public_key}:{private_key}"]
    environment = {name: value for name, value in os.environ.items() if name != "SANDBOX_MERCHANTS"}
    with log_path.open("a", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    sandbox = Sandbox(url=f"http://127.0.0.1:{port}", process=process, db_path=db_path, log_path=log_path)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if requests.get(sandbox.url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox acquirer did not start:\n{sandbox.log()}")
            time.sleep(0.05)
        yield sandbox
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
