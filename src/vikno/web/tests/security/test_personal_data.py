"""Personal data never leaves through the side doors: logs, error pages, the task queue.

One whole journey with every logger of every library captured at DEBUG: a citizen signs in with the demo eID
(the real OpenID provider), fills in an application with her address and her passport's number, uploads a scan
and sends it; an official opens the case and its file, asks for more, she answers and writes, he replies and
approves; the background tasks (notifications by e-mail, the signed result) run; a 404, a 403, a 400 and a 500
happen on the way. Then none of her name, taxpayer number, date of birth, phone, e-mail, address or document
number is in any captured log line (message, arguments, extra fields or traceback), in any error page, or in
the arguments of any task row of the database queue; and the logs did capture the journey.
"""

from __future__ import annotations

import json
import logging
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import response_for_exception
from django.test import Client, RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from vikno.applications.models import Application
from vikno.applications.tests.factories import definition_data, png_bytes
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.identity.constants import Assurance, Role
from vikno.identity.models import User
from vikno.identity.tests.demo_eid import CITIZENS
from vikno.identity.tests.factories import official
from vikno.identity.tests.test_eid import (  # noqa: F401  (pytest fixtures: the demo eID provider)
    _stop_module_provider,
    provider,
    provider_port,
)
from vikno.identity.tests.test_eid import sign_in as eid_sign_in
from vikno.web.tests.security.world import as_official

pytestmark = pytest.mark.django_db

