"""The whole path in Chromium, with JavaScript on and off: a citizen applies (with an upload), an official asks for
more information, the citizen answers, the official approves, the citizen downloads the signed PDF and the
verification page accepts it; a changed PDF is refused. Zero axe-core violations, no policy violation and no
script error on each page of the way.

The citizen uses the Ukrainian pages (the default) and the official the English ones.
"""

import datetime as dt
import io
from urllib.parse import urlsplit

import pypdf
import pytest
from django.utils import dateformat, formats, timezone
from django.utils.translation import override
from playwright.sync_api import FilePayload, Page

from vikno.applications.models import Application
from vikno.applications.tests.browser_steps import (
    assert_page_is_clean,
    button,
    en,
    signed_in,
    submit,
    success_message,
    summary_rows,
    timeline,
    uk,
)
from vikno.applications.tests.factories import png_bytes
from vikno.documents import selectors as documents_selectors
from vikno.documents.tests.helpers import append_forged_text, flip_byte_in_content, text_of
from vikno.privacy.models import DataAccess
from vikno.web.tests.browser import open_page, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import FRONTEND_STARTED, CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH_DATE = dt.date(1988, 3, 14)
REQUEST_TEXT = "Додайте, будь ласка, довідку про зміну прізвища."
ANSWER_TEXT = "Довідку додаю."


def path_of(tab: Page) -> str:
    return urlsplit(tab.url).path


def long_date(day: dt.date, language: str) -> str:
    with override(language):
        return formats.date_format(day, "j E Y")


