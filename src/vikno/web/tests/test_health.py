import json
import subprocess
import sys

import pytest

from vikno.core.models import WorkerHeartbeat
from vikno.core.tests.workers import REPO_ROOT, running_worker, subprocess_env, wait_until


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access in this test an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_fails_while_no_worker_has_reported(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "worker": "failing"}}


@pytest.mark.django_db(transaction=True)
def test_readyz_follows_a_real_worker_starting_and_stopping(client):
    with running_worker(subprocess_env(), worker_id="readyz-worker") as worker:
        assert wait_until(lambda: WorkerHeartbeat.objects.filter(worker_id="readyz-worker").exists()), worker
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "worker": "ok"}}
    # A worker that stops removes its heartbeat: the portal is no longer ready to take background work.
    assert not WorkerHeartbeat.objects.filter(worker_id="readyz-worker").exists()
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_readyz_ignores_a_stale_heartbeat(client, settings):
    from datetime import timedelta

    from vikno.core import clock

    WorkerHeartbeat.objects.create(
        worker_id="gone", backend=settings.TASK_BACKEND, last_seen=clock.now() - timedelta(seconds=3600)
    )
    assert client.get("/readyz").status_code == 503


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT / "src",
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


SETUP = "import django; django.setup(); print('started')"
SAFE_PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "vikno.conf.production",
    "VIKNO_SECRET_KEY": "k" * 20 + "-production-secret-that-is-long-enough-0123456789",
    "VIKNO_SECURE_COOKIES": "true",
    "VIKNO_HSTS_SECONDS": "31536000",
    "VIKNO_ALLOWED_HOSTS": "portal.example.gov.ua",
    "DATABASE_URL": "postgres://vikno@127.0.0.1:5432/vikno",
    "VIKNO_DEMO_EID": "false",
    "VIKNO_SANDBOX_ACQUIRER": "false",
    "VIKNO_LIQPAY_PUBLIC_KEY": "i00000000001",
    "VIKNO_LIQPAY_PRIVATE_KEY": "a-private-key-the-acquirer-issued-0123456789",
    # Not var/pki, which holds the demo PKI (refused in production) once `make demo` has run.
    "VIKNO_SIGNING_DIR": "/nonexistent/vikno-signing",
    "VIKNO_DATA_KEYS": "live-1:bGl2ZS1kYXRhLWtleS1mb3ItcHJvZHVjdGlvbi0wMSE=",
    "VIKNO_BLIND_INDEX_KEY": "bGl2ZS1ibGluZC1pbmRleC1rZXktZm9yLXByb2QtMDE=",
}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"VIKNO_SECRET_KEY": ""}, "VIKNO_SECRET_KEY must be set"),
        ({"VIKNO_DATA_KEYS": "demo-1:bGl2ZS1kYXRhLWtleS1mb3ItcHJvZHVjdGlvbi0wMSE="}, "not be the demo or test keys"),
        ({"VIKNO_BLIND_INDEX_KEY": ""}, "VIKNO_BLIND_INDEX_KEY_FILE (or VIKNO_BLIND_INDEX_KEY) must be set"),
        ({"VIKNO_DEBUG": "true"}, "VIKNO_DEBUG must be off"),
        ({"VIKNO_SECURE_COOKIES": "false"}, "VIKNO_SECURE_COOKIES must be on"),
        ({"VIKNO_HSTS_SECONDS": "0"}, "VIKNO_HSTS_SECONDS must be set"),
        ({"VIKNO_HSTS_SECONDS": ""}, "VIKNO_HSTS_SECONDS must be set"),
        ({"VIKNO_ALLOWED_HOSTS": "*"}, "VIKNO_ALLOWED_HOSTS must list"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "DATABASE_URL must point to PostgreSQL"),
        ({"VIKNO_DEMO_EID": "true"}, "VIKNO_DEMO_EID must be off"),
        ({"VIKNO_SANDBOX_ACQUIRER": "true"}, "VIKNO_SANDBOX_ACQUIRER must be off"),
        (
            {"VIKNO_LIQPAY_PRIVATE_KEY": "sandbox_vikno_demo_private_key_not_secret"},
            "VIKNO_LIQPAY_PRIVATE_KEY must be the acquirer's key",
        ),
        ({"VIKNO_LIQPAY_PRIVATE_KEY": ""}, "VIKNO_LIQPAY_PUBLIC_KEY and VIKNO_LIQPAY_PRIVATE_KEY must be set"),
    ],
)
def test_production_mode_refuses_unsafe_settings(change, complaint):
    result = _run_python(SETUP, **{**SAFE_PRODUCTION, **change})
    assert result.returncode != 0
    assert "Vikno refuses to start in production mode" in result.stderr
    assert complaint in result.stderr
    assert "started" not in result.stdout


def test_production_cookies_carry_the_host_prefix_secure_for_the_whole_site():
    code = SETUP + (
        "; from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    result = _run_python(code, **SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "started",
        *["__Host-vikno-session", "__Host-csrftoken", "True", "True", "/", "/", "None", "None"],
    ]


def test_production_mode_starts_on_safe_settings_and_logs_json_lines():
    code = SETUP + "; import logging; logging.getLogger('vikno.test').warning('hello %s', 'world')"
    result = _run_python(code, **SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["logger"] == "vikno.test"
