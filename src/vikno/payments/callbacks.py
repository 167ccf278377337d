"""The acquirer's server callback. Its signature is the caller's credential, checked before anything is read: a
call without one, or with one that does not match, is refused (403) and a forged one kept in the payment events.
A signed callback that cannot be used (unreadable, another amount, an unknown order) gets a 400; a repeated or late
one changes nothing (`report_apply`)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from vikno.core.access import integrator
from vikno.core.http import client_ip
from vikno.payments import services
from vikno.payments.constants import EventOutcome, EventSource
from vikno.payments.providers import card_provider
from vikno.payments.providers.base import Forged, Malformed

logger = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def _answer(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _refused() -> HttpResponse:
    return _answer(_("Only the card acquirer may call this address, with a valid signature."), status=403)


@integrator
@csrf_exempt  # the acquirer's server posts here; the signature is the credential
@never_cache
def liqpay_callback(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return _answer(_("The callback is too large."), status=413)  # before the body is read
    if request.method != "POST" or not request.POST.get("data") or not request.POST.get("signature"):
        return _refused()
    provider = card_provider("liqpay")
    try:
        report = provider.read_callback(request.POST)
    except Forged:
        services.forged_callback_record(provider=provider.name, data=request.POST["data"], source_ip=client_ip(request))
        logger.warning("forged payment callback refused", extra={"source_ip": client_ip(request)})
        return _refused()
    except Malformed as error:
        return _answer(_("The callback cannot be read: %(why)s") % {"why": error}, status=400)
    event = services.report_apply(report=report, source=EventSource.CALLBACK, provider=provider.name)
    if event.outcome in (EventOutcome.UNKNOWN_ORDER, EventOutcome.MISMATCH):
        return _answer(_("No payment matches this callback."), status=400)
    return _answer("OK")
