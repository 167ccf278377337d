"""Messages on an application: the applicant and the authority write to each other on the case, with files; unread
counts on both sides; what the applicant was told, with each delivery's state, on the case page."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vikno.applications import notices, services
from vikno.applications.exceptions import ActionRefused
from vikno.applications.models import Application
from vikno.applications.tests.factories import pdf_bytes, png_bytes
from vikno.applications.tests.test_services import filled
from vikno.applications.uploads import UploadRefused
from vikno.audit.models import AuditRecord
from vikno.backoffice.tests.cases import NOW, case_row
from vikno.core import clock
from vikno.core.storage import private_storage
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging import conversations
from vikno.messaging.constants import DeliveryState
from vikno.messaging.models import ApplicationMessage, Delivery, MessageAttachment, Notification
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100  # a Windows program's first bytes


@pytest.fixture(autouse=True)
def _wednesday(at):
    at(NOW)


def upload(name: str = "scan.png", data: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type=content_type)


@pytest.fixture
def case(applicant, service) -> Application:
    applicant.language = "en"
    applicant.save()
    return services.application_submit(application=filled(applicant, service), actor=applicant)


@pytest.fixture
def cabinet(applicant) -> Client:
    browser = Client()
    sign_in_citizen(browser, applicant)
    return browser


def office(user) -> Client:
    browser = Client()
    sign_in_official(browser, user)
    return browser


def page(case) -> str:
    return f"/en/cabinet/applications/{case.pk}/"


def case_page(case) -> str:
    return f"/en/office/cases/{case.pk}/"


def error_summary(response) -> list[tuple[str, str]]:
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', found.group(1)) if found else []


def section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


# --- The services ----------------------------------------------------------------------------------------


def test_the_applicant_writes_the_officials_see_it_unread_until_one_of_them_opens_the_case(
    case, applicant, officer, second_officer
):
    key = uuid.uuid4()
    message = conversations.message_send_by_citizen(
        application=case,
        citizen=applicant,
        text="  Чи потрібна копія паспорта?\r\nДякую  ",
        files=[upload("копія.pdf", pdf_bytes(), "application/pdf")],
        request_key=key,
        source_ip="203.0.113.7",
    )
    assert (message.side, message.author, message.organisation, message.text) == (
        "citizen",
        applicant,
        None,
        "Чи потрібна копія паспорта?\nДякую",
    )
    assert message.read_by_authority_at is None and message.read_by_citizen_at is None
    (file,) = message.attachments.all()
    assert (file.name, file.content_type, file.size) == ("копія.pdf", "application/pdf", len(pdf_bytes()))
    assert private_storage().open(file.file).read() == pdf_bytes()
    audit = AuditRecord.objects.get(action="messaging.message_sent")
    assert (audit.actor, audit.object_id, audit.source_ip) == (applicant, str(message.pk), "203.0.113.7")
    assert audit.details == {"application": str(case.pk), "side": "citizen", "files": 1}
    # Nobody is notified of their own message: the only notification is the one about the submission.
    assert list(Notification.objects.values_list("event", flat=True)) == ["application_submitted"]
    assert conversations.unread_count_for_authority(official=officer, application=case) == 1
    assert conversations.unread_count_for_authority(official=second_officer, application=case) == 1
    assert conversations.unread_count_for_citizen(citizen=applicant, application=case) == 0

    assert conversations.messages_mark_read_by_authority(official=officer, application=case) == 1
    assert conversations.unread_count_for_authority(official=second_officer, application=case) == 0
    message.refresh_from_db()
    assert message.read_by_official == officer and message.read_by_authority_at == clock.now()
    assert message.read_by_citizen_at is None


def test_an_official_answers_in_the_organisations_name_and_the_applicant_is_told_once(
    case, applicant, officer, authority, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks() as enqueued:
        first = conversations.message_send_by_official(
            application=case, official=officer, text="Копія не потрібна.", request_key=key
        )
        # The same form again (a retried request, a double click): the same message, told once.
        again = conversations.message_send_by_official(
            application=case, official=officer, text="Копія не потрібна.", request_key=key
        )
    assert again == first
    assert ApplicationMessage.objects.count() == 1
    assert (first.side, first.author, first.organisation) == ("authority", officer, authority)
    told = Notification.objects.get(event="message_received")
    assert told.recipient == applicant
    assert told.key == f"application:{case.pk}:message:{first.pk}"
    assert (told.subject_type, told.subject_id) == ("application", str(case.pk))
    assert told.url == f"/en/cabinet/applications/{case.pk}/"
    assert told.title == f"New message about application {case.reference}"
    with translation.override("en"):  # the applicant reads English
        assert told.body == (
            f"{authority.name} wrote to you about your application for “{case.service.title}”.\n\n"
            "Read the message and answer it in your account."
        )
    assert list(told.deliveries.values_list("channel", "to")) == [("email", "olena@example.com")]
    assert len(enqueued) == 1  # one e-mail handed to the workers once the message is saved
    assert AuditRecord.objects.filter(action="messaging.message_sent").count() == 1
    assert conversations.unread_count_for_citizen(citizen=applicant, application=case) == 1
    assert conversations.unread_count_for_authority(official=officer, application=case) == 0

    second = conversations.message_send_by_official(application=case, official=officer, text="І ще одне.")
    assert Notification.objects.filter(event="message_received").count() == 2
    assert conversations.unread_count_for_citizen(citizen=applicant, application=case) == 2
    assert conversations.messages_mark_read_by_citizen(citizen=applicant, application=case) == 2
    assert conversations.unread_count_for_citizen(citizen=applicant, application=case) == 0
    second.refresh_from_db()
    assert second.read_by_citizen_at == clock.now()


def test_only_the_applicant_and_officials_of_the_organisation_may_write_or_read(
    case, applicant, officer, stranger, supervisor
):
    other = citizen("Петро", "Іваненко")
    with pytest.raises(ActionRefused):
        conversations.message_send_by_citizen(application=case, citizen=other, text="Чуже")
    with pytest.raises(ActionRefused):
        conversations.message_send_by_official(application=case, official=stranger, text="Чуже")
    assert not ApplicationMessage.objects.exists()
    conversations.message_send_by_official(application=case, official=supervisor, text="Від керівника")
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="Від заявника")
    assert [m.text for m in conversations.messages_for_application(application=case, reader=applicant)] == [
        "Від керівника",
        "Від заявника",
    ]
    assert len(conversations.messages_for_application(application=case, reader=officer)) == 2
    assert list(conversations.messages_for_application(application=case, reader=other)) == []
    assert list(conversations.messages_for_application(application=case, reader=stranger)) == []
    assert conversations.messages_mark_read_by_authority(official=stranger, application=case) == 0
    assert conversations.messages_mark_read_by_citizen(citizen=other, application=case) == 0
    assert conversations.unread_count_for_authority(official=stranger, application=case) == 0


@translation.override("en")
def test_a_draft_has_no_conversation(applicant, service):
    draft = filled(applicant, service)
    with pytest.raises(ActionRefused) as refused:
        conversations.message_send_by_citizen(application=draft, citizen=applicant, text="Питання")
    assert refused.value.message == "Send your application first. You can write to the authority once it is sent."
    assert not ApplicationMessage.objects.exists()


@translation.override("en")
@pytest.mark.parametrize(
    ("text", "files", "error", "message"),
    [
        ("", [], ActionRefused, "Write a message or attach a file"),
        (" \r\n\t ", [], ActionRefused, "Write a message or attach a file"),
        ("я" * 5001, [], ActionRefused, "The message must be 5,000 characters or fewer"),
        ("Файл", [upload("report.pdf", EXE, "application/pdf")], UploadRefused, "The file must be a PDF, JPG, PNG"),
        ("Файл", [upload("empty.png", b"")], UploadRefused, "The file is empty"),
        ("Файли", [upload() for _ in range(6)], UploadRefused, "You can attach no more than 5 files to a message."),
    ],
)
def test_bad_messages_are_refused_with_a_reason_and_nothing_is_kept(
    case, applicant, officer, text, files, error, message
):
    for send in (
        lambda: conversations.message_send_by_citizen(application=case, citizen=applicant, text=text, files=files),
        lambda: conversations.message_send_by_official(application=case, official=officer, text=text, files=files),
    ):
        for file in files:
            file.seek(0)
        with pytest.raises(error) as refused:
            send()
        assert (refused.value.message if error is ActionRefused else str(refused.value)) == message
    assert not ApplicationMessage.objects.exists() and not MessageAttachment.objects.exists()
    assert not AuditRecord.objects.filter(action="messaging.message_sent").exists()


def test_exactly_the_longest_message_is_kept(case, applicant):
    message = conversations.message_send_by_citizen(application=case, citizen=applicant, text="я" * 5000)
    assert len(message.text) == 5000


@translation.override("en")
def test_the_applicants_files_in_messages_are_limited_like_an_applications(case, applicant, officer, settings):
    settings.VIKNO_UPLOAD_MAX_FILES = 3
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="", files=[upload(), upload()])
    with pytest.raises(UploadRefused) as refused:
        conversations.message_send_by_citizen(application=case, citizen=applicant, text="", files=[upload(), upload()])
    assert str(refused.value) == "You can send no more than 3 files in the messages on one application."
    assert MessageAttachment.objects.count() == 2
    settings.VIKNO_UPLOAD_MAX_BYTES = 50
    with pytest.raises(UploadRefused) as too_big:
        conversations.message_send_by_official(application=case, official=officer, text="", files=[upload()])
    assert str(too_big.value) == "The file must be smaller than 50\xa0bytes"


def test_files_are_kept_privately_under_random_names(case, applicant, settings):
    message = conversations.message_send_by_citizen(
        application=case, citizen=applicant, text="", files=[upload("../../etc/passwd.png")]
    )
    file = message.attachments.get()
    assert file.name == "passwd.png"
    assert re.fullmatch(rf"messages/{case.pk.hex}/[0-9a-f]{{32}}\.png", file.file)
    stored = settings.VIKNO_PRIVATE_STORAGE_DIR / file.file
    assert stored.exists()
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        if public:
            assert not str(stored.resolve()).startswith(str(public))


# --- The applicant's pages -------------------------------------------------------------------------------


def test_the_applicant_writes_from_the_application_page_and_reads_the_answer(case, applicant, officer, cabinet):
    response = cabinet.post(
        page(case) + "messages/",
        {"text": "Коли буде рішення?", "key": str(uuid.uuid4()), "message_files": [upload("фото.png")]},
    )
    assert response.status_code == 302
    assert response["Location"] == page(case) + "#messages"
    mine = ApplicationMessage.objects.get()
    assert (mine.author, mine.side, mine.text) == (applicant, "citizen", "Коли буде рішення?")
    assert mine.attachments.get().name == "фото.png"
    html = cabinet.get(response["Location"]).content.decode()
    assert "Your message is sent to the authority." in html
    thread = section(html, 'id="thread"', "</ol>")
    assert "Коли буде рішення?" in thread and "фото.png" in thread and "Not read by the authority yet" in thread

    conversations.message_send_by_official(application=case, official=officer, text="Протягом тижня.")
    html = cabinet.get(page(case)).content.decode()
    assert "You have 1 new message from the authority" in html
    thread = section(html, 'id="thread"', "</ol>")
    # Oldest first; the authority's name, never the official's.
    assert thread.index("Коли буде рішення?") < thread.index("Протягом тижня.")
    assert case.organisation.name in thread and "Коваль" not in thread and "Іван" not in thread
    assert thread.count(">New<") == 1
    # Seen now: the next look shows nothing new.
    html = cabinet.get(page(case)).content.decode()
    assert "new message" not in html and ">New<" not in section(html, 'id="thread"', "</ol>")


def test_the_applications_list_shows_unread_messages_per_application(case, applicant, officer, cabinet, service):
    quiet = services.application_submit(application=filled(applicant, service), actor=applicant)
    conversations.message_send_by_official(application=case, official=officer, text="Перше")
    conversations.message_send_by_official(application=case, official=officer, text="Друге")
    html = cabinet.get("/en/cabinet/applications/").content.decode()
    assert re.search(rf'id="unread-{case.pk}">\s*2 new messages\s*<', html)
    assert f'id="unread-{quiet.pk}"' not in html
    cabinet.get(page(case))
    assert f'id="unread-{case.pk}"' not in cabinet.get("/en/cabinet/applications/").content.decode()
    conversations.message_send_by_official(application=case, official=officer, text="Третє")
    html = cabinet.get("/en/cabinet/applications/").content.decode()
    assert re.search(rf'id="unread-{case.pk}">\s*1 new message\s*<', html)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write a message or attach a file"),
        ({"text": "я" * 5001}, "The message must be 5,000 characters or fewer"),
        (
            {"text": "Документ", "message_files": [upload("invoice.pdf", EXE, "application/pdf")]},
            "The file must be a PDF, JPG, PNG",
        ),
    ],
)
def test_a_bad_message_is_a_400_with_the_error_summary_and_keeps_what_was_typed(case, cabinet, data, message):
    response = cabinet.post(page(case) + "messages/", data)
    assert response.status_code == 400
    assert error_summary(response) == [("message-text", message)]
    html = response.content.decode()
    assert '<p class="govuk-error-message" id="message-text-error">' in html
    if data["text"]:
        assert data["text"] in html
    assert not ApplicationMessage.objects.exists() and not MessageAttachment.objects.exists()


def test_a_double_submit_of_the_form_is_one_message(case, cabinet):
    data = {"text": "Один раз", "key": str(uuid.uuid4())}
    assert cabinet.post(page(case) + "messages/", data).status_code == 302
    assert cabinet.post(page(case) + "messages/", data).status_code == 302
    assert ApplicationMessage.objects.count() == 1


def test_a_draft_has_no_messages_page(applicant, service, cabinet):
    draft = filled(applicant, service)
    response = cabinet.post(f"/en/cabinet/applications/{draft.pk}/messages/", {"text": "Питання"})
    assert response.status_code == 404
    assert not ApplicationMessage.objects.exists()


def test_the_applicant_downloads_a_file_of_the_thread_streamed_safely(case, officer, cabinet):
    message = conversations.message_send_by_official(
        application=case, official=officer, text="", files=[upload("рішення.pdf", pdf_bytes(), "application/pdf")]
    )
    file = message.attachments.get()
    html = cabinet.get(page(case)).content.decode()
    address = f"{page(case)}messages/files/{file.pk}/"
    assert f'href="{address}"' in html
    response = cabinet.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("sandbox")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_another_citizen_finds_nothing_page_post_or_file(case, applicant, officer, service):
    message = conversations.message_send_by_official(application=case, official=officer, text="", files=[upload()])
    file = message.attachments.get()
    # A file of another application of the same applicant is not reached through this one either.
    other_case = services.application_submit(application=filled(applicant, service), actor=applicant)
    browser = Client()
    sign_in_citizen(browser, citizen("Петро", "Іваненко"))
    assert browser.get(page(case)).status_code == 404
    assert browser.post(page(case) + "messages/", {"text": "Чуже"}).status_code == 404
    assert browser.get(f"{page(case)}messages/files/{file.pk}/").status_code == 404
    owner = Client()
    sign_in_citizen(owner, applicant)
    assert owner.get(f"{page(other_case)}messages/files/{file.pk}/").status_code == 404
    assert ApplicationMessage.objects.count() == 1


def test_the_cabinet_list_makes_as_many_queries_for_many_applications_as_for_few(
    applicant, service, officer, cabinet, django_assert_num_queries
):
    def some(n: int) -> None:
        for _ in range(n):
            application = case_row(service, applicant)
            conversations.message_send_by_official(application=application, official=officer, text="Є новини")

    some(2)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cabinet.get("/en/cabinet/applications/").status_code == 200
        return len(captured.captured_queries)

    count()  # the first look at a definition reads it once for the process
    with_two = count()
    some(12)
    with django_assert_num_queries(with_two):
        response = cabinet.get("/en/cabinet/applications/")
    assert response.content.decode().count("1 new message<") == 14


# --- The officials' pages --------------------------------------------------------------------------------


def test_an_official_reads_the_applicants_message_on_the_case_and_answers(case, applicant, officer, second_officer):
    conversations.message_send_by_citizen(
        application=case, citizen=applicant, text="Додаю довідку", files=[upload("довідка.png")]
    )
    browser = office(officer)
    queue = browser.get("/en/office/cases/").content.decode()
    assert re.search(rf'id="unread-{case.pk}">\s*1 unread message\s*<', queue)
    html = browser.get(case_page(case) + "?purpose=supervision").content.decode()
    thread = section(html, 'id="thread"', "</ol>")
    assert "Додаю довідку" in thread and "Шевченко Олена (applicant)" in thread and ">New<" in thread
    file = MessageAttachment.objects.get()
    assert f'href="{case_page(case)}messages/files/{file.pk}/?purpose=supervision"' in thread
    # Read for the whole organisation now: no badge for a colleague either.
    assert f'id="unread-{case.pk}"' not in office(second_officer).get("/en/office/cases/").content.decode()
    html = browser.get(case_page(case) + "?purpose=supervision").content.decode()
    assert "First read by Коваль Іван on" in section(html, 'id="thread"', "</ol>")

    key = str(uuid.uuid4())
    response = browser.post(
        case_page(case) + "messages/", {"text": "Дякуємо, отримали.", "key": key, "purpose": "supervision"}
    )
    assert response.status_code == 302
    assert response["Location"] == case_page(case) + "?purpose=supervision#messages"
    assert browser.post(case_page(case) + "messages/", {"text": "Дякуємо, отримали.", "key": key}).status_code == 302
    answer = ApplicationMessage.objects.get(side="authority")
    assert (answer.author, answer.organisation, answer.text) == (officer, case.organisation, "Дякуємо, отримали.")
    assert Notification.objects.filter(event="message_received", recipient=applicant).count() == 1
    html = browser.get(response["Location"]).content.decode()
    assert "Your message is sent to the applicant." in html
    assert "Not read by the applicant yet" in section(html, f'id="message-{answer.pk}"', "</li>")


def test_a_file_of_the_thread_is_shown_to_officials_with_a_purpose_which_is_logged(case, applicant, officer):
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="", files=[upload()])
    address = f"{case_page(case)}messages/files/{MessageAttachment.objects.get().pk}/"
    browser = office(officer)
    without = browser.get(address)
    assert without.status_code == 302 and without["Location"] == case_page(case)
    assert not DataAccess.objects.exists()
    response = browser.get(address + "?purpose=citizen_enquiry")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("sandbox")
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.purpose) == (officer, applicant, "citizen_enquiry")


def test_an_official_of_another_organisation_finds_nothing(case, applicant, stranger):
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="", files=[upload()])
    file = MessageAttachment.objects.get()
    browser = office(stranger)
    assert browser.get(case_page(case) + "?purpose=supervision").status_code == 404
    assert browser.post(case_page(case) + "messages/", {"text": "Чуже", "purpose": "supervision"}).status_code == 404
    assert browser.get(f"{case_page(case)}messages/files/{file.pk}/?purpose=supervision").status_code == 404
    assert f'id="unread-{case.pk}"' not in browser.get("/en/office/cases/").content.decode()
    assert ApplicationMessage.objects.count() == 1
    assert ApplicationMessage.objects.get().read_by_authority_at is None
    assert not DataAccess.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Write a message or attach a file"),
        ({"text": "я" * 5001}, "The message must be 5,000 characters or fewer"),
        (
            {"text": "Рішення", "message_files": [upload("decision.pdf", EXE, "application/pdf")]},
            "The file must be a PDF, JPG, PNG",
        ),
    ],
)
def test_a_bad_answer_is_a_400_on_the_case_page_and_keeps_what_was_typed(case, officer, data, message):
    response = office(officer).post(case_page(case) + "messages/", {**data, "purpose": "supervision"})
    assert response.status_code == 400
    assert error_summary(response) == [("message-text", message)]
    if data["text"].strip():
        assert data["text"] in response.content.decode()
    assert not ApplicationMessage.objects.exists()
    assert not Notification.objects.filter(event="message_received").exists()


def test_the_case_page_shows_what_the_applicant_was_told_and_whether_it_reached_them(case, applicant, officer):
    applicant.notify_by_sms = True
    applicant.save()
    answer = conversations.message_send_by_official(application=case, official=officer, text="Зателефонуйте нам")
    told = Notification.objects.get(event="message_received")
    email, sms = told.deliveries.get(channel="email"), told.deliveries.get(channel="sms")
    Delivery.objects.filter(pk=email.pk).update(state=DeliveryState.SENT, sent_at=clock.now())
    Delivery.objects.filter(pk=sms.pk).update(state=DeliveryState.FAILED, sent_at=clock.now())
    submitted = Notification.objects.get(event="application_submitted")
    submitted.deliveries.update(state=DeliveryState.DEAD)
    html = office(officer).get(case_page(case) + "?purpose=supervision").content.decode()
    table = section(html, 'id="told"', "</table>")
    message_row = section(table, f'id="told-{told.pk}"', "</tr>")
    assert f"New message about application {case.reference}" in message_row
    assert re.search(r"E-mail: <strong[^>]*govuk-tag--blue[^>]*>sent</strong><br>sent on ", message_row)
    assert re.search(r"SMS: <strong[^>]*govuk-tag--red[^>]*>not delivered</strong>", message_row)
    submitted_row = section(table, f'id="told-{submitted.pk}"', "</tr>")
    assert f"We received your application {case.reference}" in submitted_row
    assert re.search(r"E-mail: <strong[^>]*>could not be sent</strong>", submitted_row)
    assert table.index(f'id="told-{told.pk}"') < table.index(f'id="told-{submitted.pk}"')  # the newest first
    # The answer in the thread says how the applicant was told about it.
    item = section(html, f'id="message-{answer.pk}"', "</li>")
    assert "E-mail: sent" in item and "SMS: not delivered" in item


def test_officials_reminders_about_the_case_are_not_what_the_applicant_was_told(case, officer):
    notices.deadline_near(case, 3, [officer])
    reminder = Notification.objects.get(event="case_due_soon", recipient=officer)
    html = office(officer).get(case_page(case) + "?purpose=supervision").content.decode()
    table = section(html, 'id="told"', "</table>")
    assert f"We received your application {case.reference}" in table
    assert f'id="told-{reminder.pk}"' not in html and reminder.title not in html


def test_the_case_page_says_so_when_nothing_was_sent(applicant, service, officer):
    quiet = case_row(service, applicant)
    html = office(officer).get(case_page(quiet) + "?purpose=supervision").content.decode()
    assert "The applicant has not been sent any notification about this application." in html
    assert "No messages yet." in html


def _count(browser, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(address).status_code == 200
    return len(captured.captured_queries)


def test_the_queue_makes_as_many_queries_with_unread_messages_on_many_cases_as_on_few(
    applicant, service, officer, django_assert_num_queries
):
    browser = office(officer)
    for _ in range(3):
        conversations.message_send_by_citizen(application=case_row(service, applicant), citizen=applicant, text="?")
    _count(browser, "/en/office/cases/")
    with_three = _count(browser, "/en/office/cases/")
    for index in range(17):
        row = case_row(service, citizen())
        for _ in range(index % 3):
            conversations.message_send_by_citizen(application=row, citizen=row.applicant, text="?")
    with django_assert_num_queries(with_three):
        response = browser.get("/en/office/cases/")
    html = response.content.decode()
    assert html.count("1 unread message<") == 3 + 6 and html.count("2 unread messages<") == 5


def test_the_case_page_makes_as_many_queries_for_a_long_thread_as_for_a_short_one(
    case, applicant, officer, django_assert_num_queries
):
    browser = office(officer)
    address = case_page(case) + "?purpose=supervision"
    conversations.message_send_by_official(application=case, official=officer, text="1", files=[upload()])
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="2", files=[upload()])
    _count(browser, address)
    short = _count(browser, address)
    for index in range(10):
        conversations.message_send_by_official(application=case, official=officer, text=f"a{index}", files=[upload()])
        conversations.message_send_by_citizen(application=case, citizen=applicant, text=f"c{index}", files=[upload()])
    with django_assert_num_queries(short):
        html = browser.get(address).content.decode()
    assert section(html, 'id="thread"', "</ol>").count("<li class=") == 22
    assert section(html, 'id="told"', "</table>").count('<tr class="govuk-table__row" id="told-') == 12
