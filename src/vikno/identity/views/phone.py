"""The citizen's mobile number: given, then confirmed with a code sent to it by SMS."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity import phone_numbers
from vikno.identity.forms import PhoneCodeForm, PhoneForm
from vikno.identity.views.confirm import recent_sign_in


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            phone_numbers.phone_code_send(
                user=request.user,  # type: ignore[arg-type]
                number=form.cleaned_data["phone"],
                session=request.session,
                source_ip=client_ip(request),
            )
        except phone_numbers.PhoneRefused as refused:
            form.add_error("phone", str(refused))
        else:
            return redirect("identity:phone-confirm")
    return render(request, "identity/phone.html", {"form": form}, status=400 if form.is_bound else 200)


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def phone_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(phone_numbers.SESSION_KEY) or {}
    if not pending.get("number"):
        return redirect("identity:phone")
    form = PhoneCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            number = phone_numbers.phone_confirm(
                user=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                session=request.session,
                source_ip=client_ip(request),
            )
        except phone_numbers.PhoneRefused as refused:
            form.add_error("code", str(refused))
        else:
            messages.success(request, _("Your phone number %(number)s is confirmed.") % {"number": number})
            return redirect("identity:notifications")
    context = {"form": form, "number": pending["number"]}
    return render(request, "identity/phone_confirm.html", context, status=400 if form.is_bound else 200)