def date_as(value: dt.date | dt.datetime, pattern: str, language: str) -> str:
    """A date or a moment as a template's ``|date:pattern`` writes it in the language (and the portal's zone)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    with override(language):
        return dateformat.format(value, pattern)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_apply_ask_answer_approve_download_and_verify(
    page,  # noqa: F811
    chromium,  # noqa: F811
    portal_url,  # noqa: F811
    javascript,  # noqa: F811
    service,
    authority,
    applicant,
    officer,
    signing_pki,
    tasks_run_at_once,
):
    citizen_tab = page
    signed_in(citizen_tab, portal_url, applicant)
    citizen_watch = CspWatch(citizen_tab)

    # --- The citizen applies ------------------------------------------------------------------------------
    application = _apply(citizen_tab, citizen_watch, service, applicant, scripts=javascript)
    detail_path = f"/cabinet/applications/{application.pk}/"
    assert path_of(citizen_tab) == detail_path
    assert citizen_tab.locator("#status").inner_text() == "Отримано"
    assert timeline(citizen_tab) == [[uk("Application submitted")]]
    assert_page_is_clean(citizen_tab, citizen_watch)

    # --- The official starts the review and asks for more information -------------------------------------
    with open_page(chromium.browser, base_url=portal_url, javascript=javascript) as office_tab:
        signed_in(office_tab, portal_url, officer, as_official=True)
        office_watch = CspWatch(office_tab)
        case_path = _take_up_and_ask(office_tab, office_watch, application, applicant, officer)

        application.refresh_from_db()
        assert application.state == "awaiting_information"
        assert application.assignee == officer
        assert application.clock_stopped_on is not None
        asked = application.information_requests.get()
        assert (asked.text, asked.requested_by, asked.answered_at, asked.answer) == (REQUEST_TEXT, officer, None, "")

        # --- The citizen answers, with a file ----------------------------------------------------------------
        _answer(citizen_tab, citizen_watch, detail_path)
        application.refresh_from_db()
        assert application.state == "in_review"
        assert application.clock_stopped_on is None
        asked.refresh_from_db()
        assert asked.answer == ANSWER_TEXT
        assert asked.answered_at is not None
        assert [(a.name, a.content_type) for a in asked.attachments.all()] == [("dovidka.png", "image/png")]

        # --- The official reads the answer and approves: the signed result is issued at once ---------------
        visit(office_tab, f"/en{case_path}")
        assert office_tab.locator("#status").inner_text() == "Being considered"
        answered = office_tab.locator("#request-1")
        assert summary_rows(answered.locator(".govuk-summary-list")) == [
            (en("What is needed"), REQUEST_TEXT),
            (en("Answer by"), date_as(asked.due_date, "j E Y", "en")),
            (
                en("The applicant's answer"),
                f"{ANSWER_TEXT} | {date_as(asked.answered_at, 'j E Y, H:i', 'en')} | dovidka.png",
            ),
        ]
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, office_tab.locator("#action-approve"))
        assert success_message(office_tab) == en("Done: %(action)s", action="Approve")
        assert office_tab.locator("#status").inner_text() == "Approved"

        application.refresh_from_db()
        document = application.result_document
        assert (application.state, application.outcome) == ("approved", "approval")
        assert application.decided_at is not None
        assert document is not None
        assert (document.title, document.organisation, document.holder) == ("Довідка", authority, applicant)
        assert document.revoked_at is None
        issued = en(
            "Result issued: “%(title)s”, verification code %(code)s.", title="Довідка", code=document.display_code
        )
        assert office_tab.locator("#result").inner_text().startswith(issued)
        # Each of the six times the case page showed the applicant's data is in the log the applicant can read,
        # with its purpose; the page that asked for the purpose showed none.
        looks = DataAccess.objects.filter(subject=applicant).order_by("id")
        assert [(a.official, a.purpose, a.object_id) for a in looks] == [
            (officer, "processing", str(application.pk))
        ] * 6
        assert_page_is_clean(office_tab, office_watch)

    # --- The citizen sees the decision and downloads the signed PDF --------------------------------------
    visit(citizen_tab, detail_path)
    assert citizen_tab.locator("#status").inner_text() == "Погоджено"
    assert timeline(citizen_tab) == [
        [uk("Application submitted")],
        ["Розглядається"],
        [uk("More information requested"), REQUEST_TEXT],
        [uk("More information provided")],
        ["Погоджено"],
        [uk("Result issued")],
    ]
    assert citizen_tab.locator("#nothing-to-do").count() == 0
    assert citizen_tab.get_by_role("region", name=uk("You need to act")).count() == 0
    link = citizen_tab.locator("#result-link")
    assert link.inner_text() == uk("Download “%(title)s” (PDF, signed)", title="Довідка")
    code_note = uk("Anyone can check it on the verification page with the code %(code)s.", code=document.display_code)
    assert code_note in citizen_tab.locator("main").inner_text()
    assert_page_is_clean(citizen_tab, citizen_watch)

    with citizen_tab.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.failure() is None
    assert download.suggested_filename == f"{application.reference}.pdf"
    with open(download.path(), "rb") as handle:
        signed_pdf = handle.read()
    assert signed_pdf == documents_selectors.document_open(document=document)
    assert signed_pdf.startswith(b"%PDF-")
    assert f"за заявою {application.reference}" in text_of(signed_pdf)
    assert_page_is_clean(citizen_tab, citizen_watch)

    # --- The code on the citizen's page, and the file itself, check out; changed files do not ------------
    _verify(citizen_tab, citizen_watch, document, signed_pdf, authority)


def _apply(tab: Page, watch: CspWatch, service, applicant, *, scripts: bool) -> Application:
    """The citizen's way from the service's start page to the confirmation, in Ukrainian."""
    visit(tab, f"/services/{service.slug}/apply/")
    assert tab.locator("h1").inner_text() == service.title_uk
    # GOV.UK Frontend starts when the page may run scripts, and only then.
    assert tab.evaluate(FRONTEND_STARTED) is scripts
    assert "Паспорт" in tab.locator("main ul.govuk-list--bullet").inner_text()  # the documents to have ready
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Start now")))
    application = Application.objects.get()
    assert (application.applicant, application.service, application.state) == (applicant, service, "draft")
    steps = f"/applications/{application.pk}/steps"

    assert path_of(tab) == f"{steps}/purpose/"
    assert tab.locator("h1").inner_text() == "Для чого вам довідка?"
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")), status=400)  # nothing chosen: the error summary, not a new page
    summary = tab.locator(".govuk-error-summary")
    assert summary.get_by_role("link").get_attribute("href") == "#purpose"
    assert_page_is_clean(tab, watch)
    tab.get_by_label("Для роботи", exact=True).check()
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/about-you/"  # "purpose-other" is skipped: the purpose is not "other"
    # Prefilled from the eID: the citizen only checks it (and adds the middle name).
    assert tab.get_by_label("Повне ім'я", exact=True).input_value() == applicant.full_name
    assert tab.get_by_label("РНОКПП", exact=True).input_value() == applicant.rnokpp
    birth = tab.get_by_role("group", name="Дата народження")
    assert [birth.get_by_label(uk(part), exact=True).input_value() for part in ("Day", "Month", "Year")] == [
        "14",
        "3",
        "1988",
    ]
    assert_page_is_clean(tab, watch)
    tab.get_by_label("Повне ім'я", exact=True).fill("Шевченко Олена Петрівна")
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/children/"
    tab.get_by_label("Скільки у вас дітей?", exact=True).fill("2")
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/address/"
    for label, value in (
        ("Street", "Хрещатик"),
        ("Building", "1"),
        ("Apartment (optional)", "5"),
        ("City, town or village", "Київ"),
        ("Postcode", "01001"),
    ):
        tab.get_by_label(uk(label), exact=True).fill(value)
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/previous-names/"
    tab.get_by_label("Прізвище", exact=True).fill("Коваленко")
    tab.get_by_label("Рік зміни", exact=True).fill("2010")
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/contact/"
    assert tab.get_by_label("Електронна пошта", exact=True).input_value() == applicant.email
    tab.get_by_label("Телефон", exact=True).fill("067 123 45 67")  # written as at home; kept as +380…
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"{steps}/passport/"
    assert_page_is_clean(tab, watch)
    tab.get_by_label("Скан паспорта", exact=True).set_input_files(
        files=[FilePayload(name="passport.png", mimeType="image/png", buffer=png_bytes())]
    )
    submit(tab, button(tab, uk("Upload file")))
    assert path_of(tab) == f"{steps}/passport/"  # the same page, with the file listed
    listed = tab.locator("main .govuk-summary-list .govuk-summary-list__key")
    assert listed.all_inner_texts() == ["passport.png"]
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Continue")))

    assert path_of(tab) == f"/applications/{application.pk}/check/"
    assert tab.locator("h1").inner_text() == uk("Check your answers before sending your application")
    assert summary_rows(tab.locator("main .govuk-summary-list")) == [
        ("Для чого вам довідка?", "Для роботи"),
        ("Повне ім'я", "Шевченко Олена Петрівна"),
        ("Дата народження", long_date(BIRTH_DATE, "uk")),
        ("РНОКПП", applicant.rnokpp),
        ("Скільки у вас дітей?", "2"),
        ("Ваша адреса", "Хрещатик, 1, 5 | Київ | 01001"),
        ("Попереднє прізвище", "Коваленко; 2010"),
        ("Телефон", "+380671234567"),
        ("Електронна пошта", applicant.email),
        ("Скан паспорта", "passport.png"),
    ]
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Accept and send")), status=400)  # the declaration is not ticked yet
    assert tab.locator(".govuk-error-summary").get_by_role("link").get_attribute("href") == "#declaration"
    assert_page_is_clean(tab, watch)
    tab.get_by_label(
        uk(
            "I confirm that the information I gave is correct and complete, and I know that giving false "
            "information is an offence."
        ),
        exact=True,
    ).check()
    submit(tab, button(tab, uk("Accept and send")))

    assert path_of(tab) == f"/applications/{application.pk}/sent/"
    assert tab.locator("h1").inner_text() == uk("Application sent")
    reference = tab.locator("#reference").inner_text()
    application.refresh_from_db()
    assert reference == application.reference
    assert application.state == "submitted"
    assert application.submitted_at is not None
    passport = application.attachments.get()
    assert (passport.name, passport.content_type, passport.information_request) == ("passport.png", "image/png", None)
    assert application.answers == {
        "purpose": "work",
        "full_name": "Шевченко Олена Петрівна",
        "birth_date": "1988-03-14",
        "rnokpp": applicant.rnokpp,
        "children": 2,
        "address": {"street": "Хрещатик", "building": "1", "apartment": "5", "locality": "Київ", "postcode": "01001"},
        "previous_names": [{"name": "Коваленко", "year": 2010}],
        "phone": "+380671234567",
        "email": applicant.email,
        "passport": [str(passport.pk)],
    }
    assert_page_is_clean(tab, watch)
    submit(tab, tab.get_by_role("link", name=uk("Follow your application in your account")))
    return application


def _take_up_and_ask(tab: Page, watch: CspWatch, application: Application, applicant, officer) -> str:
    """The official finds the case in the queue, says why they open it, takes it, starts the review and asks
    for more information. Returns the case page's path (without the language prefix)."""
    assert application.due_date is not None
    with override("en"):
        service_title = application.service.title
    visit(tab, "/en/office/cases/")
    row = tab.locator(f"#row-{application.reference}")
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[1:] == [
        application.reference,
        service_title,
        applicant.full_name,
        "Received",
        date_as(application.due_date, "j E Y", "en"),
        en("Nobody yet"),
    ]
    assert_page_is_clean(tab, watch)

    case_path = f"/office/cases/{application.pk}/"
    submit(tab, row.get_by_role("link", name=application.reference, exact=True))
    assert path_of(tab) == f"/en{case_path}"
    assert tab.locator("h1").inner_text() == en("Why are you opening this case?")
    assert_page_is_clean(tab, watch)
    tab.get_by_label(en("Processing the application"), exact=True).check()
    submit(tab, button(tab, en("Open the case")))
    assert urlsplit(tab.url).query == "purpose=processing"
    assert tab.locator("#status").inner_text() == "Received"
    answers = dict(summary_rows(tab.locator("#answers")))
    assert answers["Full name"] == "Шевченко Олена Петрівна"
    assert answers["Passport scan"] == "passport.png"
    assert tab.locator("#documents").get_by_role("link").all_inner_texts() == ["passport.png"]
    assert_page_is_clean(tab, watch)

    submit(tab, tab.locator("#claim"))
    assert success_message(tab) == en("The case is assigned to %(name)s.", name=officer.full_name)
    assert tab.locator("#assignee-name").inner_text() == officer.full_name
    assert_page_is_clean(tab, watch)

    submit(tab, tab.locator("#action-start_review"))
    assert success_message(tab) == en("Done: %(action)s", action="Start review")
    assert tab.locator("#status").inner_text() == "Being considered"
    assert [b.strip() for b in tab.locator("form button[id^='action-']").all_inner_texts()] == [
        "Ask for more information",
        "Approve",
        "Refuse",
    ]
    assert_page_is_clean(tab, watch)

    tab.get_by_label(en("What the applicant needs to provide"), exact=True).fill(REQUEST_TEXT)
    submit(tab, tab.locator("#action-request_information"))
    assert success_message(tab) == en("Done: %(action)s", action="Ask for more information")
    assert tab.locator("#status").inner_text() == "Waiting for the applicant"
    assert tab.locator("#request-1").get_by_text(en("Not answered yet"), exact=True).count() == 1
    assert_page_is_clean(tab, watch)
    return case_path


