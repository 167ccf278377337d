"""Phone numbers that sent STOP. The SMS channel never sends a notification to one of them."""

from vikno.core import phone
from vikno.messaging.models import SmsOptOut


def sms_opted_out(*, phone_number: str) -> bool:
    return bool(phone_number) and SmsOptOut.objects.filter(phone=phone.normalise(phone_number)).exists()


def sms_opt_in(*, phone_number: str) -> None:
    """The person turned SMS on again in their account: their number may get notifications again."""
    SmsOptOut.objects.filter(phone=phone.normalise(phone_number)).delete()
