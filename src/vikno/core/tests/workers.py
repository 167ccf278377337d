"""Helpers for tests that run a real background worker in a subprocess against the test database."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO_ROOT = Path(settings.BASE_DIR)


def test_database_url() -> str:
    """The URL of the database the test run is using (pytest-django created it), for a subprocess."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIKNO_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "vikno.conf.base", "DATABASE_URL": test_database_url()})
    env.update(overrides)
    return env


@contextlib.contextmanager
def running_worker(env: dict[str, str], worker_id: str = "test-worker") -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "manage.py"), "worker", "--worker-id", worker_id],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    """Poll a condition until it holds or the time runs out (a bound, not a performance assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
