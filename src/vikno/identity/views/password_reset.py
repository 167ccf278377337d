"""A forgotten password: a link by e-mail to set a new one. The second factor is still needed afterwards."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from vikno.core.access import public
from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.forms import ForgottenPasswordForm, SetPasswordForm
from vikno.identity.models import User

PLACEHOLDER = "set-password"  # the token leaves the address bar (and Referer headers) at once
SESSION_KEY = "vikno.password_reset"


@public
@never_cache
@require_http_methods(["GET", "POST"])
def forgotten_password(request: HttpRequest) -> HttpResponse:
    form = ForgottenPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("identity:check-email")
    return render(request, "identity/forgotten_password.html", {"form": form}, status=400 if form.is_bound else 200)


def _person(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=pk, is_active=True, is_staff=False).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        return None


@public
@never_cache
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != PLACEHOLDER:
        request.session[SESSION_KEY] = {"uid": uidb64, "token": token}
        return redirect(reverse("identity:reset-password", kwargs={"uidb64": uidb64, "token": PLACEHOLDER}))
    saved = request.session.get(SESSION_KEY) or {}
    token = saved.get("token", "") if saved.get("uid") == uidb64 else ""
    person = _person(uidb64)
    if person is None or not default_token_generator.check_token(person, token):
        return render(request, "identity/reset_refused.html", status=400)
    form = SetPasswordForm(person, request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.password_reset(
            user=person, token=token, password=form.cleaned_data["password"], source_ip=client_ip(request)
        )
        request.session.pop(SESSION_KEY, None)
        return render(request, "identity/password_reset_done.html")
    return render(request, "identity/reset_password.html", {"form": form}, status=400 if form.errors else 200)
