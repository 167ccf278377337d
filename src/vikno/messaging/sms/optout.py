"""Phone numbers that sent STOP. The SMS channel never sends a notification to one of them.

Only each number's blind index is kept: the portal can tell whether a number opted out, not list the numbers.
"""

from vikno.core import phone
from vikno.messaging.models import SmsOptOut
from vikno.privacy.crypto import blind_index

PURPOSE = "messaging.smsoptout.phone"


def _index(phone_number: str) -> str:
    return blind_index(phone.normalise(phone_number), purpose=PURPOSE)


def sms_opted_out(*, phone_number: str) -> bool:
    return bool(phone_number) and SmsOptOut.objects.filter(phone_index=_index(phone_number)).exists()


def sms_opt_out(*, phone_number: str) -> None:
    SmsOptOut.objects.get_or_create(phone_index=_index(phone_number))


def sms_opt_in(*, phone_number: str) -> None:
    """The person turned SMS on again in their account: their number may get notifications again."""
    SmsOptOut.objects.filter(phone_index=_index(phone_number)).delete()
