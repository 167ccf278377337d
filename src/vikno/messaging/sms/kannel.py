"""Kannel, the open-source SMS gateway: messages go out through smsbox's HTTP sendsms interface; Kannel reports
delivery on the dlr-url we give with each message and passes incoming SMS to the get-url of its sms-service.

Kannel cannot sign its callbacks, so both carry a secret token in their address (set in kannel.conf for incoming
SMS, added here for delivery reports) and are accepted only from the gateway's addresses (see `views`).
"""

from urllib.parse import urlencode

import requests
from django.conf import settings
from django.urls import reverse

from vikno.messaging.sms import segments
from vikno.messaging.sms.base import SmsRejected, SmsTemporaryError

# What Kannel reports, as its dlr-mask bits: 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC,
# 16 rejected by the SMSC. We ask for all of them.
DLR_MASK = 31


def delivery_report_url(delivery_id: str) -> str:
    query = urlencode({"delivery": delivery_id, "token": settings.SMS_CALLBACK_TOKEN})
    # %d is left for Kannel to replace with the report's type.
    return f"{settings.SITE_URL}{reverse('sms:kannel-delivery')}?{query}&status=%d"


class KannelGateway:
    def send(self, *, to: str, text: str, delivery_id: str) -> None:
        params: dict[str, str | int] = {
            "username": settings.KANNEL_USERNAME,
            "password": settings.KANNEL_PASSWORD,
            "to": to,
            "text": text,
            "charset": "UTF-8",
            "dlr-mask": DLR_MASK,
            "dlr-url": delivery_report_url(delivery_id),
        }
        if settings.SMS_SENDER:
            params["from"] = settings.SMS_SENDER
        try:
            # The same choice the portal counted the parts by (Kannel would otherwise send GSM-7 and lose letters).
            if segments.measure(text).encoding == segments.UCS2:
                params["coding"] = 2
            response = requests.get(settings.KANNEL_SENDSMS_URL, params=params, timeout=settings.SMS_HTTP_TIMEOUT)
        except requests.RequestException as error:
            raise SmsTemporaryError(f"Kannel unreachable: {type(error).__name__}") from error
        if response.status_code in (200, 202):
            return
        message = f"Kannel answered {response.status_code}: {response.text[:200]}"
        if response.status_code == 400:
            raise SmsRejected(message)
        raise SmsTemporaryError(message)
