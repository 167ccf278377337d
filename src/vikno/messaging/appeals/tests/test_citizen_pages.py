"""The citizen's pages: writing to an authority (errors in place, 400, never a 500), the confirmation, the list,
one appeal with its answer and files; nobody else's appeal is found."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.appeals import services
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.appeals.tests.conftest import disguised, moment, pdf, png, submit

pytestmark = pytest.mark.django_db

NEW = "/en/cabinet/appeals/new/"


@pytest.fixture
def browser(client, applicant):
    sign_in_citizen(client, applicant)
    return client


def errors(response) -> list[tuple[str, str]]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


def form(authority, **fields):
    return {
        "organisation": str(authority.pk),
        "kind": "inquiry",
        "subject": "Графік прийому",
        "text": "Коли я можу прийти на прийом?",
        "token": "a-form-token",
        **fields,
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, authority):
    for address in ("/cabinet/appeals/", "/cabinet/appeals/new/", f"/cabinet/appeals/{authority.pk}/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    response = client.post("/cabinet/appeals/new/", form(authority))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
    assert not Appeal.objects.exists()


def test_officials_do_not_write_as_citizens(client, officer, authority):
    sign_in_official(client, officer)
    assert client.get("/cabinet/appeals/new/").status_code == 403


def test_an_authority_page_can_link_straight_to_the_form(browser, authority):
    page = browser.get(f"{NEW}?organisation={authority.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<input type="hidden" name="organisation" value="{authority.pk}">' in html
    assert 'id="organisation-name">' + authority.name in html
    assert '<select class="govuk-select" id="organisation"' not in html
    assert "Шевченко Олена" in html  # who writes: appeals without a name are not considered
    # The character count works without JavaScript (the limit in words) and speaks the page's language with it.
    assert 'data-maxlength="5000"' in html
    assert (
        'id="text-info" class="govuk-hint govuk-character-count__message">You can enter up to 5,000 characters' in html
    )
    assert 'data-i18n.characters-under-limit.few="You have %{count} characters remaining"' in html


def test_without_an_authority_the_citizen_chooses_one(browser, authority):
    other = OrganisationFactory(name="Пенсійний фонд")
    nobody = uuid.uuid4()  # a well-formed id of no authority
    for address in (NEW, f"{NEW}?organisation=not-a-uuid", f"{NEW}?organisation={nobody}"):
        html = browser.get(address).content.decode()
        assert '<select class="govuk-select" id="organisation"' in html
        assert f'<option value="{authority.pk}">' in html and f'<option value="{other.pk}">' in html


def test_sending_registers_the_appeal_and_confirms_the_reference(browser, applicant, authority, received):
    response = browser.post(NEW, {**form(authority, fixed="1"), "files": [png(), pdf()]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/cabinet/appeals/{appeal.pk}/sent/"
    assert (appeal.citizen, appeal.organisation, appeal.kind) == (applicant, authority, "inquiry")
    assert appeal.attachments.count() == 2
    page = browser.get(response["Location"])
    html = page.content.decode()
    assert f'<strong id="reference">{appeal.reference}</strong>' in html
    assert "Wednesday, 1 April 2026" in html


def test_the_same_form_sent_twice_registers_one_appeal(browser, authority, received):
    first = browser.post(NEW, form(authority))
    second = browser.post(NEW, form(authority))
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": ""}, [("text", "Enter your appeal")]),
        ({"text": "я" * 5001}, [("text", "Your appeal must be 5,000 characters or fewer")]),
        ({"kind": "royal-decree"}, [("kind", "Choose what kind of appeal this is")]),
        (
            {"organisation": "00000000-0000-4000-8000-000000000000"},
            [("organisation", "Choose the authority you are writing to")],
        ),
        ({"organisation": "../../etc/passwd"}, [("organisation", "Choose the authority you are writing to")]),
        (
            {"organisation": "", "kind": "", "subject": "", "text": ""},
            [
                ("organisation", "Choose the authority you are writing to"),
                ("kind", "Choose what kind of appeal this is"),
                ("subject", "Enter a short summary of your appeal"),
                ("text", "Enter your appeal"),
            ],
        ),
    ],
)
def test_what_cannot_be_registered_comes_back_with_the_problems_in_place(browser, authority, fields, expected):
    response = browser.post(NEW, form(authority, **fields))
    assert response.status_code == 400
    assert errors(response) == expected
    html = response.content.decode()
    for anchor, message in expected:
        assert f'id="{anchor}-error"><span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    assert "<title>Error: Write to an authority" in html
    assert not Appeal.objects.exists()


def test_a_body_too_large_to_read_is_a_400_not_a_500(browser, authority, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = browser.post(NEW, form(authority, text="я" * 200_000))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_what_was_typed_is_kept_when_the_form_comes_back(browser, authority):
    response = browser.post(NEW, form(authority, subject="", text="Мій <b>текст</b>", fixed="1"))
    html = response.content.decode()
    assert "Мій &lt;b&gt;текст&lt;/b&gt;</textarea>" in html
    assert 'value="inquiry" aria-describedby="kind-inquiry-hint" checked' in html
    assert f'<input type="hidden" name="organisation" value="{authority.pk}">' in html


def test_a_disguised_file_is_refused_and_the_others_must_be_chosen_again(browser, authority):
    response = browser.post(NEW, {**form(authority), "files": [disguised()]})
    assert response.status_code == 400
    assert errors(response) == [("files", "“scan.pdf”: The file must be a PDF, JPG, PNG")]
    response = browser.post(NEW, {**form(authority, text=""), "files": [png()]})
    assert 'id="files-again"' in response.content.decode()
    assert not Appeal.objects.exists()


def queries(browser, address) -> int:
    with CaptureQueriesContext(connection) as context:
        assert browser.get(address).status_code == 200
    return len(context)


def test_the_list_shows_the_citizens_own_appeals_only(
    browser, applicant, authority, received, django_assert_num_queries
):
    mine = [submit(applicant, authority, subject="Питання 0")]
    with_one = queries(browser, "/en/cabinet/appeals/")
    mine += [submit(applicant, authority, subject=f"Питання {n}") for n in range(1, 6)]
    submit(citizen(), authority, subject="Чуже питання")
    with django_assert_num_queries(with_one):  # the appeals and their authorities in one query, however many
        response = browser.get("/en/cabinet/appeals/")
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(re.findall(r'id="appeal-([\d-]+)"', html)) == sorted(a.reference for a in mine)
    assert "Чуже питання" not in html
    assert "Complaint" in html and "Registered" in html and "1 April 2026" in html


def test_an_overdue_appeal_stands_out_in_the_list(browser, applicant, authority, received, at):
    submit(applicant, authority)
    at(moment(31))
    html = browser.get("/en/cabinet/appeals/").content.decode()
    assert "govuk-tag--red" in html and "Overdue" in html


def test_the_appeal_page_shows_the_status_the_extension_and_the_answer(
    browser, applicant, authority, supervisor, officer, received, at
):
    appeal = submit(applicant, authority, files=[png()])
    address = f"/en/cabinet/appeals/{appeal.pk}/"
    html = browser.get(address).content.decode()
    assert "Registered" in html and "Wednesday, 1 April 2026" in html and 'id="nothing-to-do"' in html
    at(moment(5))
    services.appeal_extend(appeal=appeal, official=supervisor, new_due_date=moment(45).date(), reason="Запит до архіву")
    html = browser.get(address).content.decode()
    assert 'id="extension"' in html and "Запит до архіву" in html and "16 April 2026" in html
    services.appeal_answer(appeal=appeal, official=officer, text="Ось відповідь.\nДругий рядок.", files=[pdf()])
    html = browser.get(address).content.decode()
    assert "Answered" in html
    assert 'id="answer">Ось відповідь.<br>Другий рядок.</p>' in html
    answer_file = appeal.attachments.get(part="answer")
    response = browser.get(f"/en/cabinet/appeals/{appeal.pk}/files/{answer_file.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_citizen_finds_neither_the_appeal_nor_its_files(client, applicant, authority, received):
    appeal = submit(applicant, authority, files=[png()])
    file = appeal.attachments.get()
    sign_in_citizen(client, citizen())
    for address in (
        f"/cabinet/appeals/{appeal.pk}/",
        f"/cabinet/appeals/{appeal.pk}/sent/",
        f"/cabinet/appeals/{appeal.pk}/files/{file.pk}/",
    ):
        assert client.get(address).status_code == 404


def test_the_owner_downloads_their_own_file(browser, applicant, authority, received):
    appeal = submit(applicant, authority, files=[png()])
    file = appeal.attachments.get()
    response = browser.get(f"/cabinet/appeals/{appeal.pk}/files/{file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert browser.get(f"/cabinet/appeals/{appeal.pk}/files/{appeal.pk}/").status_code == 404
