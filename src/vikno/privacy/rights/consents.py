"""Consents: what a person agreed to, when, how, and to which version of which text; giving and withdrawing.

Giving records the version current at that moment; withdrawing keeps the record with the moment it ended, and
takes effect at once (no more e-mail or SMS notifications; questions waiting for moderation are not published).
The notification channels themselves stay identity's: a change here goes through its
`notification_preferences_set`, and `consents_sync_channels` records what the notification settings chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.models import User
from vikno.privacy.models import Consent, ConsentText
from vikno.privacy.rights.constants import NOT_WITHDRAWABLE, ConsentKey, ConsentMethod
from vikno.privacy.rights.exceptions import RightsRefused

CHANNELS = {ConsentKey.EMAIL_NOTIFICATIONS: "notify_by_email", ConsentKey.SMS_NOTIFICATIONS: "notify_by_sms"}


class TextChanged(RightsRefused):
    """A form showed a version of the text that is no longer current: the person reads the new one first."""

    def __init__(self, text: ConsentText):
        super().__init__(_("The text you agree to has changed. Read it again, then send the form."), field="consent")
        self.text = text


# --- Reading ---------------------------------------------------------------------------------------------


def consent_texts_current() -> dict[str, ConsentText]:
    """The latest version of each text, by key (one query). A version is in force from when it is added."""
    current: dict[str, ConsentText] = {}
    for text in ConsentText.objects.order_by("key", "-version"):
        current.setdefault(text.key, text)
    return current


def consents_in_force(*, person) -> dict[str, Consent]:
    return {
        consent.key: consent
        for consent in Consent.objects.filter(person=person, withdrawn_at__isnull=True).select_related("text")
    }


def consent_history(*, person) -> list[Consent]:
    return list(Consent.objects.filter(person=person).select_related("text").order_by("-given_at"))


@dataclass(frozen=True)
class ConsentRow:
    """One kind of consent as the person's page shows it."""

    key: str
    label: str
    text: ConsentText  # the version current now
    consent: Consent | None  # the one in force, if any
    withdrawable: bool

    @property
    def outdated(self) -> bool:
        """In force, but given to an earlier version of the text."""
        return self.consent is not None and self.consent.text_id != self.text.pk


def consent_rows(*, person) -> list[ConsentRow]:
    texts = consent_texts_current()
    given = consents_in_force(person=person)
    return [
        ConsentRow(
            key=key,
            label=str(label),
            text=texts[key],
            consent=given.get(key),
            withdrawable=key not in NOT_WITHDRAWABLE,
        )
        for key, label in ConsentKey.choices
        if key in texts
    ]


# --- Changing --------------------------------------------------------------------------------------------


def _key(key: str) -> ConsentKey:
    if key not in ConsentKey.values:
        raise RightsRefused(_("Choose one of the consents on the page."), field="key")
    return ConsentKey(key)


def _channels_set(person: User, key: str, on: bool, source_ip: str | None) -> None:
    """Turn a notification channel on or off through identity (which keeps the choice and audits it)."""
    from vikno.identity.services import notification_preferences_set

    choices = {"by_email": person.notify_by_email, "by_sms": person.notify_by_sms}
    choices["by_email" if key == ConsentKey.EMAIL_NOTIFICATIONS else "by_sms"] = on
    if choices["by_email"] == person.notify_by_email and choices["by_sms"] == person.notify_by_sms:
        return
    # The consent was recorded here, with how it was given: the settings must not record it again as theirs.
    notification_preferences_set(
        user=person, language=person.language, source_ip=source_ip, record_consents=False, **choices
    )


def _record(person: User, action: str, consent: Consent, how: str, source_ip: str | None) -> None:
    record(
        actor=person,
        action=action,
        target=consent,
        source_ip=source_ip,
        details={"consent": consent.key, "version": consent.text.version, "how": how},
    )


def _give(person: User, key: str, how: str, source_ip: str | None) -> Consent:
    """The record of a consent to the current text, replacing one given to an earlier version."""
    text = consent_texts_current().get(key)
    if text is None:
        raise RightsRefused(_("Choose one of the consents on the page."), field="key")
    now = clock.now()
    current = Consent.objects.filter(person=person, key=key, withdrawn_at__isnull=True).select_related("text").first()
    if current is not None:
        if current.text_id == text.pk:
            return current
        current.withdrawn_at, current.withdrawn_how = now, how  # superseded by the consent to the new version
        current.save(update_fields=["withdrawn_at", "withdrawn_how", "updated_at"])
    consent = Consent.objects.create(person=person, key=key, text=text, given_at=now, given_how=how)
    _record(person, "privacy.consent_given", consent, how, source_ip)
    return consent


def _withdraw(person: User, key: str, how: str, source_ip: str | None) -> Consent | None:
    consent = Consent.objects.filter(person=person, key=key, withdrawn_at__isnull=True).select_related("text").first()
    if consent is None:
        return None
    consent.withdrawn_at, consent.withdrawn_how = clock.now(), how
    consent.save(update_fields=["withdrawn_at", "withdrawn_how", "updated_at"])
    _record(person, "privacy.consent_withdrawn", consent, how, source_ip)
    return consent