def _answer(tab: Page, watch: CspWatch, detail_path: str) -> None:
    """The citizen sees the request on their application's page and answers it with a file."""
    visit(tab, detail_path)
    assert tab.locator("#status").inner_text() == "Очікує вашої відповіді"
    banner = tab.get_by_role("region", name=uk("You need to act"))
    assert banner.locator("#request-text").inner_text() == REQUEST_TEXT
    assert timeline(tab) == [
        [uk("Application submitted")],
        ["Розглядається"],
        [uk("More information requested"), REQUEST_TEXT],
    ]
    assert_page_is_clean(tab, watch)

    tab.get_by_label(uk("Your answer"), exact=True).fill(ANSWER_TEXT)
    tab.get_by_label(uk("Add files (optional)"), exact=True).set_input_files(
        files=[FilePayload(name="dovidka.png", mimeType="image/png", buffer=png_bytes())]
    )
    submit(tab, button(tab, uk("Send your answer")))
    assert path_of(tab) == detail_path
    assert tab.locator("#status").inner_text() == "Розглядається"
    assert tab.get_by_role("region", name=uk("You need to act")).count() == 0
    assert tab.locator("#nothing-to-do").inner_text() == uk(
        "You do not need to do anything now. We will tell you when the authority decides, or if it needs more from you."
    )
    assert timeline(tab)[-1] == [uk("More information provided")]
    assert_page_is_clean(tab, watch)


