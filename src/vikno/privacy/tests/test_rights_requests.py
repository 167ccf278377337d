"""Requests to the data protection officer: filed once with a reference and the legal due date, in the officer's
queue soonest due first with overdue ones marked; answered or refused with reasons; nobody else's to see."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.core import reference
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess, DataSubjectRequest
from vikno.privacy.rights.constants import RequestKind, RequestState
from vikno.privacy.rights.exceptions import NotDataProtectionOfficer, RightsRefused
from vikno.privacy.rights.requests import data_request_refuse, data_request_submit
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    NOW,
    _private_files,
    applicant,
    at,
    authority,
    dpo,
    dpo_client,
    now,
    officer,
    other_authority,
    other_citizen,
    signed_in,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("backoffice:privacy-requests")


def test_a_correction_request_gets_a_reference_and_the_legal_due_date_and_the_person_is_told(signed_in, applicant, now):
    response = signed_in.post(
        reverse("privacy:correct"), {"form": "request", "request-text": "По батькові має бути Петрівна"}
    )

    filed = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:request", args=[filed.pk])
    assert reference.normalise(filed.reference) == filed.reference and filed.reference.startswith("26-")
    assert filed.kind == RequestKind.CORRECTION and filed.state == RequestState.RECEIVED
    assert filed.received_at == now
    assert filed.due_date == dt.date(2026, 7, 1)  # thirty calendar days
    notice = Notification.objects.get(event="privacy_request_received")
    assert notice.recipient == applicant and filed.reference in notice.title
    assert AuditRecord.objects.filter(action="privacy.request_received", object_id=str(filed.pk)).count() == 1
    page = signed_in.get(response["Location"]).content.decode()
    assert "По батькові має бути Петрівна" in page and filed.reference in page


def test_the_term_is_a_setting(settings, applicant, now):
    settings.PRIVACY_REQUEST_TERM_DAYS = 10
    assert data_request_submit(person=applicant, kind="erasure").due_date == dt.date(2026, 6, 11)


def test_asking_again_while_a_request_is_open_returns_it(applicant, now):
    first = data_request_submit(person=applicant, kind="erasure", text="Прошу видалити")
    again = data_request_submit(person=applicant, kind="erasure")
    assert first.pk == again.pk
    assert DataSubjectRequest.objects.count() == 1


@translation.override("en")
def test_bad_requests_are_refused_in_words(signed_in):
    empty = signed_in.post(reverse("privacy:correct"), {"form": "request", "request-text": "  "})
    assert empty.status_code == 400
    assert "Write what is wrong and what it should be." in empty.content.decode()
    too_long = signed_in.post(reverse("privacy:correct"), {"form": "request", "request-text": "x" * 5001})
    assert too_long.status_code == 400
    assert "5,000 characters or fewer" in too_long.content.decode()
    unknown = signed_in.post(reverse("privacy:correct"), {"form": "nonsense"})
    assert unknown.status_code == 400
    assert "Choose what you want to correct." in unknown.content.decode()
    unconfirmed = signed_in.post(reverse("privacy:erasure"), {"text": "Прошу"})
    assert unconfirmed.status_code == 400
    assert "Confirm that you understand your account will be closed" in unconfirmed.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_downloading_is_not_a_request_kind(applicant):
    with pytest.raises(RightsRefused):
        data_request_submit(person=applicant, kind="export")


def test_another_person_cannot_see_a_request(client, applicant, other_citizen, now):
    filed = data_request_submit(person=applicant, kind="erasure")
    sign_in_citizen(client, other_citizen)

    assert client.get(reverse("privacy:request", args=[filed.pk])).status_code == 404
    page = client.get(reverse("privacy:my-data")).content.decode()
    assert filed.reference not in page


def _requests(applicant, other_citizen, at):
    """Three requests received on different days (due 30 days later each)."""
    at(NOW - dt.timedelta(days=40))
    late = data_request_submit(person=applicant, kind="correction", text="Прізвище")
    at(NOW - dt.timedelta(days=5))
    soon = data_request_submit(person=other_citizen, kind="erasure")
    at(NOW - dt.timedelta(days=20))
    sooner = data_request_submit(person=applicant, kind="erasure")
    at(NOW)
    return late, sooner, soon


def test_the_queue_shows_open_requests_soonest_due_first_with_overdue_ones_marked(
    dpo_client, applicant, other_citizen, at, django_assert_num_queries
):
    late, sooner, soon = _requests(applicant, other_citizen, at)
    closed = data_request_submit(person=other_citizen, kind="correction", text="Адреса")
    DataSubjectRequest.objects.filter(pk=closed.pk).update(state=RequestState.REFUSED, handled_at=NOW)
    dpo_client.get(QUEUE)
    # session, user, role check, count, page of requests, inbox count in the menu.
    with django_assert_num_queries(6):
        response = dpo_client.get(QUEUE)

    assert response.status_code == 200
    page = response.content.decode()
    order = [page.index(f"row-{item.reference}") for item in (late, sooner, soon)]
    assert order == sorted(order)
    assert f"row-{closed.reference}" not in page
    overdue_row = page[page.index(f"row-{late.reference}") : page.index(f"row-{sooner.reference}")]
    assert "govuk-tag--red" in overdue_row
    assert "govuk-tag--red" not in page[page.index(f"row-{soon.reference}") :]
    everything = dpo_client.get(QUEUE, {"state": "all"}).content.decode()
    assert f"row-{closed.reference}" in everything
    assert everything.index(f"row-{soon.reference}") < everything.index(f"row-{closed.reference}")


@translation.override("en")
def test_a_bad_filter_is_a_400_in_words(dpo_client):
    response = dpo_client.get(reverse("backoffice:privacy-requests"), {"state": "everything"})
    assert response.status_code == 400
    assert "Choose one of the options in the list" in response.content.decode()


def test_officials_without_the_role_get_403_and_citizens_too(client, officer, applicant, now):
    filed = data_request_submit(person=applicant, kind="erasure")
    supervisor = official("boss@vikno.example", officer.organisation, Role.SUPERVISOR, Role.ORGANISATION_ADMIN)
    for person in (officer, supervisor):
        sign_in_official(client, person)
        assert client.get(QUEUE).status_code == 403
        assert client.get(reverse("backoffice:privacy-request", args=[filed.pk])).status_code == 403
        answer = client.post(
            reverse("backoffice:privacy-request", args=[filed.pk]), {"decision": "refuse", "answer": "Ні"}
        )
        assert answer.status_code == 403
    sign_in_citizen(client, applicant)
    assert client.get(QUEUE).status_code == 403
    filed.refresh_from_db()
    assert filed.state == RequestState.RECEIVED
    assert not DataAccess.objects.exists()


def test_opening_a_request_is_logged_for_the_person(dpo_client, dpo, applicant, now):
    filed = data_request_submit(person=applicant, kind="correction", text="Дата народження")
    response = dpo_client.get(reverse("backoffice:privacy-request", args=[filed.pk]))
    assert response.status_code == 200
    assert "Дата народження" in response.content.decode()
    [access] = DataAccess.objects.all()
    assert (access.official, access.subject, access.purpose) == (dpo, applicant, "data_subject_request")


def test_a_correction_is_answered_and_the_person_told(dpo_client, dpo, applicant, now):
    filed = data_request_submit(person=applicant, kind="correction", text="По батькові")
    url = reverse("backoffice:privacy-request", args=[filed.pk])

    response = dpo_client.post(url, {"decision": "complete", "answer": "Виправлено в реєстрі; зміни прийдуть з eID."})

    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.state, filed.handled_by, filed.handled_at) == (RequestState.COMPLETED, dpo, now)
    assert filed.answer == "Виправлено в реєстрі; зміни прийдуть з eID."
    assert Notification.objects.filter(recipient=applicant, event="privacy_request_answered").count() == 1
    assert AuditRecord.objects.filter(action="privacy.request_completed", actor=dpo).count() == 1
    again = dpo_client.post(url, {"decision": "refuse", "answer": "Ні"})
    assert again.status_code == 400
    filed.refresh_from_db()
    assert filed.state == RequestState.COMPLETED


@translation.override("en")
def test_a_refusal_needs_its_reasons_and_the_decision_must_fit_the_request(dpo_client, applicant, now):
    filed = data_request_submit(person=applicant, kind="erasure")
    url = reverse("backoffice:privacy-request", args=[filed.pk])

    no_reasons = dpo_client.post(url, {"decision": "refuse", "answer": " "})
    assert no_reasons.status_code == 400
    assert "Give the reasons for refusing" in no_reasons.content.decode()
    wrong = dpo_client.post(url, {"decision": "complete", "answer": "Готово"})
    assert wrong.status_code == 400
    assert "Choose a decision" in wrong.content.decode()
    filed.refresh_from_db()
    assert (
        filed.state == RequestState.RECEIVED
        and not Notification.objects.filter(event="privacy_request_answered").exists()
    )

    refused = dpo_client.post(url, {"decision": "refuse", "answer": "Ваша справа ще розглядається судом."})

    assert refused.status_code == 302
    filed.refresh_from_db()
    assert filed.state == RequestState.REFUSED and filed.answer == "Ваша справа ще розглядається судом."
    applicant.refresh_from_db()
    assert applicant.is_active and applicant.last_name == "Шевченко"  # nothing erased


def test_only_an_officer_answers(applicant, officer, now):
    filed = data_request_submit(person=applicant, kind="erasure")
    with pytest.raises(NotDataProtectionOfficer):
        data_request_refuse(request=filed, officer=officer, reasons="Ні")
    filed.refresh_from_db()
    assert filed.state == RequestState.RECEIVED
