"""Server callbacks: the signed status, POSTed to the order's server_url from a background thread."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlencode

ATTEMPTS = 2  # one attempt and one retry
RETRY_AFTER_SECONDS = 2.0
TIMEOUT_SECONDS = 10.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect answers "not 2xx", as at a real acquirer
        return None


# Straight to the service: the sandbox talks to a portal on the same network, never through a proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def deliver(url: str, fields: dict[str, str], log: Callable[[str], None], label: str) -> bool:
    body = urlencode(fields).encode("ascii")
    for attempt in range(1, ATTEMPTS + 1):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        # server_url was checked to be http(s) at checkout.
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
        try:
            with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
                outcome = f"HTTP {answer.status}"
                if 200 <= answer.status < 300:
                    log(f"callback {label} attempt {attempt}: {outcome}")
                    return True
        except urllib.error.HTTPError as error:
            outcome = f"HTTP {error.code}"
            error.close()
        except (OSError, ValueError) as error:
            outcome = f"{type(error).__name__}: {error}"
        log(f"callback {label} attempt {attempt}: {outcome}")
        if attempt < ATTEMPTS:
            time.sleep(RETRY_AFTER_SECONDS)
    return False


def send(url: str, fields: dict[str, str], log: Callable[[str], None], label: str) -> None:
    threading.Thread(target=deliver, args=(url, fields, log, label), daemon=True).start()
