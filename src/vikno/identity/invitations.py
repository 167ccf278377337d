"""Invitations of new officials: a one-time link to set their password, valid for three days.

The link carries a token of Django's `PasswordResetTokenGenerator` kind, keyed to the account's password hash
(an unusable one until the official sets theirs), so it stops working once used, once a newer invitation is
sent, and once the account is deactivated. The e-mail goes out from a task after the transaction commits.
"""

import datetime as dt
import enum
import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext
from django_tasks import task

from vikno.core import clock
from vikno.identity.models import User

INVITATION_VALID_FOR = dt.timedelta(days=3)


class InvitationStatus(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"  # genuine, but older than INVITATION_VALID_FOR
    USED = "used"  # the official has set a password already
    INVALID = "invalid"  # forged, for another account, replaced by a newer invitation, or the account deactivated


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "vikno.identity.invitations.InvitationTokenGenerator"

    def _now(self) -> dt.datetime:
        # The clock the rest of Vikno uses (tests move it); naive UTC, as the base class counts seconds.
        return clock.now().astimezone(dt.UTC).replace(tzinfo=None)

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{user.is_staff}"

    def status(self, user: User | None, token: str) -> InvitationStatus:
        if user is None or not user.is_staff:
            return InvitationStatus.INVALID
        if user.has_usable_password():
            return InvitationStatus.USED
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return InvitationStatus.INVALID
        genuine = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        if not genuine:
            return InvitationStatus.INVALID
        if self._num_seconds(self._now()) - timestamp > INVITATION_VALID_FOR.total_seconds():
            return InvitationStatus.EXPIRED
        return InvitationStatus.VALID

    def check_token(self, user, token) -> bool:
        return self.status(user, token) is InvitationStatus.VALID


invitation_tokens = InvitationTokenGenerator()


def fingerprint(user: User) -> str:
    """Names the current invitation (the unusable password hash changes with each one) without revealing it."""
    return hashlib.sha256(user.password.encode()).hexdigest()[:32]


def renew(user: User) -> str:
    """Make every earlier link of the account stop working; returns the fingerprint of the new invitation.
    Only for accounts without a password yet (the caller has the row locked)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return fingerprint(user)


def activation_path(user: User, token: str) -> str:
    return reverse(
        "identity:office-activate", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}
    )


@task()
def send_official_invitation(official_id: str, invitation: str) -> bool:
    """E-mail the official the link to set their password. Returns whether a mail was sent.

    `invitation` is the fingerprint the service recorded. The task renews it before it mails, in the same
    transaction, so a retry after a successful run (or a run for an invitation a newer one replaced, or for an
    account that has meanwhile set its password or been deactivated) sends nothing.
    """
    with transaction.atomic():
        official = (
            User.objects.select_for_update(of=("self",))  # PostgreSQL cannot lock the outer join's null side
            .select_related("organisation")
            .filter(pk=uuid.UUID(official_id), is_staff=True, is_active=True)
            .first()
        )
        if official is None or official.has_usable_password() or fingerprint(official) != invitation:
            return False
        renew(official)
        token = invitation_tokens.make_token(official)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "official": official,
                "portal_name": settings.PORTAL_NAME or gettext("Vikno"),
                "url": settings.SITE_URL + activation_path(official, token),
                "days": INVITATION_VALID_FOR.days,
                "sign_in_url": settings.SITE_URL + reverse("identity:office-sign-in"),
            }
            subject = render_to_string("identity/email/official_invitation_subject.txt", context).strip()
            body = render_to_string("identity/email/official_invitation.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [official.email])
    return True
