"""A citizen gives the phone number SMS should go to, and proves it is theirs with a code sent to it by SMS.

The code lives (hashed) in the session for ten minutes; five wrong tries end it. At most three codes an hour go to
one account and three to one number, counted in the outbox (not the session, which a new sign-in would reset).
Only a confirmed number is kept: STATUS by SMS answers the phone on the applicant's account, so it must be theirs.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.alerts import security_alert
from vikno.identity.models import User
from vikno.messaging.notifications import sms_direct
from vikno.messaging.selectors import direct_sms_count

SESSION_KEY = "vikno.phone_confirmation"
CODE_SECONDS = 600
MAX_TRIES = 5
MAX_CODES_PER_HOUR = 3
KEY_PREFIX = "phone-code:"


class PhoneRefused(Exception):
    pass


def _digest(code: str, number: str) -> str:
    return salted_hmac("vikno.phone_confirmation", f"{number}:{code}").hexdigest()


@transaction.atomic
def phone_code_send(*, user: User, number: str, session, source_ip: str | None) -> None:
    hour_ago = clock.now() - dt.timedelta(hours=1)
    if (
        direct_sms_count(key_prefix=f"{KEY_PREFIX}{user.pk}:", since=hour_ago) >= MAX_CODES_PER_HOUR
        or direct_sms_count(key_prefix=KEY_PREFIX, to=number, since=hour_ago) >= MAX_CODES_PER_HOUR
    ):
        raise PhoneRefused(_("You asked for three codes in the last hour. Please try again later."))
    code = f"{secrets.randbelow(10**6):06d}"
    session[SESSION_KEY] = {
        "number": number,
        "digest": _digest(code, number),
        "expires": clock.now().timestamp() + CODE_SECONDS,
        "tries": 0,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = _("Vikno: your code is {code}. It confirms this phone number for your account. Never tell it anyone.")
    sms_direct(to=number, text=text.format(code=code), key=f"{KEY_PREFIX}{user.pk}:{uuid.uuid4()}")
    record(actor=user, action="identity.phone_code_sent", target=user, source_ip=source_ip)


@transaction.atomic
def phone_confirm(*, user: User, code: str, session, source_ip: str | None) -> str:
    """Keep the number the code was sent to; returns it."""
    pending = session.get(SESSION_KEY) or {}
    if not pending.get("digest") or clock.now().timestamp() > pending["expires"]:
        raise PhoneRefused(_("The code has expired. Ask for a new one."))
    if not constant_time_compare(_digest(code, pending["number"]), pending["digest"]):
        pending["tries"] += 1
        if pending["tries"] >= MAX_TRIES:
            pending["digest"] = ""
            session[SESSION_KEY] = pending
            raise PhoneRefused(_("That was the fifth wrong code. Ask for a new one."))
        session[SESSION_KEY] = pending
        raise PhoneRefused(_("The code is not right. Check the SMS and try again."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    previous = locked.phone
    locked.phone = pending["number"]
    locked.save(update_fields=["phone"])
    session.pop(SESSION_KEY, None)
    record(actor=user, action="identity.phone_changed", target=user, source_ip=source_ip)
    if previous == locked.phone:
        return locked.phone
    security_alert(user=locked, change="phone_changed" if previous else "phone_added")
    if previous:  # the old number is told too: an account without e-mail would otherwise hear only in its inbox
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = _(
                "Vikno: the phone number of your account was changed. Not you? Check the security page of your account."
            )
        sms_direct(to=previous, text=text, key=f"phone-changed:{user.pk}:{uuid.uuid4()}")
    return locked.phone
