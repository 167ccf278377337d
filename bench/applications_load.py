"""gunicorn serving the portal, and the HTTP clients of the applications benchmark.

Needs Django set up (``settings`` for the cookie names) before ``submit_all`` or ``time_pages`` run.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cuts(timings: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of the timings (nan when there are none)."""
    if len(timings) < 2:
        value = timings[0] if timings else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    q = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving vikno.wsgi with this process's environment (settings, database), on a free port."""

    def __init__(self, *, workers: int, threads: int, pool: bool, log_dir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / "gunicorn.log"
        env = dict(os.environ)
        if pool:
            env["VIKNO_DB_POOL"] = "true"
        else:
            env["VIKNO_DB_CONN_MAX_AGE"] = "0"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
        command = [
            sys.executable, "-m", "gunicorn", "vikno.wsgi:application",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log), "--log-level", "warning",
            "--timeout", "120",
        ]  # fmt: skip
        self.description = (
            f"gunicorn vikno.wsgi -w {workers} -k gthread --threads {threads}, "
            f"psycopg pool {'on (VIKNO_DB_POOL)' if pool else 'off (a connection per request)'}"
        )
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=30).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        try:
            return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        except OSError:
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    pids.append(int(stat.parent.name))
            return pids

    def peak_rss_mb(self) -> dict[int, float]:
        """VmHWM (peak resident set size) of each worker, in MB."""
        peaks = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks[pid] = int(match.group(1)) / 1024
        return peaks

    def stop(self) -> None:
        """Stop the gunicorn this object started (its master; the master stops its workers)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def split(items: list, clients: int, each: int) -> list[list]:
    return [items[n * each : (n + 1) * each] for n in range(clients)]


def submit_all(server: Server, work: list[list[tuple[str, str]]]) -> dict:
    """Each list of (application id, session key) is one client thread. A client first GETs the check page of
    its first draft (CSRF cookie and form token), then all clients start together at a barrier and POST
    ``declaration=yes`` for their drafts one after another, each with its own citizen's session cookie."""
    session_cookie, csrf_cookie = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    barrier = threading.Barrier(len(work) + 1)
    timings: list[float] = []
    failures: list[str] = []
    posted: list[str] = []
    lock = threading.Lock()

    def client(drafts: list[tuple[str, str]]) -> None:
        http = requests.Session()
        first_id, first_key = drafts[0]
        try:
            page = http.get(
                f"{server.base}/applications/{first_id}/check/",
                headers={"Cookie": f"{session_cookie}={first_key}"},
                allow_redirects=False,
                timeout=120,
            )
            csrf, token = page.cookies.get(csrf_cookie), CSRF_INPUT.search(page.text)
            ready = page.status_code == 200 and csrf is not None and token is not None
            problem = f"check page: HTTP {page.status_code}, CSRF token {'found' if token else 'missing'}"
        except requests.RequestException as error:
            ready, problem = False, f"check page: {type(error).__name__}"
        http.cookies.clear()  # every request carries its own Cookie header: one citizen per draft
        barrier.wait()
        if not ready:
            with lock:
                failures.extend([problem] * len(drafts))
            return
        mine, errors = [], []
        for application_id, key in drafts:
            started = time.perf_counter()
            try:
                response = http.post(
                    f"{server.base}/applications/{application_id}/check/",
                    data={"csrfmiddlewaretoken": token.group(1), "declaration": "yes"},
                    headers={"Cookie": f"{session_cookie}={key}; {csrf_cookie}={csrf}"},
                    allow_redirects=False,
                    timeout=120,
                )
            except requests.RequestException as error:
                errors.append(type(error).__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.endswith(f"/applications/{application_id}/sent/"):
                mine.append((elapsed, application_id))
            else:
                errors.append(f"HTTP {response.status_code} {location}".strip())
        with lock:
            timings.extend(t for t, _ in mine)
            posted.extend(a for _, a in mine)
            failures.extend(errors)

    threads = [threading.Thread(target=client, args=(drafts,), daemon=True) for drafts in work]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"timings": timings, "failures": failures, "posted": posted, "wall": wall}


def time_pages(server: Server, path: str, key: str, variants: list[tuple[str, str]], repeats: int) -> dict:
    """GET each variant of the page ``repeats`` times, one request at a time, after three warm-up requests."""
    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, key)
    rows = {}
    for name, query in variants:
        address = f"{server.base}{path}" + (f"?{query}" if query else "")
        timings, errors = [], []
        for n in range(repeats + 3):
            started = time.perf_counter()
            response = http.get(address, allow_redirects=False, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                errors.append(response.status_code)
            elif n >= 3:
                timings.append(elapsed)
        rows[name] = {**cuts(timings), "n": len(timings), "errors": errors}
    return rows
