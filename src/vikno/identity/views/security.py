"""The cabinet's security page (factors, recovery codes, signed-in devices) and notification preferences."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity import factors, services
from vikno.identity.forms import CodeForm, NotificationPreferencesForm
from vikno.identity.models import SignedInSession, User
from vikno.identity.session import current_session_id
from vikno.identity.views.account import WRONG_CODE
from vikno.identity.views.confirm import recent_sign_in
from vikno.identity.views.steps import device_label
from vikno.messaging.sms.optout import sms_opted_out


@citizen
@never_cache
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    this_session = current_session_id(request)
    sessions = [
        {"row": row, "device": device_label(row.user_agent), "current": row.public_id == this_session}
        for row in SignedInSession.objects.filter(user=user, ended_at__isnull=True).order_by("-last_seen_at")
    ]
    context = {
        "factors": factors.factors_of(user),
        "passkeys": list(user.passkeys.all()),
        "has_password": user.has_usable_password(),
        "sessions": sessions,
    }
    return render(request, "identity/security.html", context)


@citizen
@require_POST
def end_session(request: HttpRequest) -> HttpResponse:
    try:
        session_id = uuid.UUID(request.POST.get("session", ""))
    except ValueError as error:
        raise Http404 from error
    user: User = request.user  # type: ignore[assignment]
    if not services.session_end(user=user, session_id=session_id, source_ip=client_ip(request)):
        raise Http404
    if session_id == current_session_id(request):
        return redirect("identity:sign-in")
    messages.success(request, _("That device has been signed out."))
    return redirect("identity:security")


@citizen
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = services.sessions_end_others(user=user, keep=current_session_id(request), source_ip=client_ip(request))
    messages.success(request, _("Signed out everywhere else (%(count)d).") % {"count": count})
    return redirect("identity:security")


@citizen
@never_cache
@recent_sign_in
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_usable_password():
        raise Http404  # eID-only accounts have no second factor to recover
    codes = factors.recovery_codes_generate(user=user, source_ip=client_ip(request))
    return render(request, "identity/recovery_codes.html", {"codes": codes, "next": reverse("identity:security")})


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def replace_authenticator(request: HttpRequest) -> HttpResponse:
    """Set up a (new) authenticator app; the old one stops working once the new one is confirmed."""
    user: User = request.user  # type: ignore[assignment]
    if not user.has_usable_password():
        raise Http404
    device = factors.totp_pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if factors.totp_confirm(user=user, code=form.cleaned_data["code"], source_ip=client_ip(request)):
            messages.success(request, _("Your new authenticator app is set up."))
            return redirect("identity:security")
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "qr_svg": factors.totp_qr_svg(device), "secret": factors.totp_secret_text(device)}
    return render(request, "identity/enrol_totp.html", context, status=400 if form.is_bound else 200)


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {"notify_by_email": user.notify_by_email, "notify_by_sms": user.notify_by_sms, "language": user.language}
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        has_phone=bool(user.phone),
        has_email=bool(user.email),
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(
            user=user,
            by_email=form.cleaned_data["notify_by_email"],
            by_sms=form.cleaned_data["notify_by_sms"],
            language=form.cleaned_data["language"],
            source_ip=client_ip(request),
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("identity:notifications")
    context = {"form": form, "phone": user.phone, "sms_stopped": sms_opted_out(phone_number=user.phone)}
    return render(request, "identity/notifications.html", context, status=400 if form.is_bound else 200)
