"""Consents: the page lists each with its version and dates; withdrawing takes effect and keeps the record;
giving again records the current version; the privacy notice is read, never withdrawn; bad input is a 400."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import pytest
from django.urls import reverse
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.identity.models import User
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.models import Delivery
from vikno.privacy.models import Consent, ConsentText
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, ConsentMethod
from vikno.privacy.rights.exceptions import RightsRefused
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    _private_files,
    applicant,
    at,
    authority,
    definition,
    now,
    other_citizen,
    service,
    signed_in,
    told,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("privacy:consents")


def test_the_texts_the_portal_needs_are_published_in_both_languages():
    texts = {text.key: text for text in ConsentText.objects.all()}
    assert set(texts) == set(ConsentKey.values)
    for text in texts.values():
        assert text.version == 1
        assert text.text_uk and text.text_en and text.text_uk != text.text_en


def test_withdrawing_sms_turns_sms_off_and_keeps_the_record_then_giving_again_records_a_new_one(
    signed_in, applicant, now
):
    consents.consent_give(person=applicant, key=ConsentKey.SMS_NOTIFICATIONS)
    applicant.refresh_from_db()
    assert applicant.notify_by_sms is True

    response = signed_in.post(PAGE, {"key": "sms_notifications", "action": "withdraw"})

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.notify_by_sms is False
    [withdrawn] = Consent.objects.filter(person=applicant, key=ConsentKey.SMS_NOTIFICATIONS)
    assert withdrawn.withdrawn_at == now
    assert withdrawn.withdrawn_how == ConsentMethod.CONSENTS_PAGE
    assert withdrawn.text.version == 1
    # It takes effect: the next notification goes to the inbox and by e-mail, not by SMS.
    told(applicant)
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]

    signed_in.post(PAGE, {"key": "sms_notifications", "action": "give"})

    rows = Consent.objects.filter(person=applicant, key=ConsentKey.SMS_NOTIFICATIONS).order_by("given_at", "pk")
    assert rows.count() == 2
    assert rows.filter(withdrawn_at__isnull=True).get().given_how == ConsentMethod.CONSENTS_PAGE
    applicant.refresh_from_db()
    assert applicant.notify_by_sms is True
    actions = list(AuditRecord.objects.filter(action__startswith="privacy.consent").values_list("action", flat=True))
    assert sorted(actions) == ["privacy.consent_given", "privacy.consent_given", "privacy.consent_withdrawn"]


def test_giving_twice_is_one_consent(applicant, now):
    first = consents.consent_give(person=applicant, key=ConsentKey.EMAIL_NOTIFICATIONS)
    again = consents.consent_give(person=applicant, key=ConsentKey.EMAIL_NOTIFICATIONS)
    assert first.pk == again.pk
    assert Consent.objects.filter(person=applicant).count() == 1


def test_a_new_version_of_a_text_is_agreed_to_again_and_the_old_consent_stays_on_record(applicant, at, now):
    old = consents.consent_give(person=applicant, key=ConsentKey.PUBLIC_QUESTIONS)
    text = consents.consent_text_publish(
        key=ConsentKey.PUBLIC_QUESTIONS, text_uk="Нова редакція.", text_en="New wording.", actor=None
    )
    assert text.version == 2
    [row] = [row for row in consents.consent_rows(person=applicant) if row.key == ConsentKey.PUBLIC_QUESTIONS]
    assert row.outdated

    new = consents.consent_give(person=applicant, key=ConsentKey.PUBLIC_QUESTIONS)

    old.refresh_from_db()
    assert old.withdrawn_at == now and new.text == text and new.withdrawn_at is None
    assert not next(r for r in consents.consent_rows(person=applicant) if r.key == ConsentKey.PUBLIC_QUESTIONS).outdated


def test_the_page_lists_each_consent_with_its_version_and_dates(signed_in, applicant, now):
    consents.consent_give(person=applicant, key=ConsentKey.PRIVACY_NOTICE, how=ConsentMethod.REGISTRATION)
    with translation.override("en"):
        response = signed_in.get(reverse("privacy:consents"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Version 1, in force since" in page
    assert "when the account was created" in page
    assert 'id="withdraw-privacy_notice"' not in page  # read, never withdrawn
    assert 'id="give-sms_notifications"' in page


@translation.override("en")
def test_the_privacy_notice_cannot_be_withdrawn_and_unknown_keys_are_refused_in_words(signed_in, applicant):
    consents.consent_give(person=applicant, key=ConsentKey.PRIVACY_NOTICE)
    refused = signed_in.post(reverse("privacy:consents"), {"key": "privacy_notice", "action": "withdraw"})
    assert refused.status_code == 400
    assert "is not a consent that can be withdrawn" in refused.content.decode()
    assert Consent.objects.get(person=applicant).withdrawn_at is None

    unknown = signed_in.post(reverse("privacy:consents"), {"key": "marketing", "action": "give"})
    assert unknown.status_code == 400
    assert "Choose one of the consents on the page." in unknown.content.decode()
    bad_action = signed_in.post(reverse("privacy:consents"), {"key": "sms_notifications", "action": "maybe"})
    assert bad_action.status_code == 400
    assert not Consent.objects.filter(key=ConsentKey.SMS_NOTIFICATIONS).exists()


def test_the_error_is_translated_into_ukrainian(signed_in):
    response = signed_in.post("/cabinet/my-data/consents/", {"key": "marketing", "action": "give"})
    assert response.status_code == 400
    assert "Оберіть одну зі згод на сторінці." in response.content.decode()


def test_sms_cannot_be_agreed_to_without_a_phone(other_citizen):
    User.objects.filter(pk=other_citizen.pk).update(phone="")
    other_citizen.refresh_from_db()
    with pytest.raises(RightsRefused):
        consents.consent_give(person=other_citizen, key=ConsentKey.SMS_NOTIFICATIONS)
    assert not Consent.objects.exists()


def test_withdrawing_publication_removes_waiting_questions_and_unlinks_published_ones(applicant, service, now):
    waiting = PublicQuestion.objects.create(
        service=service, asked_by=applicant, asked_text="Мій телефон 067…", text="?"
    )
    published = PublicQuestion.objects.create(
        service=service,
        asked_by=applicant,
        asked_text="Я Олена, чи потрібен паспорт?",
        text="Чи потрібен паспорт?",
        answer="Так.",
        state=QuestionState.PUBLISHED,
        published_at=now,
    )
    consents.consent_give(person=applicant, key=ConsentKey.PUBLIC_QUESTIONS)

    consents.consent_withdraw(person=applicant, key=ConsentKey.PUBLIC_QUESTIONS)

    assert not PublicQuestion.objects.filter(pk=waiting.pk).exists()
    published.refresh_from_db()
    assert published.asked_by is None
    assert published.asked_text == "Чи потрібен паспорт?"
    assert published.state == QuestionState.PUBLISHED


def test_the_channels_chosen_elsewhere_are_recorded_as_consents(applicant, now):
    User.objects.filter(pk=applicant.pk).update(notify_by_email=True, notify_by_sms=True)
    applicant.refresh_from_db()

    consents.consents_sync_channels(person=applicant, how=ConsentMethod.NOTIFICATION_SETTINGS)
    consents.consents_sync_channels(person=applicant, how=ConsentMethod.NOTIFICATION_SETTINGS)

    in_force = consents.consents_in_force(person=applicant)
    assert set(in_force) == {ConsentKey.EMAIL_NOTIFICATIONS, ConsentKey.SMS_NOTIFICATIONS}
    assert Consent.objects.count() == 2

    User.objects.filter(pk=applicant.pk).update(notify_by_sms=False)
    applicant.refresh_from_db()
    consents.consents_sync_channels(person=applicant, how=ConsentMethod.SMS_STOP)

    sms = Consent.objects.get(key=ConsentKey.SMS_NOTIFICATIONS)
    assert sms.withdrawn_at == now and sms.withdrawn_how == ConsentMethod.SMS_STOP


def test_the_consents_page_reads_a_fixed_number_of_queries(signed_in, applicant, django_assert_num_queries, now):
    for key in (ConsentKey.PRIVACY_NOTICE, ConsentKey.EMAIL_NOTIFICATIONS, ConsentKey.PUBLIC_QUESTIONS):
        consents.consent_give(person=applicant, key=key)
    consents.consent_withdraw(person=applicant, key=ConsentKey.PUBLIC_QUESTIONS)
    signed_in.get(PAGE)  # the session is warm
    # session, user, texts, consents in force, history, and the inbox count in the menu.
    with django_assert_num_queries(6):
        response = signed_in.get(PAGE)
    assert response.status_code == 200


def test_a_new_version_is_published_from_the_admin_for_the_platform_admin(client, now):
    from vikno.identity.tests.factories import platform_admin
    from vikno.identity.tests.helpers import sign_in_official

    sign_in_official(client, platform_admin())
    response = client.post(
        reverse("admin:privacy_consenttext_add"),
        {"key": "sms_notifications", "text_uk": "Друга редакція.", "text_en": "Second wording."},
    )
    assert response.status_code == 302
    latest = ConsentText.objects.filter(key="sms_notifications").order_by("-version").first()
    assert (latest.version, latest.text_en, latest.published_at) == (2, "Second wording.", now)
    assert AuditRecord.objects.filter(action="privacy.consent_text_published").count() == 1
