"""The relying-party side of OpenID Connect: start a sign-in, and turn the provider's answer into a verified person.

Authlib builds the authorization request (state, nonce, PKCE S256) and exchanges the code; joserfc checks the
ID token. Nothing the browser brings back is trusted: the state must be one this session started and not yet
used, the ID token must be signed by a key the issuer publishes (its JWKS is fetched again when an unknown key
id appears, which is how providers rotate keys), and issuer, audience, expiry and nonce must all match. The
person's attributes come from the userinfo endpoint, whose subject must be the ID token's.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jws, jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from vikno.core import clock
from vikno.identity.constants import Assurance
from vikno.identity.eid.providers import EidProvider

SIGNING_ALGORITHMS = ["ES256", "ES384", "RS256", "PS256", "EdDSA"]
CLOCK_SKEW_SECONDS = 60  # allowed difference between the provider's clock and ours
METADATA_MAX_AGE_SECONDS = 3600
# A token with an unknown key id makes us fetch the JWKS again, but not more often than this, so that forged
# tokens cannot turn the portal into a flood of requests to the provider.
JWKS_MIN_REFRESH_SECONDS = 5


class EidError(Exception):
    """A sign-in that must be refused. `reason` is one of REASONS; `detail` is for the audit trail only."""

    REASONS = (
        "state",  # the answer does not belong to a sign-in this browser started (tampered, replayed or stale)
        "expired_request",  # the person took longer than EID_SIGN_IN_TTL
        "provider_error",  # the provider answered with an error (the person cancelled, for example)
        "unreachable",  # the provider could not be reached or answered nonsense
        "token",  # the code could not be exchanged for tokens
        "signature",  # the ID token is not signed by a key the issuer publishes
        "issuer",
        "audience",
        "expired",  # the ID token has expired (or was issued in the future)
        "nonce",  # the ID token was issued for another sign-in (replayed or injected)
        "claims",  # required attributes are missing or malformed
        "assurance",  # the provider did not say how the person authenticated
    )

    def __init__(self, reason: str, detail: str = ""):
        assert reason in self.REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PendingSignIn:
    """What the portal remembers (in the session) between sending the person to the provider and their return."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    started_at: float  # epoch seconds
    next_url: str = ""
    minimum: int = Assurance.LOW  # the level of assurance the person was asked for (step-up)

    def as_session_data(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VerifiedIdentity:
    provider: str
    issuer: str
    subject: str
    assurance: Assurance
    acr: str
    attributes: dict[str, str]  # Vikno's attribute names (see providers.DEFAULT_CLAIMS)


# --- Provider metadata and keys, cached per process -------------------------------------------------------
_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict]] = {}
_jwks: dict[str, tuple[float, KeySet]] = {}


def _get_json(url: str, **kwargs: Any) -> dict:
    try:
        response = requests.get(url, timeout=settings.EID_HTTP_TIMEOUT, **kwargs)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise EidError("unreachable", f"{url}: {error}") from error
    if not isinstance(body, dict):
        raise EidError("unreachable", f"{url}: not a JSON object")
    return body