def _verify(tab: Page, watch: CspWatch, document, signed_pdf: bytes, authority) -> None:
    """The code opens the document's page; the file checks out; a changed file is refused."""
    issued = date_as(document.issued_at, "j E Y", "uk")
    submit(tab, tab.locator("main").get_by_role("link", name=uk("Check the document"), exact=True))
    assert path_of(tab) == f"/verify/{document.display_code}/"
    assert tab.locator("h1").inner_text() == uk("This document is valid")
    assert tab.locator(".govuk-body-l").inner_text() == uk(
        "Issued by %(organisation)s on %(date)s, and not revoked.", organisation=authority.name_uk, date=issued
    )
    assert_page_is_clean(tab, watch)

    submit(tab, tab.get_by_role("link", name=uk("Check the PDF file"), exact=True))
    assert path_of(tab) == "/verify/"
    assert_page_is_clean(tab, watch)
    _upload_for_checking(tab, signed_pdf, "signed.pdf")
    assert tab.locator(".govuk-panel__title").inner_text() == uk("Valid")
    assert tab.locator(".govuk-panel__body").inner_text() == uk(
        "Issued by %(organisation)s on %(date)s", organisation=authority.name_uk, date=issued
    )
    facts = dict(summary_rows(tab.locator("main .govuk-summary-list")))
    assert facts[uk("Verification code")] == document.display_code
    assert facts[uk("Issued by")] == f"{authority.name_uk} | {uk('EDRPOU code')} {authority.code}"
    assert_page_is_clean(tab, watch)

    # One byte changed inside the signed content: still a PDF that opens, but not the one that was sealed.
    flipped = flip_byte_in_content(signed_pdf)
    assert flipped != signed_pdf and len(flipped) == len(signed_pdf)
    assert len(pypdf.PdfReader(io.BytesIO(flipped)).pages) == 1
    # Text drawn over the page in an update saved after the seal (what a forger's PDF editor does).
    forged = append_forged_text(signed_pdf)
    assert forged.startswith(signed_pdf)  # the sealed revision is untouched; an update follows it
    for name, changed in (("flipped.pdf", flipped), ("forged.pdf", forged)):
        submit(tab, tab.get_by_role("link", name=uk("Check another document"), exact=True))
        _upload_for_checking(tab, changed, name)
        assert tab.locator("#result").inner_text().strip() == uk(
            "Not valid: the document was changed after it was signed"
        ), name
        assert tab.locator(".govuk-panel--confirmation").count() == 0
        assert authority.name_uk not in tab.locator("main").inner_text()
        assert_page_is_clean(tab, watch)


def _upload_for_checking(tab: Page, data: bytes, name: str) -> None:
    assert path_of(tab) == "/verify/"
    tab.get_by_label(uk("The document as a PDF file"), exact=True).set_input_files(
        files=[FilePayload(name=name, mimeType="application/pdf", buffer=data)]
    )
    submit(tab, button(tab, uk("Check the file")))
    assert path_of(tab) == "/verify/"
    assert tab.locator("h1").inner_text() == uk("Result of the check")
