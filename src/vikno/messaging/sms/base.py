"""The contract every SMS gateway implements, and the registry that picks one from the settings."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsTemporaryError(Exception):
    """The gateway could not take the message now (down, overloaded, misconfigured): try again later."""


class SmsRejected(Exception):
    """The gateway refused this message for good (for example an impossible number): retrying will not help."""


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, delivery_id: str) -> None:
        """Hand the message over, or raise SmsTemporaryError / SmsRejected. `delivery_id` comes back in delivery
        reports."""


GATEWAYS = {
    "file": "vikno.messaging.sms.file.FileGateway",
    "kannel": "vikno.messaging.sms.kannel.KannelGateway",
}


def gateway() -> SmsGateway:
    return import_string(GATEWAYS[settings.SMS_GATEWAY])()