def provider_metadata(provider: EidProvider) -> dict:
    now = clock.now().timestamp()
    with _lock:
        cached = _metadata.get(provider.issuer)
    if cached and now - cached[0] < METADATA_MAX_AGE_SECONDS:
        return cached[1]
    metadata = _get_json(provider.issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer") != provider.issuer:
        raise EidError("issuer", f"discovery says {metadata.get('issuer')!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        if not isinstance(metadata.get(key), str):
            raise EidError("unreachable", f"discovery lacks {key}")
    with _lock:
        _metadata[provider.issuer] = (now, metadata)
    return metadata


def _key_set(jwks_uri: str, *, kid: str | None) -> KeySet:
    """The issuer's published keys; fetched again when `kid` is not among them (key rotation)."""
    now = clock.now().timestamp()
    with _lock:
        cached = _jwks.get(jwks_uri)
    if cached:
        fetched_at, keys = cached
        known = kid is not None and any(key.kid == kid for key in keys)
        if known or now - fetched_at < JWKS_MIN_REFRESH_SECONDS:
            return keys
    try:
        keys = KeySet.import_key_set(_get_json(jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as error:
        raise EidError("unreachable", f"JWKS: {error}") from error
    with _lock:
        _jwks[jwks_uri] = (now, keys)
    return keys


def forget_cached_metadata() -> None:
    with _lock:
        _metadata.clear()
        _jwks.clear()


# --- The flow ---------------------------------------------------------------------------------------------
def _session(provider: EidProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name, not a secret)
    )


def start(
    provider: EidProvider, *, redirect_uri: str, next_url: str = "", minimum: Assurance = Assurance.LOW
) -> tuple[str, PendingSignIn]:
    """The provider's authorization URL to send the person to, and what to remember until they return.

    `acr_values` asks for the levels of assurance at or above `minimum`, strongest first; it also makes the
    provider state the level it achieved in the ID token's `acr` claim.
    """
    endpoint = provider_metadata(provider)["authorization_endpoint"]
    pending = PendingSignIn(
        provider=provider.slug,
        state=generate_token(32),
        nonce=generate_token(32),
        code_verifier=generate_token(64),
        started_at=clock.now().timestamp(),
        next_url=next_url,
        minimum=int(minimum),
    )
    url, _ = _session(provider, redirect_uri).create_authorization_url(
        endpoint,
        state=pending.state,
        nonce=pending.nonce,
        code_verifier=pending.code_verifier,
        acr_values=" ".join(
            acr for acr, level in sorted(provider.levels.items(), key=lambda item: -item[1]) if level >= minimum
        ),
    )
    return url, pending


def finish(provider: EidProvider, pending: PendingSignIn, *, code: str, redirect_uri: str) -> VerifiedIdentity:
    """Exchange the code, verify the ID token, read the person's attributes. Raises EidError."""
    if clock.now().timestamp() - pending.started_at > settings.EID_SIGN_IN_TTL:
        raise EidError("expired_request")
    metadata = provider_metadata(provider)
    try:
        tokens = _session(provider, redirect_uri).fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=settings.EID_HTTP_TIMEOUT,
        )
    except Exception as error:  # Authlib raises its own errors, requests' and ValueError: all mean "no tokens"
        raise EidError("token", str(error)) from error
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise EidError("token", "no ID token in the answer")
    claims = verify_id_token(provider, metadata, id_token, nonce=pending.nonce)
    userinfo = _get_json(
        metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens.get('access_token', '')}"}
    )
    if userinfo.get("sub") != claims["sub"]:
        raise EidError("claims", "userinfo is about another subject")
    assurance = provider.assurance(claims.get("acr"))
    if assurance is None:
        raise EidError("assurance", f"acr {claims.get('acr')!r}")
    attributes = {
        name: str(userinfo[claim]) for name, claim in provider.claims.items() if userinfo.get(claim) not in (None, "")
    }
    return VerifiedIdentity(
        provider=provider.slug,
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        assurance=assurance,
        acr=str(claims.get("acr")),
        attributes=attributes,
    )


def verify_id_token(provider: EidProvider, metadata: dict, id_token: str, *, nonce: str) -> dict:
    """The ID token's claims, once its signature, issuer, audience, expiry and nonce are checked."""
    try:
        kid = jws.extract_compact(id_token.encode()).headers().get("kid")
    except (JoseError, ValueError) as error:
        raise EidError("signature", f"unreadable token: {error}") from error
    keys = _key_set(metadata["jwks_uri"], kid=kid)
    try:
        token = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
    except (JoseError, ValueError) as error:
        raise EidError("signature", str(error)) from error
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        now=lambda: int(clock.now().timestamp()),
        leeway=CLOCK_SKEW_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise EidError("expired", str(error)) from error
    except InvalidClaimError as error:
        claim = getattr(error, "claim", "")
        reason = "issuer" if claim == "iss" else "expired" if claim in ("iat", "nbf") else "claims"
        raise EidError(reason, str(error)) from error
    except MissingClaimError as error:
        raise EidError("claims", str(error)) from error
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences
    if not isinstance(audiences, list) or provider.client_id not in audiences:
        raise EidError("audience", f"aud {claims.get('aud')!r}")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise EidError("audience", f"azp {claims.get('azp')!r}")
    if claims.get("nonce") != nonce:
        raise EidError("nonce", "the token was issued for another sign-in")
    return claims
