"""Portal accounts: e-mail and password with a mandatory second factor."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What django-axes answers while an account or an address is locked out after too many failures."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "identity/locked_out.html", {"lockout_minutes": minutes}, status=429)
