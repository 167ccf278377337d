"""What a signed-in session carries besides the user: how they signed in and at which level of assurance."""

from django.contrib.auth import login
from django.http import HttpRequest

from vikno.core.access import SESSION_ASSURANCE_KEY
from vikno.identity.constants import Assurance
from vikno.identity.eid.client import PendingSignIn
from vikno.identity.models import User

ASSURANCE_KEY = SESSION_ASSURANCE_KEY  # core.access reads it to admit citizens
METHOD_KEY = "vikno.sign_in_method"
SECOND_FACTOR_KEY = "vikno.second_factor"  # which second factor was used (totp, passkey, recovery), if any
ACTING_FOR_KEY = "vikno.acting_for"  # the id of the mandate the person is using, if they act for someone
PENDING_KEY = "vikno.eid_pending"
MAX_PENDING = 5  # sign-ins started in other tabs of the same browser


def remember_pending(request: HttpRequest, pending: PendingSignIn) -> None:
    started = dict(request.session.get(PENDING_KEY, {}))
    started[pending.state] = pending.as_session_data()
    newest = sorted(started.items(), key=lambda item: item[1]["started_at"])[-MAX_PENDING:]
    request.session[PENDING_KEY] = dict(newest)


def take_pending(request: HttpRequest, state: str) -> PendingSignIn | None:
    """The sign-in this browser started with `state`, forgotten as it is taken: a state works once."""
    started = dict(request.session.get(PENDING_KEY, {}))
    data = started.pop(state, None) if state else None
    request.session[PENDING_KEY] = started
    return PendingSignIn(**data) if data else None


def sign_in(request: HttpRequest, user: User, *, method: str, assurance: Assurance, second_factor: str = "") -> None:
    """Start the user's session: a new session key (no fixation), then the method and level of assurance."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[METHOD_KEY] = method
    request.session[ASSURANCE_KEY] = int(assurance)
    if second_factor:
        request.session[SECOND_FACTOR_KEY] = second_factor


def assurance_of(request: HttpRequest) -> Assurance | None:
    value = request.session.get(ASSURANCE_KEY)
    return Assurance(value) if value in Assurance.values else None
