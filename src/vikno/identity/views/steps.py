"""What the password, second-factor and passkey views share: which kind of person is signing in, where they go
afterwards, and how a password sign-in ends (one session start and one audit record for every factor)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from user_agents import parse as parse_user_agent

from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.constants import Assurance
from vikno.identity.models import User
from vikno.identity.session import password_step, sign_in

CITIZEN, OFFICIAL = "citizen", "official"


def url_name(kind: str, name: str) -> str:
    """The officials' twin of a citizens' sign-in page is the same name with "office-" in front."""
    return f"identity:{'office-' if kind == OFFICIAL else ''}{name}"


def destination(request: HttpRequest, kind: str, candidate: str | None) -> str:
    """Where to go after signing in: the page asked for if it is on this site, else the person's home."""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("admin:index") if kind == OFFICIAL else reverse("identity:cabinet")


def refuse(request: HttpRequest, *, kind: str, reason: str, detail: str = "") -> None:
    services.sign_in_refused(method=f"password:{kind}", reason=reason, detail=detail, source_ip=client_ip(request))


def finish(request: HttpRequest, user: User, *, kind: str, factor: str) -> None:
    method = "password" if kind == CITIZEN else "password:official"
    # A portal account proves only control of an e-mail address and a device: low assurance (eIDAS).
    sign_in(request, user, method=method, assurance=Assurance.LOW, second_factor=factor)
    services.password_signed_in(
        user=user, method=method, second_factor=factor, assurance=Assurance.LOW, source_ip=client_ip(request)
    )


def step_or_restart(request: HttpRequest, kind: str) -> tuple[User, str] | HttpResponse:
    """The person who gave the right password in this session, or a redirect back to the password page."""
    step = password_step(request, kind=kind)
    return step if step else redirect("identity:office-sign-in" if kind == OFFICIAL else "identity:password-sign-in")


def device_label(user_agent: str) -> str:
    """ "Firefox on Android": how a signed-in device or a new passkey is named for the person."""
    if not user_agent:
        return _("Unknown device")
    agent = parse_user_agent(user_agent)
    return _("%(browser)s on %(system)s") % {"browser": agent.browser.family, "system": agent.os.family}
