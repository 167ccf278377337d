"""Consents are recorded where identity asks for them: a new account (registered, or made at a first eID sign-in),
the notification settings, and STOP by SMS. Each is recorded once, to the current text, in the same transaction
as the change, with its audit record; doing the same again records nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from vikno.audit.models import AuditRecord
from vikno.identity import services
from vikno.identity.constants import Assurance
from vikno.identity.eid.client import VerifiedIdentity
from vikno.identity.models import User
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.privacy.models import Consent
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, ConsentMethod

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
LATER = NOW + dt.timedelta(hours=1)
PASSWORD = "correct horse battery staple"
EMAIL, SMS, NOTICE = ConsentKey.EMAIL_NOTIFICATIONS, ConsentKey.SMS_NOTIFICATIONS, ConsentKey.PRIVACY_NOTICE


@pytest.fixture
def now(at):
    at(NOW)
    return NOW


def rows(person) -> list[tuple]:
    """Every consent record of the person: what, which version, given when and how, withdrawn when and how."""
    return list(
        Consent.objects.filter(person=person)
        .order_by("key", "given_at")
        .values_list("key", "text__version", "given_at", "given_how", "withdrawn_at", "withdrawn_how")
    )


def consent_audit(person) -> list[tuple]:
    return sorted(
        (action, details["consent"], details["how"])
        for action, details in AuditRecord.objects.filter(
            actor=person, action__startswith="privacy.consent"
        ).values_list("action", "details")
    )


# --- A new account ------------------------------------------------------------------------------------------


def test_registering_acknowledges_the_privacy_notice_and_agrees_to_e_mail(client, now):
    page = client.get(reverse("identity:register")).content.decode()
    texts = consents.consent_texts_current()
    assert (
        escape(texts[NOTICE].text_uk) in page and escape(texts[EMAIL].text_uk) in page
    )  # what is agreed to is shown first
    assert escape(texts[SMS].text_uk) not in page

    response = client.post(
        reverse("identity:register"),
        {"given_name": "Олена", "family_name": "Шевченко", "email": "olena@example.org", "password": PASSWORD},
    )

    assert response.status_code == 302
    person = User.objects.get()
    assert rows(person) == [
        (EMAIL, 1, NOW, ConsentMethod.REGISTRATION, None, ""),
        (NOTICE, 1, NOW, ConsentMethod.REGISTRATION, None, ""),
    ]
    assert consent_audit(person) == [
        ("privacy.consent_given", EMAIL, ConsentMethod.REGISTRATION),
        ("privacy.consent_given", NOTICE, ConsentMethod.REGISTRATION),
    ]


def test_the_registration_page_shows_the_texts_in_english_on_the_english_page(client):
    with translation.override("en"):
        page = client.get(reverse("identity:register")).content.decode()
    texts = consents.consent_texts_current()
    assert escape(texts[NOTICE].text_en) in page and escape(texts[EMAIL].text_en) in page
    assert escape(texts[NOTICE].text_uk) not in page


def test_registering_a_taken_address_records_no_consent_for_anyone(client, now):
    owner = citizen(email="olena@example.org")
    client.post(
        reverse("identity:register"),
        {"given_name": "Хтось", "family_name": "Інший", "email": "olena@example.org", "password": PASSWORD},
    )
    assert User.objects.count() == 1
    assert rows(owner) == []
    assert not Consent.objects.exists()


def _identity(subject: str, **attributes) -> VerifiedIdentity:
    return VerifiedIdentity(
        provider="demo",
        issuer="https://eid.example.gov.ua",
        subject=subject,
        assurance=Assurance.HIGH,
        acr="http://eidas.europa.eu/LoA/high",
        attributes={"given_name": "Тарас", "family_name": "Бондар", **attributes},
    )


def test_a_first_eid_sign_in_records_the_new_accounts_consents_once(at, now):
    person = services.citizen_sign_in_with_eid(
        identity=_identity("t-1", email="taras@example.org"), provider_name="Дія", source_ip="203.0.113.5"
    )
    assert rows(person) == [
        (EMAIL, 1, NOW, ConsentMethod.REGISTRATION, None, ""),
        (NOTICE, 1, NOW, ConsentMethod.REGISTRATION, None, ""),
    ]
    assert set(
        AuditRecord.objects.filter(action="privacy.consent_given", actor=person).values_list("source_ip", flat=True)
    ) == {"203.0.113.5"}

    at(LATER)
    again = services.citizen_sign_in_with_eid(
        identity=_identity("t-1", email="taras@example.org"), provider_name="Дія", source_ip=None
    )

    assert again.pk == person.pk
    assert Consent.objects.count() == 2  # signing in again is not a new account: nothing more recorded
    assert AuditRecord.objects.filter(action__startswith="privacy.consent").count() == 2


def test_an_eid_sign_in_that_finds_an_existing_account_records_no_consent(now):
    existing = citizen("Тарас", "Бондар")
    person = services.citizen_sign_in_with_eid(
        identity=_identity("t-2", rnokpp=existing.rnokpp), provider_name="Дія", source_ip=None
    )
    assert person.pk == existing.pk
    assert not Consent.objects.exists()


# --- The notification settings ------------------------------------------------------------------------------


@pytest.fixture
def person():
    return citizen(email="olena@example.org", phone="+380501112233")


def _save_settings(client, *, email: bool, sms: bool):
    data = {"language": "uk"}
    if email:
        data["notify_by_email"] = "on"
    if sms:
        data["notify_by_sms"] = "on"
    response = client.post(reverse("identity:notifications"), data)
    assert response.status_code == 302, response.content.decode()


def test_the_notification_settings_give_and_withdraw_the_consents_they_change(client, person, at, now):
    sign_in_citizen(client, person)

    _save_settings(client, email=True, sms=True)
    assert rows(person) == [
        (EMAIL, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, None, ""),
        (SMS, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, None, ""),
    ]

    at(LATER)
    _save_settings(client, email=True, sms=True)  # saved again unchanged: nothing new
    assert Consent.objects.count() == 2

    _save_settings(client, email=True, sms=False)
    assert rows(person) == [
        (EMAIL, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, None, ""),
        (SMS, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, LATER, ConsentMethod.NOTIFICATION_SETTINGS),
    ]
    assert consent_audit(person) == [
        ("privacy.consent_given", EMAIL, ConsentMethod.NOTIFICATION_SETTINGS),
        ("privacy.consent_given", SMS, ConsentMethod.NOTIFICATION_SETTINGS),
        ("privacy.consent_withdrawn", SMS, ConsentMethod.NOTIFICATION_SETTINGS),
    ]


def test_a_change_on_the_consents_page_is_recorded_as_made_there_only(client, person, now):
    """The consents page turns the channel on through the notification settings' service: one record, its own."""
    consents.consent_give(person=person, key=SMS)
    assert rows(person) == [(SMS, 1, NOW, ConsentMethod.CONSENTS_PAGE, None, "")]
    person.refresh_from_db()
    assert person.notify_by_sms is True


