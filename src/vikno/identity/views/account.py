"""Portal accounts and officials' sign-in: e-mail and password, then a mandatory second factor.

The same views serve citizens (`kind="citizen"`, pages under /account/) and officials (`kind="official"`,
pages under /office/): officials never sign in on the citizens' pages and the other way round.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from vikno.core.access import public
from vikno.core.http import client_ip
from vikno.identity import factors, services, tasks
from vikno.identity.forms import CodeForm, PasswordSignInForm, RecoveryCodeForm, RegistrationForm
from vikno.identity.session import remember_password_step
from vikno.identity.views.steps import (
    CITIZEN,
    OFFICIAL,
    destination,
    finish,
    refuse,
    step_or_restart,
    url_name,
)
from vikno.privacy.rights.consents import consent_texts_current
from vikno.privacy.rights.constants import ConsentKey

WRONG_CREDENTIALS = _("The e-mail address or the password is not right.")
WRONG_CODE = _("The code is not right, or it has expired. Enter the code the app shows now.")


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What django-axes answers while an account or an address is locked out after too many failures."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "identity/locked_out.html", {"lockout_minutes": minutes}, status=429)


@public
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def password_sign_in(request: HttpRequest, kind: str) -> HttpResponse:
    form = PasswordSignInForm(request.POST if request.method == "POST" else None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    context = {"form": form, "kind": kind, "next": next_url}
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = authenticate(request, username=email, password=password)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is not None and user.is_staff != (kind == OFFICIAL):
            refuse(request, kind=kind, reason="wrong_kind")
            context["wrong_kind"] = True
            return render(request, "identity/password_sign_in.html", context, status=400)
        if user is not None:
            if kind == CITIZEN and user.email_verified_at is None:
                tasks.send_email_verification.enqueue(str(user.pk))
                return redirect("identity:check-email")
            remember_password_step(request, user, kind=kind, next_url=next_url)
            has_factor = factors.factors_of(user).any
            return redirect(url_name(kind, "second-factor" if has_factor else "enrol-totp"))
        refuse(request, kind=kind, reason="credentials")
        form.add_error(None, WRONG_CREDENTIALS)
    status = 400 if form.is_bound else 200
    return render(request, "identity/password_sign_in.html", context, status=status)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest, kind: str) -> HttpResponse:
    step = step_or_restart(request, kind)
    if isinstance(step, HttpResponse):
        return step
    user, next_url = step
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if factors.totp_verify(user=user, code=form.cleaned_data["code"]):
            finish(request, user, kind=kind, factor="totp")
            return redirect(destination(request, kind, next_url))
        refuse(request, kind=kind, reason="second_factor")
        form.add_error("code", WRONG_CODE)
    have = factors.factors_of(user)
    context: dict = {"form": form, "kind": kind, "passkeys": have.passkeys > 0, "totp": have.totp}
    return render(request, "identity/second_factor.html", context, status=400 if form.is_bound else 200)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_totp(request: HttpRequest, kind: str) -> HttpResponse:
    """First sign-in of an account without a second factor: set up an authenticator app, get recovery codes."""
    step = step_or_restart(request, kind)
    if isinstance(step, HttpResponse):
        return step
    user, next_url = step
    if factors.factors_of(user).any:  # set up already: a second factor is needed to change it
        return redirect(url_name(kind, "second-factor"))
    device = factors.totp_pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if factors.totp_confirm(user=user, code=form.cleaned_data["code"], source_ip=ip):
            codes = factors.recovery_codes_generate(user=user, source_ip=ip)
            finish(request, user, kind=kind, factor="totp")
            done = {"codes": codes, "next": destination(request, kind, next_url)}
            return render(request, "identity/recovery_codes.html", done)
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "kind": kind,
        "qr_svg": factors.totp_qr_svg(device),
        "secret": factors.totp_secret_text(device),
    }
    return render(request, "identity/enrol_totp.html", context, status=400 if form.is_bound else 200)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_sign_in(request: HttpRequest, kind: str) -> HttpResponse:
    step = step_or_restart(request, kind)
    if isinstance(step, HttpResponse):
        return step
    user, _next_url = step
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if factors.recovery_code_use(user=user, code=form.cleaned_data["code"], source_ip=client_ip(request)):
            finish(request, user, kind=kind, factor="recovery")
            return redirect("identity:security" if kind == CITIZEN else "admin:index")
        refuse(request, kind=kind, reason="recovery_code")
        form.add_error("code", _("This recovery code is not right or has been used already."))
    return render(
        request, "identity/recovery_sign_in.html", {"form": form, "kind": kind}, status=400 if form.is_bound else 200
    )


@public
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.citizen_register(
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            source_ip=client_ip(request),
        )
        return redirect("identity:check-email")
    # What a new account acknowledges and agrees to (services.citizen_register records both), in the page's language.
    texts = consent_texts_current()
    agreed = [
        texts[key].text_in(get_language())
        for key in (ConsentKey.PRIVACY_NOTICE, ConsentKey.EMAIL_NOTIFICATIONS)
        if key in texts
    ]
    return render(
        request, "identity/register.html", {"form": form, "agreed": agreed}, status=400 if form.is_bound else 200
    )


@public
@never_cache
def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/check_email.html")


@public
@never_cache
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = services.email_verify(token=token, source_ip=client_ip(request))
    if user is None:
        return render(request, "identity/verify_email_failed.html", status=400)
    return render(request, "identity/email_verified.html")
