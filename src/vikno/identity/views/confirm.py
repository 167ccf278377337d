"""Confirming who you are before a sensitive change (ASVS 3.7.1).

Adding or removing a way to sign in, changing the phone number or the e-mail address, and asking for erasure are
what someone at a computer left signed in would do to take an account over. They need a proof of identity no older
than REAUTHENTICATE_AFTER_SECONDS: a sign-in, or this page — the password for portal accounts and officials (failed
tries count towards the same lock-out as signing in), the eID again for accounts that have no password.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from vikno.core.access import citizen, official
from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.eid.providers import providers_giving
from vikno.identity.forms import ConfirmPasswordForm
from vikno.identity.models import User, security_page
from vikno.identity.session import assurance_of, authenticated_recently, mark_authenticated
from vikno.identity.views.account import locked_out
from vikno.identity.views.steps import CITIZEN, OFFICIAL, destination

WRONG_PASSWORD = _("The password is not right.")
CONFIRM_FIRST = _("For your safety, confirm it is you first: reload the page.")


def _back_to(request: HttpRequest) -> str:
    """Where to return once confirmed: this page, or for a form sent from a page, that page (nothing is done
    with the form: the person sends it again)."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse(security_page(request.user))  # type: ignore[arg-type]


def recent_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send the person to confirm who they are unless they did within REAUTHENTICATE_AFTER_SECONDS."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if authenticated_recently(request):
            return view(request, *args, **kwargs)
        name = "identity:office-confirm" if request.user.is_staff else "identity:confirm"
        return redirect(f"{reverse(name)}?{urlencode({'next': _back_to(request)})}")

    return guarded


def _confirm(request: HttpRequest, kind: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = destination(request, kind, request.POST.get("next") or request.GET.get("next"))
    if not user.has_usable_password():  # an eID account: the eID again, at the level this session has
        level = assurance_of(request)
        eid_context = {"next": next_url, "level": level, "providers": providers_giving(level)}
        return render(request, "identity/confirm_eid.html", eid_context)
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        signed = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if signed is not None and signed.pk == user.pk:
            mark_authenticated(request.session)
            services.reauthenticated(user=user, source_ip=client_ip(request))
            return redirect(next_url)
        services.reauthentication_refused(user=user, source_ip=client_ip(request))
        form.add_error("password", WRONG_PASSWORD)
    context = {"form": form, "next": next_url, "kind": kind}
    return render(request, "identity/confirm_password.html", context, status=400 if form.is_bound else 200)


@citizen
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    return _confirm(request, CITIZEN)


@official
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def office_confirm(request: HttpRequest) -> HttpResponse:
    return _confirm(request, OFFICIAL)
