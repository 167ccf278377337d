"""What a signed-in session carries besides the user: how they signed in, at which level of assurance, on
which tracked session (so it can be ended from another device), and half-finished sign-ins."""

import uuid

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest

from vikno.core import clock
from vikno.core.access import SESSION_ASSURANCE_KEY, SESSION_SECOND_FACTOR_KEY
from vikno.core.http import client_ip, user_agent
from vikno.identity.constants import Assurance
from vikno.identity.eid.client import PendingSignIn
from vikno.identity.models import RoleAssignment, SignedInSession, User

ASSURANCE_KEY = SESSION_ASSURANCE_KEY  # core.access reads it to admit citizens
METHOD_KEY = "vikno.sign_in_method"
SECOND_FACTOR_KEY = SESSION_SECOND_FACTOR_KEY  # which second factor was used (totp, passkey, recovery), if any
ACTING_FOR_KEY = "vikno.acting_for"  # the id of the mandate the person is using, if they act for someone
SESSION_ID_KEY = "vikno.session_id"  # the SignedInSession row of this session
PENDING_KEY = "vikno.eid_pending"
AUTHENTICATED_AT_KEY = "vikno.authenticated_at"  # when the person last proved who they are in this session
PASSWORD_STEP_KEY = "vikno.password_step"  # noqa: S105 (a session key) {"user", "at", "kind", "next"}
# The roles an official held when signing in, for the back office's menu only (every page checks the roles itself):
# the menu costs no query, a role granted later shows in it at the next sign-in.
ROLES_KEY = "vikno.roles"
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
    """Start the user's session: a new session key (no fixation), then the method, the level of assurance and
    a tracked-session row the person can see and end. Officials' sessions expire sooner. Signing in again in the
    same browser (a step-up to a higher level, or another person) ends the row of the session it replaces."""
    request.session.pop(PASSWORD_STEP_KEY, None)
    before = request.session.session_key
    replaced = current_session_id(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if before and request.session.session_key == before:
        # login() keeps the key when the same person signs in again (a step-up to a higher level): new key too.
        request.session.cycle_key()
    now = clock.now()
    if replaced is not None:
        SignedInSession.objects.filter(public_id=replaced, ended_at__isnull=True).update(ended_at=now)
    tracked = SignedInSession.objects.create(
        user=user,
        method=method,
        assurance=int(assurance),
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        last_seen_at=now,
    )
    request.session[SESSION_ID_KEY] = str(tracked.public_id)
    mark_authenticated(request.session)
    request.session[METHOD_KEY] = method
    request.session[ASSURANCE_KEY] = int(assurance)
    if second_factor:
        request.session[SECOND_FACTOR_KEY] = second_factor
    if user.is_staff:
        remember_roles(request.session, user)
        request.session.set_expiry(settings.OFFICIAL_SESSION_SECONDS)


def mark_authenticated(session) -> None:
    session[AUTHENTICATED_AT_KEY] = clock.now().timestamp()


def authenticated_recently(request: HttpRequest) -> bool:
    """Whether the person signed in, or confirmed who they are, within REAUTHENTICATE_AFTER_SECONDS."""
    at = request.session.get(AUTHENTICATED_AT_KEY)
    return at is not None and clock.now().timestamp() - at <= settings.REAUTHENTICATE_AFTER_SECONDS


def remember_roles(session, user: User) -> None:
    session[ROLES_KEY] = sorted(set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)))


def assurance_of(request: HttpRequest) -> Assurance | None:
    value = request.session.get(ASSURANCE_KEY)
    return Assurance(value) if value in Assurance.values else None


def current_session_id(request: HttpRequest) -> uuid.UUID | None:
    value = request.session.get(SESSION_ID_KEY)
    return uuid.UUID(value) if value else None


# --- The step between the password and the second factor ---------------------------------------------------
def remember_password_step(request: HttpRequest, user: User, *, kind: str, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PASSWORD_STEP_KEY] = {
        "user": str(user.pk),
        "at": clock.now().timestamp(),
        "kind": kind,
        "next": next_url,
    }


def password_step(request: HttpRequest, *, kind: str) -> tuple[User, str] | None:
    """The user who gave the right password in this session (and where they were going), if still fresh."""
    step = request.session.get(PASSWORD_STEP_KEY)
    if not step or step.get("kind") != kind:
        return None
    if clock.now().timestamp() - step["at"] > settings.SECOND_FACTOR_TTL:
        request.session.pop(PASSWORD_STEP_KEY, None)
        return None
    user = User.objects.filter(pk=step["user"], is_active=True).first()
    return (user, step.get("next", "")) if user else None
