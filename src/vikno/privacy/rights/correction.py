"""Correcting what the person entered themselves: their name (when no eID confirmed it) and their e-mail address
(a new one counts once the link sent to it is followed). The phone has its own confirmed flow and the language of
messages its own page (identity); data from an eID or an authority is corrected through a request to the data
protection officer (`requests.data_request_submit` with kind "correction").

These write the account row directly, like the erasure (ADR 0011); identity has no service for them.
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.models import User
from vikno.messaging.notifications import email_direct
from vikno.privacy import crypto
from vikno.privacy.rights.exceptions import RightsRefused

EMAIL_CHANGE_SALT = "vikno.privacy.email-change"
EMAIL_CHANGE_HOURS = 72
# The outbox keys of the link to a new address and of the note to the old one, per person (erasure removes them).
EMAIL_CHANGE_KEYS = "email-change:{person}:"


def name_editable(person: User) -> bool:
    """A name the person typed at registration; one an eID confirmed comes from its registry."""
    return not person.identity_source


@transaction.atomic
def profile_correct(*, person: User, first_name: str, last_name: str, source_ip: str | None = None) -> bool:
    """Correct the name of a portal account; returns whether anything changed."""
    locked = User.objects.select_for_update().get(pk=person.pk)
    if not name_editable(locked):
        raise RightsRefused(
            _("Your name was confirmed by eID. Ask the data protection officer to correct it."), field="first_name"
        )
    first_name, last_name = first_name.strip(), last_name.strip()
    if (locked.first_name, locked.last_name) == (first_name, last_name):
        return False
    locked.first_name, locked.last_name = first_name, last_name
    locked.save(update_fields=["first_name", "last_name"])
    record(actor=locked, action="privacy.name_corrected", target=locked, source_ip=source_ip)
    return True


def email_change_token(user: User, email: str) -> str:
    """Proves the new address: bound to the account and to its current address, so it works once. The addresses
    are sealed (privacy.crypto): the link is a URL, and URLs end up in proxies' and browsers' logs."""
    addresses = json.dumps({"from": user.email, "to": email})
    sealed = crypto.encrypt_text(addresses, purpose=EMAIL_CHANGE_SALT)
    return signing.dumps({"user": str(user.pk), "sealed": sealed}, salt=EMAIL_CHANGE_SALT)


def _email_change_read(token: str) -> dict:
    data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_HOURS * 3600)
    try:
        addresses = json.loads(crypto.decrypt_text(str(data.get("sealed", "")), purpose=EMAIL_CHANGE_SALT))
    except (crypto.DecryptionFailed, ValueError):
        raise signing.BadSignature("the addresses do not open") from None
    return {"user": data.get("user"), "from": addresses.get("from"), "to": addresses.get("to")}


def _send(person: User, what: str, to: str, template: str, context: dict) -> None:
    """An e-mail through the outbox, written in the person's language: the addresses never travel in a task's
    arguments (those are stored in the queue, pickled in Redis with the RQ backend), and a retried task sends the
    message once."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"privacy/rights/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"privacy/rights/email/{template}.txt", context)
    key = f"{EMAIL_CHANGE_KEYS.format(person=person.pk)}{what}:{uuid.uuid4()}"
    email_direct(to=to, subject=subject, text=text, key=key)


@transaction.atomic
def email_change_request(*, person: User, email: str, source_ip: str | None = None) -> None:
    """Send a link to the new address. Nothing changes until it is followed; the page says the same whether or
    not another account has that address (it is checked when the link comes back, by its owner)."""
    email = email.strip().lower()
    record(actor=person, action="privacy.email_change_requested", target=person, source_ip=source_ip)
    if email == (person.email or "").lower():
        return
    url = settings.SITE_URL + reverse("privacy:email-confirm", kwargs={"token": email_change_token(person, email)})
    _send(person, "link", email, "email_change", {"url": url, "hours": EMAIL_CHANGE_HOURS})


@transaction.atomic
def email_change_confirm(*, person: User, token: str, source_ip: str | None = None) -> str:
    """Make the address in the link the account's. Returns it; raises RightsRefused for a forged, expired, used
    or someone else's link, or an address another account has."""
    try:
        data = _email_change_read(token)
    except signing.BadSignature as error:
        raise RightsRefused(_("This link does not work. It may be old or already used: ask for a new one.")) from error
    locked = User.objects.select_for_update().get(pk=person.pk)
    if data.get("user") != str(locked.pk) or data.get("from") != locked.email:
        raise RightsRefused(_("This link does not work. It may be old or already used: ask for a new one."))
    email = data["to"]
    others = User.objects.exclude(pk=locked.pk)
    if others.filter(email__iexact=email).exists() or others.filter(username__iexact=email).exists():
        raise RightsRefused(
            _("Another account uses this address. Sign in with that account, or choose another address.")
        )
    old = locked.email
    # A portal account signs in with its address: the login name follows it.
    if locked.username.lower() == (old or "").lower():
        locked.username = email
    locked.email = email
    locked.email_verified_at = clock.now()
    locked.save(update_fields=["username", "email", "email_verified_at"])
    record(actor=locked, action="privacy.email_changed", target=locked, source_ip=source_ip)
    if old:
        # The old address is told, so a change nobody asked for is noticed.
        _send(locked, "notice", old, "email_changed", {"url": settings.SITE_URL + reverse("identity:sign-in")})
    return email
