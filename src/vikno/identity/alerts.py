"""Telling a person at once when the ways into their account change (ASVS 2.2.3, 2.5.5): an authenticator app
or a passkey added, replaced or removed, new recovery codes, a recovery code spent, the password or the phone
number changed. A change nobody asked for is how a taken-over account shows itself, so the notice goes by e-mail
even to people who chose no e-mails (event `sign_in_changed` is marked `security`), to the inbox, and by SMS
when chosen. Setting up the first factors while an account is created tells nobody: the person is doing it."""

from __future__ import annotations

import uuid

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from vikno.core import clock
from vikno.identity.models import User, security_page
from vikno.messaging.notifications import notify

# What happened, in words for the notice (the person's own passkey name may be in it).
CHANGES = {
    "totp_added": _("An authenticator app was set up for your account"),
    "totp_replaced": _("The authenticator app of your account was replaced: the old one no longer gives valid codes"),
    "totp_removed": _("The authenticator app was removed from your account"),
    "passkey_added": _("A passkey named “%(name)s” was added to your account"),
    "passkey_removed": _("The passkey named “%(name)s” was removed from your account"),
    "recovery_codes_replaced": _("New recovery codes were made for your account: the old ones no longer work"),
    "recovery_code_used": _("A recovery code was used to sign in to your account (%(left)d left)"),
    "password_changed": _("The password of your account was changed"),
    "phone_added": _("A phone number was added to your account"),
    "phone_changed": _("The phone number of your account was changed"),
}


def security_alert(*, user: User, change: str, **values: object) -> None:
    """Notify `user` of `change` (a key of CHANGES; `values` fill its placeholders) in their language."""
    moment = clock.now()
    notify(
        recipient=user,
        event="sign_in_changed",
        key=f"security:{uuid.uuid4()}",  # every change is told, however alike
        params={
            "change": lambda: str(CHANGES[change]) % values if values else str(CHANGES[change]),
            "when": lambda: formats.date_format(timezone.localtime(moment), "j E Y, H:i"),
        },
        link=(security_page(user), []),
        subject=("account", str(user.pk)),
    )
