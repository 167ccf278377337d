"""The real demo eID provider (tools/demo-eid, node `oidc-provider`) started on localhost for a test, and a
person who signs in at it. The test holds the provider's private keys, so it can also forge tokens."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from joserfc import jws, jwt
from joserfc.jwk import ECKey

from vikno.identity.eid.demo import SERVER, server_environment

HIGH = "http://eidas.europa.eu/LoA/high"
SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
LOW = "http://eidas.europa.eu/LoA/low"
CITIZENS = json.loads((SERVER.parent / "citizens.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_signing_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, private=True, auto_kid=True)


@dataclass
class RunningProvider:
    issuer: str
    keys: list[ECKey]  # the first one signs
    process: subprocess.Popen

    @property
    def signing_key(self) -> ECKey:
        return self.keys[0]


def demo_settings_entry(issuer: str) -> dict:
    return {
        "slug": "demo",
        "name_uk": "Демо eID (не справжній)",
        "name_en": "Demo eID (not real)",
        "issuer": issuer,
        "client_id": "vikno-demo",
        "client_secret": "demo-eid-client-secret-not-secret-5a1c9e",
        "demo": True,
    }


@contextmanager
def running_provider(directory: Path, keys: list[ECKey], *, port: int | None = None):
    """Start the node server with these keys (settings.EID_PROVIDERS must already point at its issuer)."""
    port = port or free_port()
    keys_path = directory / f"jwks-{port}-{len(keys)}-{time.monotonic_ns()}.json"
    keys_path.write_text(json.dumps({"keys": [key.as_dict(private=True) for key in keys]}))
    environment = server_environment(keys_path=keys_path)
    process = subprocess.Popen(
        ["node", str(SERVER)], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    issuer = environment["DEMO_EID_ISSUER"]
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(issuer + "/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise RuntimeError(f"the demo eID provider did not start: {output}") from error
                time.sleep(0.1)
        yield RunningProvider(issuer=issuer, keys=keys, process=process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def authenticate(authorization_url: str, *, sub: str = "demo-0001", acr: str = HIGH, site_url: str) -> str:
    """Go through the provider's pages as the person would; return the URL it sends the browser back to."""
    browser = requests.Session()
    page = browser.get(authorization_url, timeout=10)
    assert page.status_code == 200, page.text
    assert "/interaction/" in page.url
    response = browser.post(page.url + "/login", data={"sub": sub, "acr": acr}, allow_redirects=False, timeout=10)
    for _ in range(10):
        assert response.status_code in (302, 303), response.text
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(site_url):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def forge(id_token: str, key: ECKey, **changes) -> str:
    """The same ID token with some claims changed, signed with `key` (the provider's own, or a stranger's)."""
    claims = {**json.loads(jws.extract_compact(id_token.encode()).payload), **changes}
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key)
