"""The applicant's pages: start, one step at a time with errors in place, uploads, check, send once, cabinet."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from vikno.applications import services
from vikno.applications.models import Application
from vikno.applications.tests.factories import png_bytes
from vikno.applications.tests.test_services import filled
from vikno.identity.constants import Assurance
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, applicant):
    sign_in_citizen(client, applicant)
    return client


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def errors(response) -> list[str]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


def test_a_low_level_of_assurance_is_sent_to_step_up(client, applicant, service):
    sign_in_citizen(client, applicant, assurance=Assurance.LOW)
    response = client.get(reverse("applications:start", args=[service.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:step-up"))
    assert not Application.objects.exists()


def test_the_start_page_lists_the_documents_and_starting_makes_one_draft(browser, service):
    start = reverse("applications:start", args=[service.slug])
    page = browser.get(start)
    assert page.status_code == 200
    assert "Паспорт" in page.content.decode()
    first = browser.post(start)
    second = browser.post(start)
    application = Application.objects.get()
    assert first["Location"] == second["Location"] == step_url(application, "purpose")


def test_a_step_shows_field_errors_and_keeps_what_was_typed(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    with translation.override("en"):
        url = step_url(application, "about-you")
    response = browser.post(
        url,
        {"full_name": "", "birth_date-day": "31", "birth_date-month": "2", "birth_date-year": "1990", "rnokpp": "1234"},
    )
    assert response.status_code == 400
    assert errors(response) == [
        ("birth_date-day", "“Date of birth” must be a real date"),
    ]
    assert 'value="31"' in response.content.decode()
    response = browser.post(
        url,
        {"full_name": "", "birth_date-day": "1", "birth_date-month": "2", "birth_date-year": "1990", "rnokpp": "1234"},
    )
    assert response.status_code == 400
    assert errors(response) == [
        ("full_name", "Enter an answer to “Full name”"),
        ("rnokpp", "Enter a taxpayer number (RNOKPP) of 10 digits, as on your tax card"),
    ]
    application.refresh_from_db()
    assert application.answers["rnokpp"] == applicant.rnokpp
    assert application.answers["birth_date"] == "1988-03-14"


def test_an_empty_post_is_a_400_with_errors_not_a_500(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    response = browser.post(step_url(application, "purpose"), {})
    assert response.status_code == 400
    assert [anchor for anchor, _ in errors(response)] == ["purpose"]


def test_steps_move_on_and_conditions_show_their_step(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    response = browser.post(step_url(application, "purpose"), {"purpose": "other"})
    assert response["Location"] == step_url(application, "purpose-other")
    response = browser.post(step_url(application, "purpose"), {"purpose": "work"})
    assert response["Location"] == step_url(application, "about-you")
    assert browser.get(step_url(application, "purpose-other")).status_code == 404


def test_upload_then_remove_a_file(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    upload = SimpleUploadedFile("../../etc/паспорт.png", png_bytes(), content_type="application/pdf")
    response = browser.post(step_url(application, "passport"), {"passport": upload, "upload": "passport"})
    assert response.status_code == 200
    application.refresh_from_db()
    attachment = application.attachments.get()
    assert attachment.name == "паспорт.png"
    assert attachment.content_type == "image/png"
    assert application.answers["passport"] == [str(attachment.pk)]
    download = browser.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    browser.post(step_url(application, "passport"), {"remove-passport": str(attachment.pk)})
    application.refresh_from_db()
    assert "passport" not in application.answers
    assert not application.attachments.exists()


def test_a_disguised_file_gets_a_clear_error(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    upload = SimpleUploadedFile("scan.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
    response = browser.post(step_url(application, "passport"), {"passport": upload, "upload": "passport"})
    assert response.status_code == 400
    assert [anchor for anchor, _ in errors(response)] == ["passport"]
    assert not application.attachments.exists()


def test_check_declare_and_send_once(browser, applicant, service):
    application = filled(applicant, service)
    check = reverse("applications:check", args=[application.pk])
    page = browser.get(check)
    assert page.status_code == 200
    assert "Шевченко Олена Петрівна" in page.content.decode()
    refused = browser.post(check, {})
    assert refused.status_code == 400
    assert [anchor for anchor, _ in errors(refused)] == ["declaration"]
    first = browser.post(check, {"declaration": "yes"})
    second = browser.post(check, {"declaration": "yes"})
    sent = reverse("applications:submitted", args=[application.pk])
    assert first["Location"] == second["Location"] == sent
    application.refresh_from_db()
    assert Application.objects.count() == 1
    confirmation = browser.get(sent).content.decode()
    assert application.reference in confirmation
    cabinet = browser.get(reverse("applications:mine")).content.decode()
    assert application.reference in cabinet


def test_another_citizens_draft_is_not_found(client, applicant, service):
    application = filled(applicant, service)
    sign_in_citizen(client, citizen("Петро", "Іваненко"))
    urls = [
        step_url(application, "purpose"),
        reverse("applications:check", args=[application.pk]),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:withdraw", args=[application.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(step_url(application, "purpose"), {"purpose": "other"}).status_code == 404
    assert client.post(reverse("applications:check", args=[application.pk]), {"declaration": "yes"}).status_code == 404
    application.refresh_from_db()
    assert application.is_draft and application.answers["purpose"] == "work"


@pytest.mark.parametrize(
    ("step", "data", "anchor", "message"),
    [
        (
            "about-you",
            {"birth_date-day": "9" * 30, "birth_date-month": "1", "birth_date-year": "1990"},
            "birth_date-day",
            "“Date of birth” must be a real date",
        ),
        ("children", {"children": "1e400"}, "children", "“How many children do you have?” must be a number"),
        ("children", {"children": "9" * 5000}, "children", "“How many children do you have?” must be a number"),
        ("children", {"children": "-1"}, "children", "“How many children do you have?” must be 0 or more"),
        ("purpose", {"purpose": "nonsense"}, "purpose", "Select one of the options for “What do you need it for?”"),
        (
            "contact",
            {"phone": "12", "email": "not-an-address"},
            "phone",
            "Enter a phone number, like 067 123 45 67 or +380 67 123 45 67",
        ),
        (
            "address",
            {
                "address-locality": "Київ",
                "address-street": "Хрещатик",
                "address-building": "1",
                "address-postcode": "1",
            },
            "address-postcode",
            "Enter a postcode of five digits",
        ),
    ],
)
def test_bad_answers_get_a_clear_error_and_a_400(browser, applicant, service, step, data, anchor, message):
    application = services.application_start(applicant=applicant, service=service)
    before = dict(application.answers)
    with translation.override("en"):
        url = step_url(application, step)
    response = browser.post(url, data)
    assert response.status_code == 400
    assert errors(response)[0] == (anchor, message.replace("“", "“").replace("'", "&#x27;"))
    application.refresh_from_db()
    assert application.answers == before


def test_a_nul_character_anywhere_in_a_form_is_a_400_and_nothing_is_kept(browser, applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    before = dict(application.answers)
    response = browser.post(step_url(application, "about-you"), {"full_name": "Олена\x00", "rnokpp": applicant.rnokpp})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.answers == before


def test_a_request_left_open_asks_nothing_once_the_application_is_withdrawn(browser, applicant, service, officer):
    from vikno.applications import casework

    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    casework.case_transition(application=case, official=officer, transition_id="start_review", version=case.version)
    case.refresh_from_db()
    casework.case_transition(
        application=case, official=officer, transition_id="request_information", version=case.version, text="Скан."
    )
    detail = reverse("applications:detail", args=[case.pk])
    assert 'id="request-text"' in browser.get(detail).content.decode()
    assert browser.post(reverse("applications:withdraw", args=[case.pk]), {"reason": ""}).status_code == 302
    page = browser.get(detail).content.decode()
    assert 'id="request-text"' not in page
    refused = browser.post(detail, {"answer": "Ось скан."})
    assert refused.status_code == 404
    case.refresh_from_db()
    assert case.state == "withdrawn"
    assert case.information_requests.get().answered_at is None
