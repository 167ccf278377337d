"""The case page: the purpose asked first, one access-log line per look, what it shows, files, notes, assignment,
and nothing at all for an official of another organisation."""

import pytest

from vikno.applications import casework, services
from vikno.applications.models import Application, ApplicationEvent, CaseNote
from vikno.applications.tests.factories import png_bytes
from vikno.applications.tests.test_services import filled
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(applicant, service) -> Application:
    return services.application_submit(application=filled(applicant, service), actor=applicant)


def page(case) -> str:
    return f"/en/office/cases/{case.pk}/"


def file_url(case) -> str:
    return f"{page(case)}files/{case.attachments.get().pk}/"


def test_an_official_who_is_not_the_assignee_is_asked_why_first_and_nothing_is_logged(office, officer, case):
    response = office(officer).get(page(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why are you opening this case?" in html
    assert 'value="supervision"' in html and 'value="citizen_enquiry"' in html
    assert case.applicant.rnokpp not in html and "Шевченко" not in html
    assert not DataAccess.objects.exists()


@pytest.mark.parametrize("query", ["?purpose=", "?purpose=curiosity"])
def test_a_purpose_that_is_not_one_of_the_options_is_a_400(office, officer, case, query):
    response = office(officer).get(page(case) + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Choose why you are opening this case" in html
    assert 'href="#id_purpose"' in html
    assert not DataAccess.objects.exists()


def test_with_a_purpose_the_case_opens_and_each_look_is_logged(office, officer, case, authority):
    browser = office(officer)
    response = browser.get(page(case) + "?purpose=supervision")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert "Шевченко Олена" in html
    assert f'<dd class="govuk-summary-list__value" id="rnokpp">{case.applicant.rnokpp}</dd>' in html
    assert "Filed under version 1 of the service's rules" in html
    assert "Received" in html
    assert "10 working days left" in html
    assert "Хрещатик, 1" in html  # the answers
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.purpose) == (officer, case.applicant, "supervision")
    assert (access.object_type, access.object_id) == ("applications.application", str(case.pk))
    assert access.organisation == authority and access.role == "case_officer"
    browser.get(page(case) + "?purpose=citizen_enquiry")
    assert list(DataAccess.objects.order_by("id").values_list("purpose", flat=True)) == [
        "supervision",
        "citizen_enquiry",
    ]


def test_the_assignee_opens_the_case_for_processing_without_being_asked(office, officer, case):
    casework.case_assign(application=case, official=officer, assignee=officer, version=None)
    response = office(officer).get(page(case))
    assert response.status_code == 200
    assert "Why are you opening this case?" not in response.content.decode()
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.purpose) == (officer, case.applicant, "processing")


def test_an_unknown_case_is_not_found(office, officer):
    response = office(officer).get("/en/office/cases/7d2b8a8e-4a8e-4c57-9a0d-8b1e8f6b7e11/?purpose=supervision")
    assert response.status_code == 404


def test_an_official_of_another_organisation_gets_404_everywhere_and_changes_nothing(office, stranger, case):
    browser = office(stranger)
    version = case.version
    assert browser.get(page(case)).status_code == 404
    assert browser.get(page(case) + "?purpose=supervision").status_code == 404
    assert browser.get(file_url(case) + "?purpose=supervision").status_code == 404
    posts = {
        "notes/": {"text": "Чужа нотатка", "version": version},
        "assign/": {"assignee": "me", "version": version},
        "actions/start_review/": {"version": version},
        "actions/forward/": {"version": version, "organisation": str(stranger.organisation.pk)},
        "decision/confirm/": {"version": version},
        "decision/return/": {"version": version, "comment": "Ні"},
    }
    for address, data in posts.items():
        assert browser.post(page(case) + address, data).status_code == 404, address
    case.refresh_from_db()
    assert (case.state, case.version, case.assignee, case.organisation_id) == (
        "submitted",
        version,
        None,
        case.service.competent_authority_id,
    )
    assert not DataAccess.objects.exists()
    assert not CaseNote.objects.exists()
    assert list(ApplicationEvent.objects.values_list("kind", flat=True)) == ["submitted"]


def test_a_file_is_streamed_inline_as_found_at_upload_and_the_look_is_logged(office, officer, case):
    browser = office(officer)
    response = browser.get(file_url(case) + "?purpose=supervision")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("sandbox")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.purpose) == (officer, case.applicant, "supervision")


def test_a_file_without_a_purpose_sends_the_official_to_the_question(office, officer, case):
    response = office(officer).get(file_url(case))
    assert response.status_code == 302 and response["Location"] == page(case)
    assert not DataAccess.objects.exists()


def test_a_file_of_another_case_is_not_found_through_this_one(office, officer, case, service):
    other = services.application_submit(application=filled(citizen(), service), actor=case.applicant)
    address = f"{page(case)}files/{other.attachments.get().pk}/?purpose=supervision"
    assert office(officer).get(address).status_code == 404
    assert not DataAccess.objects.exists()


def test_the_case_page_links_the_documents_and_shows_internal_events(office, officer, second_officer, case):
    casework.case_assign(application=case, official=officer, assignee=second_officer, version=None)
    html = office(officer).get(page(case) + "?purpose=supervision").content.decode()
    attachment = case.attachments.get()
    assert f'href="{page(case)}files/{attachment.pk}/?purpose=supervision"' in html
    assert "passport.png" in html
    timeline = html[html.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert "Application submitted" in timeline
    assert "Assigned" in timeline and "Internal" in timeline and "Марія Бойко" in timeline


def test_a_note_is_kept_shown_to_officials_and_never_to_the_applicant(client, office, officer, case, applicant):
    browser = office(officer)
    response = browser.post(
        page(case) + "notes/",
        {"text": "Перевірити печатку на довідці", "version": case.version, "purpose": "supervision"},
    )
    assert response.status_code == 302
    assert response["Location"] == page(case) + "?purpose=supervision"
    note = CaseNote.objects.get()
    assert (note.author, note.text) == (officer, "Перевірити печатку на довідці")
    shown = browser.get(response["Location"]).content.decode()
    assert "Перевірити печатку на довідці" in shown
    assert "The note is added. Only officials see it." in shown
    citizen_browser = type(client)()
    sign_in_citizen(citizen_browser, applicant)
    own = citizen_browser.get(f"/en/cabinet/applications/{case.pk}/")
    assert own.status_code == 200
    assert case.reference in own.content.decode()
    assert "Перевірити печатку" not in own.content.decode()


def test_an_empty_note_is_a_400_and_nothing_is_kept(office, officer, case):
    response = office(officer).post(page(case) + "notes/", {"text": "  ", "purpose": "supervision"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#note-text"' in html and "Write the note" in html
    assert not CaseNote.objects.exists()


def test_claiming_and_assigning_a_case(office, officer, second_officer, case):
    browser = office(officer)
    response = browser.post(page(case) + "assign/", {"assignee": "me", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == officer
    response = browser.post(page(case) + "assign/", {"assignee": str(second_officer.pk), "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == second_officer
    assert "The case is assigned to Бойко Марія." in browser.get(response["Location"]).content.decode()


def test_assigning_to_someone_outside_the_organisation_is_a_400(office, officer, stranger, case):
    response = office(officer).post(page(case) + "assign/", {"assignee": str(stranger.pk), "version": case.version})
    assert response.status_code == 400
    assert "Choose who to assign the case to" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None