OLENA = CITIZENS[0]
STREET = "вулиця Квітуча-Тестова"
FLAT = "кв. 417"
DOCUMENT = "КВ 918273"
# Everything that identifies her, in each form it could be written.
PERSONAL = [
    OLENA["given_name"],
    OLENA["family_name"],
    OLENA["middle_name"],
    OLENA["rnokpp"],
    OLENA["birthdate"],
    "14.03.1988",
    OLENA["email"],
    OLENA["phone_number"],
    OLENA["phone_number"].removeprefix("+"),
    "050 123 45 67",
    STREET,
    FLAT,
    DOCUMENT,
    DOCUMENT.replace(" ", ""),
]
# The standard attributes of a log record; anything else on it came from `extra=` and is captured too.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class Everything(logging.Handler):
    """Keeps every record's message, arguments, extra fields and traceback as text."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        extras = {key: value for key, value in vars(record).items() if key not in STANDARD}
        parts = [record.name, record.levelname, record.getMessage(), repr(record.args), repr(extras)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
        self.lines.append(" | ".join(parts))


@pytest.fixture
def captured():
    """Every logger at DEBUG, all reaching one handler on the root (restored afterwards)."""
    handler = Everything()
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(lg, lg.level, lg.propagate, lg.disabled) for lg in loggers] + [(root, root.level, True, False)]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.propagate = True
        lg.disabled = False
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    for lg, level, propagate, disabled in saved:
        lg.setLevel(level)
        lg.propagate = propagate
        lg.disabled = disabled


def _with_document_number(service) -> dict:
    data = definition_data(service)
    data["form"]["schema"]["properties"]["document_number"] = {"type": "string", "minLength": 1, "maxLength": 20}
    data["form"]["schema"]["required"].append("document_number")
    data["form"]["steps"][2]["questions"].append("document_number")
    data["form"]["questions"]["document_number"] = {
        "label": {"uk": "Серія та номер паспорта", "en": "Passport series and number"}
    }
    return data


@pytest.fixture
def service(signing_pki):
    from vikno.applications.definition_files import definition_import, definition_publish

    authority = OrganisationFactory(slug="dms", code="37508470")
    service = PublicServiceFactory(competent_authority=authority, minimum_assurance=Assurance.SUBSTANTIAL)
    definition_publish(definition=definition_import(data=_with_document_number(service)))
    return service


ANSWERS = {
    "purpose": {"purpose": "work"},
    "about-you": {
        "full_name": f"{OLENA['family_name']} {OLENA['given_name']} {OLENA['middle_name']}",
        "birth_date-day": "14",
        "birth_date-month": "3",
        "birth_date-year": "1988",
        "rnokpp": OLENA["rnokpp"],
        "document_number": DOCUMENT,
    },
    "children": {"children": "2"},
    "address": {
        "address-street": STREET,
        "address-building": "17",
        "address-apartment": FLAT,
        "address-locality": "Вінниця",
        "address-postcode": "21050",
    },
    "previous-names": {"previous_names-count": "0"},
    "contact": {"phone": OLENA["phone_number"], "email": OLENA["email"]},
}


def _apply(browser: Client, service) -> Application:
    start = reverse("applications:start", args=[service.slug])
    assert browser.get(f"/services/{service.slug}/").status_code == 200
    assert browser.get(start).status_code == 200
    page = browser.post(start)["Location"]
    for _ in range(12):
        step = page.rstrip("/").rsplit("/", 1)[-1]
        if step == "passport":
            scan = SimpleUploadedFile(f"паспорт {OLENA['family_name']}.png", png_bytes(), content_type="image/png")
            assert browser.post(page, {"passport": scan, "upload": "passport"}).status_code == 200
            response = browser.post(page, {})
        else:
            response = browser.post(page, ANSWERS[step])
        assert response.status_code == 302, (page, response.status_code)
        page = response["Location"]
        if page.endswith("/check/"):
            break
    assert browser.get(page).status_code == 200
    assert browser.post(page, {"declaration": "yes"}).status_code == 302
    return Application.objects.get(applicant__email=OLENA["email"])


def _act(browser: Client, case: Application, transition: str, **data) -> None:
    case.refresh_from_db()
    answer = browser.post(
        f"/office/cases/{case.pk}/actions/{transition}/", {"version": case.version, "purpose": "processing", **data}
    )
    assert answer.status_code == 302, (transition, answer.status_code)


def _run_tasks(capture) -> int:
    """Run what the queue holds, as a worker would (the tasks they enqueue too)."""
    done: set = set()
    for _ in range(5):
        waiting = [row for row in DBTaskResult.objects.order_by("enqueued_at") if row.pk not in done]
        if not waiting:
            break
        for row in waiting:
            with capture(execute=True):
                row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            done.add(row.pk)
    return len(done)


def _found(text: str) -> list[str]:
    return [marker for marker in PERSONAL if marker.lower() in text.lower()]


def test_a_whole_journey_leaves_no_personal_data_in_logs_error_pages_or_tasks(
    settings,
    provider,  # noqa: F811
    service,
    captured,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    officer = official("officer@dms.example", service.competent_authority, Role.CASE_OFFICER, Role.SUPERVISOR)
    pages: dict[str, str] = {}

    with django_capture_on_commit_callbacks(execute=True):
        citizen = Client()
        _authorization, _callback, signed_in = eid_sign_in(citizen, settings)
        assert signed_in.status_code == 302
        olena = User.objects.get(email=OLENA["email"])
        olena.notify_by_sms, olena.phone = True, OLENA["phone_number"]  # she hears by SMS too
        olena.save()

        case = _apply(citizen, service)
        assert case.answers["document_number"] == DOCUMENT and case.answers["address"]["street"] == STREET

        # Errors on the way: not found, not allowed, a bad request, a server error.
        missing = citizen.get(f"/cabinet/applications/{uuid.uuid4()}/")
        forbidden = citizen.get("/office/cases/")
        bad = citizen.post(f"/cabinet/applications/{case.pk}/withdraw/", {"reason": f"{DOCUMENT}\x00"})
        assert (missing.status_code, forbidden.status_code, bad.status_code) == (404, 403, 400)
        pages.update(missing=missing.content.decode(), forbidden=forbidden.content.decode(), bad=bad.content.decode())
        request = RequestFactory().get(f"/cabinet/applications/{case.pk}/")
        request.user = olena
        try:
            raise RuntimeError("a fault while showing the application")
        except RuntimeError as fault:
            crashed = response_for_exception(request, fault)
        assert crashed.status_code == 500
        pages["crashed"] = crashed.content.decode()

        office = as_official(officer)
        assert office.get("/office/cases/").status_code == 200
        assert office.get(f"/office/cases/{case.pk}/?purpose=processing").status_code == 200
        scan = case.attachments.get()
        assert office.get(f"/office/cases/{case.pk}/files/{scan.pk}/?purpose=processing").status_code == 200
        _act(office, case, "start_review")
        _act(office, case, "request_information", text="Додайте скан свідоцтва про народження")

        certificate = SimpleUploadedFile("свідоцтво.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        answered = citizen.post(f"/cabinet/applications/{case.pk}/", {"answer": "Додаю скан", "files": certificate})
        assert answered.status_code == 302
        written = citizen.post(
            f"/cabinet/applications/{case.pk}/messages/",
            {"text": f"Моя адреса: {STREET}, {FLAT}", "key": str(uuid.uuid4())},
        )
        assert written.status_code == 302
        replied = office.post(
            f"/office/cases/{case.pk}/messages/",
            {"text": "Дякуємо, отримали.", "key": str(uuid.uuid4()), "purpose": "processing"},
        )
        assert replied.status_code == 302
        case.refresh_from_db()
        assert case.state == "in_review"  # her answer took the case back to the official
        _act(office, case, "approve")

    ran = _run_tasks(django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.state == "approved" and case.result_document is not None  # the task issued the signed result
    assert ran >= 3 and mail.outbox  # notifications went out by e-mail...
    assert any(OLENA["email"] in message.to for message in mail.outbox)  # ...to her, as they should

    # The logs saw the journey...
    logged = "\n".join(captured.lines)
    assert captured.lines
    for seen in (
        "django.request | WARNING | Not Found: /cabinet/applications/",
        "django.request | WARNING | Forbidden (Permission denied): /office/cases/",
        "django.request | WARNING | A NUL character in a form.: /cabinet/applications/",
        "django.request | ERROR | Internal Server Error: /cabinet/applications/",
        "RuntimeError: a fault while showing the application",
        "path=vikno.applications.tasks.issue_result enqueued",
        "weasyprint.progress | INFO | Step 6 - Creating PDF",
    ):
        assert seen in logged, seen
    # ...but none of her.
    leaks = [(marker, line) for line in captured.lines for marker in _found(line)]
    assert leaks == []
    for name, page in pages.items():
        assert _found(page) == [], name
    rows = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert {path for path, _ in rows} >= {"vikno.messaging.tasks.deliver", "vikno.applications.tasks.issue_result"}
    assert [(path, args) for path, args in rows if _found(json.dumps(args, ensure_ascii=False))] == []


def test_registering_with_a_taken_address_queues_the_accounts_id_not_the_address(
    client, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    owner = User.objects.create_user(username="taken@example.org", email="taken@example.org", password="x" * 20)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("identity:register"),
            {"given_name": "Хтось", "family_name": "Інший", "email": "taken@example.org", "password": "довгий пароль"},
        )
    assert response.status_code == 302
    row = DBTaskResult.objects.get()
    assert (row.task_path, row.args_kwargs) == (
        "vikno.identity.tasks.send_already_registered",
        {"args": [str(owner.pk)], "kwargs": {}},
    )
    assert "taken@example.org" not in json.dumps(row.args_kwargs)
    row.task.call(*row.args_kwargs["args"])
    assert [message.to for message in mail.outbox] == [["taken@example.org"]]


def test_a_phone_number_in_a_log_line_would_be_caught(captured):
    """The capture itself works: a line with her number in an extra field is seen."""
    logging.getLogger("vikno.test").debug("sending", extra={"to": OLENA["phone_number"]})
    assert [line for line in captured.lines if _found(line)] != []
    assert re.search(r"vikno\.test \| DEBUG \| sending", "\n".join(captured.lines))
