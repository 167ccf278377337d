"""Asking a public question is agreeing to its publication: the form shows the words agreed to (the current
version of the text), and sending records the consent to that version, once, in the same transaction as the
question. A text replaced between showing the form and sending it is shown again, and nothing is kept."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape

from vikno.audit.models import AuditRecord
from vikno.messaging.feedback import services
from vikno.messaging.feedback.exceptions import FeedbackRefused
from vikno.messaging.feedback.models import PublicQuestion
from vikno.privacy.models import Consent, ConsentText
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, ConsentMethod

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
LATER = NOW + dt.timedelta(days=1)
KEY = ConsentKey.PUBLIC_QUESTIONS


@pytest.fixture
def now(at):
    at(NOW)
    return NOW


@pytest.fixture
def text_v1():
    return ConsentText.objects.get(key=KEY, version=1)


def _new(service, language: str = "uk") -> str:
    return f"{'/en' if language == 'en' else ''}/services/{service.slug}/questions/new/"


def rows(person) -> list[tuple]:
    return list(
        Consent.objects.filter(person=person, key=KEY)
        .order_by("given_at")
        .values_list("text__version", "given_at", "given_how", "withdrawn_at", "withdrawn_how")
    )


def given_records(person) -> list[dict]:
    return list(
        AuditRecord.objects.filter(actor=person, action="privacy.consent_given").values_list("details", flat=True)
    )


def test_the_form_shows_the_text_agreed_to_with_its_version(as_citizen, asker, service, text_v1):
    browser = as_citizen(asker)
    ukrainian = browser.get(_new(service)).content.decode()
    assert escape(text_v1.text_uk) in ukrainian
    assert '<input type="hidden" name="consent_version" value="1">' in ukrainian
    assert 'href="/cabinet/my-data/consents/"' in ukrainian  # where it can be withdrawn

    english = browser.get(_new(service, "en")).content.decode()
    assert escape(text_v1.text_en) in english
    assert escape(text_v1.text_uk) not in english
    assert "By sending your question, you agree to this" in english


def test_asking_records_the_consent_once_however_many_questions(as_citizen, asker, service, at, now):
    browser = as_citizen(asker)
    first = browser.post(_new(service), {"text": "Чи можна подати заяву за дитину?", "consent_version": "1"})
    assert first.status_code == 302

    assert rows(asker) == [(1, NOW, ConsentMethod.QUESTION_FORM, None, "")]
    assert given_records(asker) == [{"consent": KEY, "version": 1, "how": ConsentMethod.QUESTION_FORM}]

    at(LATER)
    second = browser.post(_new(service), {"text": "А скільки це коштує?", "consent_version": "1"})
    double_click = browser.post(_new(service), {"text": "А скільки це коштує?", "consent_version": "1"})

    assert (second.status_code, double_click.status_code) == (302, 302)
    assert PublicQuestion.objects.filter(asked_by=asker).count() == 2
    assert rows(asker) == [(1, NOW, ConsentMethod.QUESTION_FORM, None, "")]  # nothing new: already in force
    assert len(given_records(asker)) == 1


def test_asking_after_withdrawing_gives_the_consent_again(asker, service, at, now):
    services.question_ask(service=service, citizen=asker, text="Перше питання?")
    at(LATER)
    consents.consent_withdraw(person=asker, key=KEY)
    assert not PublicQuestion.objects.exists()  # the waiting question went with the consent

    services.question_ask(service=service, citizen=asker, text="Друге питання?")

    assert rows(asker) == [
        (1, NOW, ConsentMethod.QUESTION_FORM, LATER, ConsentMethod.CONSENTS_PAGE),
        (1, LATER, ConsentMethod.QUESTION_FORM, None, ""),
    ]
    assert PublicQuestion.objects.get().asked_text == "Друге питання?"


def test_a_text_replaced_after_the_form_was_shown_is_shown_again_and_nothing_is_kept(
    as_citizen, asker, service, editor, now
):
    browser = as_citizen(asker)
    assert '<input type="hidden" name="consent_version" value="1">' in browser.get(_new(service)).content.decode()
    v2 = consents.consent_text_publish(
        key=KEY, text_uk="Нова редакція згоди на оприлюднення.", text_en="The new wording.", actor=editor
    )

    stale = browser.post(_new(service), {"text": "Чи можна подати заяву за дитину?", "consent_version": "1"})

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Нова редакція згоди на оприлюднення." in page
    assert '<input type="hidden" name="consent_version" value="2">' in page
    assert "Чи можна подати заяву за дитину?" in page  # the question typed is kept in the form
    assert 'href="#consent"' in page  # the error summary points at the new text
    assert not PublicQuestion.objects.exists()
    assert not Consent.objects.filter(person=asker).exists()
    assert not AuditRecord.objects.filter(action="feedback.question_asked").exists()

    agreed = browser.post(_new(service), {"text": "Чи можна подати заяву за дитину?", "consent_version": "2"})

    assert agreed.status_code == 302
    assert rows(asker) == [(2, NOW, ConsentMethod.QUESTION_FORM, None, "")]
    assert Consent.objects.get(person=asker).text == v2


@pytest.mark.parametrize("version", ["", "abc", "99999999999999", "-1"])
def test_a_missing_or_malformed_version_is_the_current_one_or_a_conflict_never_a_500(
    as_citizen, asker, service, now, version
):
    browser = as_citizen(asker)
    response = browser.post(_new(service), {"text": "Питання?", "consent_version": version})
    if version == "-1":  # a number, but not the current version: shown the text again
        assert response.status_code == 409
        assert not PublicQuestion.objects.exists()
    else:
        assert response.status_code == 302
        assert rows(asker) == [(1, NOW, ConsentMethod.QUESTION_FORM, None, "")]


def test_the_question_and_the_consent_are_one_transaction(asker, service, now, monkeypatch):
    """The question's audit record fails after the consent was written: the consent is undone with it."""
    import vikno.messaging.feedback.services as feedback_services

    def audit_down(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(feedback_services, "record", audit_down)
    with pytest.raises(RuntimeError):
        services.question_ask(service=service, citizen=asker, text="Питання?")
    assert not Consent.objects.exists()
    assert not PublicQuestion.objects.exists()


def test_the_service_refuses_a_stale_version_in_words(asker, service, editor, now):
    consents.consent_text_publish(key=KEY, text_uk="Нова редакція.", text_en="New wording.", actor=editor)
    with pytest.raises(FeedbackRefused) as refused:
        services.question_ask(service=service, citizen=asker, text="Питання?", consent_version=1)
    assert refused.value.conflict is True
    assert not Consent.objects.exists()
