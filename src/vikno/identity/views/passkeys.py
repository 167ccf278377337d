"""Passkeys in the browser: sign in with one after the password, add one at first sign-in instead of an app,
add and remove them on the security page (citizens) or under /office/security/passkeys/ (officials).

A ceremony is two POSTs: the options (JSON, for `identity/passkeys.js`), then an ordinary form submission that
carries the browser's answer in a hidden field, so the result is a normal page (a redirect, the recovery codes,
or the page again with an error summary). Without JavaScript the passkey controls stay hidden; the
authenticator app and the recovery codes work without it.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vikno.core.access import citizen, official, public
from vikno.core.http import client_ip, user_agent
from vikno.identity import factors, passkeys
from vikno.identity.forms import CodeForm
from vikno.identity.models import SECURITY_PAGES, User
from vikno.identity.session import authenticated_recently, password_step
from vikno.identity.views.confirm import CONFIRM_FIRST, recent_sign_in
from vikno.identity.views.steps import (
    CITIZEN,
    OFFICIAL,
    destination,
    device_label,
    finish,
    refuse,
    step_or_restart,
    url_name,
)

NOT_SENT = _("Your browser did not send a passkey. Passkeys need JavaScript turned on. Try again.")
EXPIRED = _("The request for your passkey has expired. Try again.")
REFUSED = _("That passkey was not accepted. Try again, or use another way to confirm it is you.")
REGISTERED_ALREADY = _("That passkey is added already. Add one from another device or security key.")
NO_PASSKEYS = _("There is no passkey to use. Use another way to confirm it is you.")
SIGN_IN_AGAIN = _("Your sign-in has expired. Start again.")
LAST_FACTOR = _(
    "You cannot remove your only passkey: you would have no way to confirm it is you when you sign in. "
    "Set up an authenticator app first."
)


class PasskeyForm(forms.Form):
    """The browser's answer to a passkey ceremony (a JSON document put in a hidden field by passkeys.js)."""

    credential = forms.CharField(required=False, strip=True, widget=forms.HiddenInput)


class NewPasskeyForm(PasskeyForm):
    name = forms.CharField(
        label=_("Name of the passkey"),
        max_length=100,
        help_text=_("So that you can tell your passkeys apart, for example “My laptop”."),
        error_messages={"required": _("Enter a name for the passkey.")},
    )


def _error(message: str | Promise, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(message)}, status=status)


def _options(request: HttpRequest, ceremony: passkeys.Ceremony, *, purpose: str, user: User) -> HttpResponse:
    passkeys.challenge_remember(request.session, purpose=purpose, user=user, challenge=ceremony.challenge)
    return HttpResponse(ceremony.options_json, content_type="application/json")


def _refused_message(error: passkeys.PasskeyRefused) -> str:
    return str(REGISTERED_ALREADY if error.code == "registered_already" else REFUSED)


def _register(request: HttpRequest, user: User, *, response_json: str, name: str) -> str | None:
    """Register the passkey from the browser's answer; None when it was added, else the message to show."""
    if not response_json:
        return str(NOT_SENT)
    challenge = passkeys.challenge_take(request.session, purpose=passkeys.REGISTER, user=user)
    if challenge is None:
        return str(EXPIRED)
    try:
        passkeys.passkey_register(
            user=user,
            response_json=response_json,
            expected_challenge=challenge,
            name=name,
            source_ip=client_ip(request),
        )
    except passkeys.PasskeyRefused as error:
        return _refused_message(error)
    return None


# --- Signing in with a passkey (second step after the password; both kinds) -------------------------------
@public
@never_cache
@require_POST
def sign_in_options(request: HttpRequest, kind: str) -> HttpResponse:
    step = password_step(request, kind=kind)
    if step is None:
        return _error(SIGN_IN_AGAIN)
    user, _next = step
    try:
        ceremony = passkeys.passkey_authentication_options(user=user)
    except passkeys.PasskeyRefused:
        return _error(NO_PASSKEYS)
    return _options(request, ceremony, purpose=passkeys.AUTHENTICATE, user=user)


@public
@never_cache
@require_POST
def sign_in(request: HttpRequest, kind: str) -> HttpResponse:
    step = step_or_restart(request, kind)
    if isinstance(step, HttpResponse):
        return step
    user, next_url = step
    form = PasskeyForm(request.POST)
    response_json = form.cleaned_data["credential"] if form.is_valid() else ""
    challenge = passkeys.challenge_take(request.session, purpose=passkeys.AUTHENTICATE, user=user)
    if not response_json:
        message, code = NOT_SENT, "not_sent"
    elif challenge is None:
        message, code = EXPIRED, "expired"
    else:
        try:
            passkeys.passkey_verify(user=user, response_json=response_json, expected_challenge=challenge)
        except passkeys.PasskeyRefused as error:
            message, code = REFUSED, error.code
        else:
            finish(request, user, kind=kind, factor="passkey")
            return redirect(destination(request, kind, next_url))
    refuse(request, kind=kind, reason="passkey", detail=code)
    have = factors.factors_of(user)
    context = {
        "form": CodeForm(),
        "kind": kind,
        "passkeys": have.passkeys > 0,
        "totp": have.totp,
        "passkey_error": str(message),
    }
    return render(request, "identity/second_factor.html", context, status=400)


