"""Running the demo eID provider (tools/demo-eid/server.mjs) for the demo entry of settings.EID_PROVIDERS."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

SERVER = settings.BASE_DIR / "tools" / "demo-eid" / "server.mjs"


def demo_provider_settings() -> dict:
    entry = next((entry for entry in settings.EID_PROVIDERS if entry.get("demo")), None)
    if entry is None:
        raise LookupError("No demo eID provider is configured (VIKNO_DEMO_EID is off).")
    return entry


def server_environment(*, keys_path: Path, site_url: str | None = None) -> dict[str, str]:
    """The environment the node server needs: port and issuer from the settings, one client (this portal)."""
    entry = demo_provider_settings()
    issuer = entry["issuer"]
    site = (site_url or settings.SITE_URL).rstrip("/")
    client = {
        "client_id": entry["client_id"],
        "client_secret": entry["client_secret"],
        "redirect_uris": [site + reverse("eid-callback", kwargs={"slug": entry["slug"]})],
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "ES256",
    }
    return {
        **os.environ,
        "DEMO_EID_PORT": str(urlsplit(issuer).port or 80),
        "DEMO_EID_ISSUER": issuer,
        "DEMO_EID_KEYS": str(keys_path),
        "DEMO_EID_CLIENTS": json.dumps([client]),
    }
