"""The SMS gateway's callbacks: delivery reports and incoming SMS (Kannel's dlr-url and get-url).

Kannel calls them with GET and cannot sign them, so each call must carry the secret token and come from one of
the gateway's addresses; anything else is refused with 403 before its content is read. Malformed calls get a 400
that says what is wrong; a call never changes anything twice.
"""

import codecs
import hmac
import logging
import re
import uuid
from urllib.parse import parse_qs

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vikno.core import phone
from vikno.core.access import integrator
from vikno.core.http import client_ip
from vikno.messaging.sending import delivery_report
from vikno.messaging.sms.commands import sms_receive

logger = logging.getLogger(__name__)

# Kannel's report types: 1 delivered to the phone, 2 not delivered, 4 buffered, 8 accepted by the SMSC,
# 16 rejected by the SMSC. None: still on its way.
REPORTS = {1: True, 2: False, 4: None, 8: None, 16: False}
MAX_INCOMING_CHARS = 1000
PHONE = re.compile(r"\+\d{5,15}")


def _answer(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _from_gateway(request: HttpRequest) -> bool:
    token = settings.SMS_CALLBACK_TOKEN
    given = request.GET.get("token", "")
    return (
        bool(token)
        and hmac.compare_digest(given.encode(), token.encode())
        and client_ip(request) in settings.SMS_GATEWAY_IPS
    )


def _refused(request: HttpRequest) -> HttpResponse:
    logger.warning("SMS gateway callback refused", extra={"path": request.path, "source_ip": client_ip(request)})
    return _answer(_("Only the SMS gateway may call this address."), status=403)


@integrator
@never_cache
@require_GET
def kannel_delivery(request: HttpRequest) -> HttpResponse:
    if not _from_gateway(request):
        return _refused(request)
    try:
        delivery_id = uuid.UUID(request.GET.get("delivery", ""))
    except ValueError:
        return _answer(_("The delivery is not a valid identifier."), status=400)
    try:
        report = int(request.GET.get("status", ""))
    except ValueError:
        report = -1
    if report not in REPORTS:
        return _answer(_("The report type is not one the gateway sends."), status=400)
    if not delivery_report(delivery_id=delivery_id, delivered=REPORTS[report]):
        return _answer(_("No SMS was sent with this delivery."), status=404)
    return _answer("OK")


@integrator
@never_cache
@require_GET
def kannel_incoming(request: HttpRequest) -> HttpResponse:
    if not _from_gateway(request):
        return _refused(request)
    # The text comes as bytes in the charset Kannel names (UTF-16BE for a UCS-2 SMS), so it is read here rather
    # than through request.GET, which would take the bytes for UTF-8.
    raw = {
        name: values[0] for name, values in parse_qs(request.META.get("QUERY_STRING", ""), encoding="latin-1").items()
    }
    gateway_id = raw.get("id", "").strip()
    number = phone.normalise(raw.get("from", ""))
    number = number if number.startswith("+") else "+" + number  # the gateway gives international numbers
    if not gateway_id or len(gateway_id) > 100 or not gateway_id.isprintable():
        return _answer(_("The message has no valid gateway identifier."), status=400)
    if not PHONE.fullmatch(number):
        return _answer(_("The sender is not a valid phone number."), status=400)
    try:
        charset = codecs.lookup(raw.get("charset") or "UTF-8").name
        text = raw.get("text", "").encode("latin-1").decode(charset)
    except (LookupError, UnicodeError, ValueError):  # ValueError: a charset name with a NUL in it
        return _answer(_("The text cannot be read in the charset given."), status=400)
    if len(text) > MAX_INCOMING_CHARS:
        return _answer(_("The text is too long."), status=400)
    sms_receive(gateway_id=gateway_id, phone_number=number, text=text.replace("\x00", ""))
    return _answer("")