# --- A brand-new account: a passkey instead of an authenticator app ---------------------------------------
@public
@never_cache
@require_POST
def enrol_options(request: HttpRequest, kind: str) -> HttpResponse:
    step = password_step(request, kind=kind)
    if step is None:
        return _error(SIGN_IN_AGAIN)
    user, _next = step
    if factors.factors_of(user).any:  # set up already: a second factor is needed to add another
        return _error(SIGN_IN_AGAIN)
    ceremony = passkeys.passkey_registration_options(user=user)
    return _options(request, ceremony, purpose=passkeys.REGISTER, user=user)


@public
@never_cache
@require_POST
def enrol(request: HttpRequest, kind: str) -> HttpResponse:
    step = step_or_restart(request, kind)
    if isinstance(step, HttpResponse):
        return step
    user, next_url = step
    if factors.factors_of(user).any:
        return redirect(url_name(kind, "second-factor"))
    form = PasskeyForm(request.POST)
    response_json = form.cleaned_data["credential"] if form.is_valid() else ""
    name = device_label(user_agent(request))
    problem = _register(request, user, response_json=response_json, name=name)
    if problem is None:
        codes = factors.recovery_codes_generate(user=user, source_ip=client_ip(request))
        finish(request, user, kind=kind, factor="passkey")
        done = {"codes": codes, "next": destination(request, kind, next_url)}
        return render(request, "identity/recovery_codes.html", done)
    device = factors.totp_pending_device(user)
    context = {
        "form": CodeForm(),
        "kind": kind,
        "qr_svg": factors.totp_qr_svg(device),
        "secret": factors.totp_secret_text(device),
        "passkey_error": problem,
    }
    return render(request, "identity/enrol_totp.html", context, status=400)


# --- Adding and removing passkeys when signed in -----------------------------------------------------------
def _signed_in_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_usable_password():
        raise Http404  # eID-only accounts: the eID is the way in, with no password to add a second factor to
    return user


def _back_url(kind: str) -> str:
    return reverse(SECURITY_PAGES[kind == OFFICIAL])


def _add_options(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if not authenticated_recently(request):  # the page itself asked; the time ran out while it was open
        return _error(CONFIRM_FIRST, status=403)
    ceremony = passkeys.passkey_registration_options(user=user)
    return _options(request, ceremony, purpose=passkeys.REGISTER, user=user)


def _add(request: HttpRequest, kind: str) -> HttpResponse:
    user = _signed_in_user(request)
    initial = {"name": device_label(user_agent(request))}
    form = NewPasskeyForm(request.POST if request.method == "POST" else None, initial=initial)
    problem = None
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        problem = _register(request, user, response_json=form.cleaned_data["credential"], name=name)
        if problem is None:
            messages.success(request, gettext("Your passkey “%(name)s” is added.") % {"name": name})
            return redirect(_back_url(kind))
    context = {
        "form": form,
        "kind": kind,
        "passkey_error": problem,
        "options_url": reverse(url_name(kind, "passkey-add-options")),
        "back_url": _back_url(kind),
    }
    return render(request, "identity/passkey_add.html", context, status=400 if form.is_bound else 200)


def _remove(request: HttpRequest, kind: str) -> HttpResponse:
    user = _signed_in_user(request)
    try:
        passkeys.passkey_remove(user=user, passkey_id=request.POST.get("passkey", ""), source_ip=client_ip(request))
    except passkeys.PasskeyNotFound as error:
        raise Http404 from error
    except passkeys.PasskeyRefused:
        context = {"kind": kind, "passkey_error": str(LAST_FACTOR), "back_url": _back_url(kind)}
        return render(request, "identity/passkey_remove_refused.html", context, status=400)
    messages.success(request, gettext("The passkey is removed."))
    return redirect(_back_url(kind))


@citizen
@never_cache
@require_POST
def add_options(request: HttpRequest) -> HttpResponse:
    return _add_options(request)


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    return _add(request, CITIZEN)


@citizen
@recent_sign_in
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    return _remove(request, CITIZEN)


# Officials have no cabinet: their passkeys have a page of their own.
@official
@never_cache
@require_GET
def office_passkeys(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    context = {"factors": factors.factors_of(user), "passkeys": list(user.passkeys.all())}
    return render(request, "identity/office_passkeys.html", context)


@official
@never_cache
@require_POST
def office_add_options(request: HttpRequest) -> HttpResponse:
    return _add_options(request)


@official
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def office_add(request: HttpRequest) -> HttpResponse:
    return _add(request, OFFICIAL)


@official
@recent_sign_in
@require_POST
def office_remove(request: HttpRequest) -> HttpResponse:
    return _remove(request, OFFICIAL)