def _locked(person: User) -> User:
    """The person's row, locked: one consent change at a time (two tabs cannot both give the same consent)."""
    return User.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def consent_give(
    *,
    person: User,
    key: str,
    how: str = ConsentMethod.CONSENTS_PAGE,
    source_ip: str | None = None,
    version: int | None = None,
):
    """Give (or give again) a consent to the current version of its text; it takes effect at once. `version` is
    the version the person was shown, when a form showed one: agreeing to words that have since changed is refused
    (TextChanged), so the record never names a text the person did not see."""
    key = _key(key)
    person = _locked(person)
    if key == ConsentKey.EMAIL_NOTIFICATIONS and not person.email:
        raise RightsRefused(_("We have no e-mail address for you, so we cannot send e-mail."), field="key")
    if key == ConsentKey.SMS_NOTIFICATIONS and not person.phone:
        raise RightsRefused(_("We have no phone number for you, so we cannot send SMS."), field="key")
    if version is not None:
        current = consent_texts_current().get(key)
        if current is not None and current.version != version:
            raise TextChanged(current)
    consent = _give(person, key, how, source_ip)
    if key in CHANNELS:
        _channels_set(person, key, True, source_ip)
    return consent


@transaction.atomic
def consent_withdraw(
    *, person: User, key: str, how: str = ConsentMethod.CONSENTS_PAGE, source_ip: str | None = None
) -> Consent | None:
    """Withdraw a consent: the record stays with the moment it ended, and what it allowed stops now."""
    key = _key(key)
    if key in NOT_WITHDRAWABLE:
        raise RightsRefused(
            _(
                "Reading the privacy notice is not a consent that can be withdrawn. "
                "You can ask for your data to be erased."
            ),
            field="key",
        )
    person = _locked(person)
    consent = _withdraw(person, key, how, source_ip)
    if key in CHANNELS:
        _channels_set(person, key, False, source_ip)
    elif key == ConsentKey.PUBLIC_QUESTIONS:
        questions_withdraw(person=person)
    return consent


def questions_withdraw(*, person: User) -> dict[str, int]:
    """Without consent to publication: questions not published are removed, published ones lose the link to the
    person and keep only the published text (from which any personal data was taken out)."""
    from vikno.messaging.feedback.constants import QuestionState
    from vikno.messaging.feedback.models import PublicQuestion

    mine = PublicQuestion.objects.filter(asked_by=person)
    removed = mine.exclude(state=QuestionState.PUBLISHED).delete()[0]
    detached = 0
    for question in mine.filter(state=QuestionState.PUBLISHED):
        question.asked_by, question.asked_text = None, question.text
        question.save(update_fields=["asked_by", "asked_text", "updated_at"])
        detached += 1
    return {"removed": removed, "detached": detached}


@transaction.atomic
def consents_sync_channels(
    *, person: User, how: str, source_ip: str | None = None, keys: Iterable[str] = tuple(CHANNELS)
) -> None:
    """Record consents to match the notification channels the person chose elsewhere (the notification settings,
    STOP by SMS, a new account's defaults); `keys` limits it to the channels that way of choosing is about.
    Writes only the records: the channels are already set. Run again with nothing changed, it records nothing."""
    person = _locked(person)
    for key, flag in CHANNELS.items():
        if key not in keys:
            continue
        on = bool(getattr(person, flag))
        in_force = Consent.objects.filter(person=person, key=key, withdrawn_at__isnull=True).exists()
        if on and not in_force:
            _give(person, key, how, source_ip)
        elif not on and in_force:
            _withdraw(person, key, how, source_ip)


@transaction.atomic
def consents_on_account_created(*, person: User, source_ip: str | None = None) -> None:
    """A new account (registered with a password, or made at a citizen's first eID sign-in): the privacy notice it
    was shown is acknowledged, and the notification channels it starts with (e-mail on, SMS off) are recorded as
    consents given when the account was created. Run again, it records nothing more."""
    person = _locked(person)
    _give(person, ConsentKey.PRIVACY_NOTICE, ConsentMethod.REGISTRATION, source_ip)
    consents_sync_channels(person=person, how=ConsentMethod.REGISTRATION, source_ip=source_ip)


@transaction.atomic
def consents_withdraw_all(*, person: User, how: str) -> int:
    """Every consent in force ends (the account is being erased); no effects are applied here."""
    count = 0
    for key in Consent.objects.filter(person=person, withdrawn_at__isnull=True).values_list("key", flat=True):
        count += _withdraw(person, key, how, None) is not None
    return count


@transaction.atomic
def consent_text_publish(*, key: str, text_uk: str, text_en: str, actor) -> ConsentText:
    """A new version of a consent text, in force from now. People who agreed to an earlier version are asked to
    agree again on their consents page; their consent to the earlier version stays on record."""
    key = _key(key)
    if not text_uk.strip() or not text_en.strip():
        raise RightsRefused(_("Enter the text in Ukrainian and in English."))
    # Two versions published at once would share a number: the unique constraint refuses the second.
    latest = ConsentText.objects.filter(key=key).aggregate(latest=Max("version"))["latest"]
    text = ConsentText.objects.create(
        key=key, version=(latest or 0) + 1, text_uk=text_uk.strip(), text_en=text_en.strip(), published_at=clock.now()
    )
    record(
        actor=actor, action="privacy.consent_text_published", target=text, details={"key": key, "version": text.version}
    )
    return text
