"""The citizen's cabinet, and signing out."""

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.session import assurance_of, current_session_id


@citizen
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.user_signed_out(
        user=request.user,  # type: ignore[arg-type]
        session_id=current_session_id(request),
        source_ip=client_ip(request),
    )
    logout(request)
    return render(request, "identity/signed_out.html")


@citizen
@never_cache
@require_GET
def cabinet(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/cabinet.html", {"assurance": assurance_of(request)})