def test_the_consent_and_the_settings_change_are_one_transaction(person, now, monkeypatch):
    """The consent's audit record fails after the consent row was written: the settings change is undone too."""

    def audit_down(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(consents, "record", audit_down)
    with pytest.raises(RuntimeError):
        services.notification_preferences_set(user=person, by_email=True, by_sms=True, language="uk", source_ip=None)
    person.refresh_from_db()
    assert person.notify_by_sms is False
    assert not Consent.objects.exists()
    assert not AuditRecord.objects.filter(action="identity.notification_preferences_changed").exists()


# --- STOP by SMS ------------------------------------------------------------------------------------------


def test_stop_by_sms_withdraws_the_sms_consent_of_each_account_with_the_number(person, at, now):
    second = citizen("Петро", "Шевченко", email="petro@example.org", phone="+380501112233")
    other_number = citizen("Іра", "Коваль", phone="+380671234567")
    for someone in (person, second, other_number):
        services.notification_preferences_set(
            user=someone, by_email=bool(someone.email), by_sms=True, language="uk", source_ip=None
        )
    at(LATER)

    assert services.sms_stopped(phone_number="+380501112233") == 2

    for someone in (person, second):
        someone.refresh_from_db()
        assert someone.notify_by_sms is False
        assert rows(someone) == [
            (EMAIL, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, None, ""),  # e-mail is not STOP's business
            (SMS, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, LATER, ConsentMethod.SMS_STOP),
        ]
        assert (
            AuditRecord.objects.filter(
                actor=someone, action="privacy.consent_withdrawn", details__how=ConsentMethod.SMS_STOP
            ).count()
            == 1
        )
    assert rows(other_number) == [(SMS, 1, NOW, ConsentMethod.NOTIFICATION_SETTINGS, None, "")]

    # STOP again: nobody chose SMS any more, so nothing changes and nothing is recorded.
    records = AuditRecord.objects.count()
    assert services.sms_stopped(phone_number="+380501112233") == 0
    assert AuditRecord.objects.count() == records
    assert Consent.objects.filter(withdrawn_how=ConsentMethod.SMS_STOP).count() == 2
