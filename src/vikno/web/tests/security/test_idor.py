"""Nobody reaches another person's things by their address (insecure direct object references).

Citizen A tries every address of citizen B's things (applications and drafts at each step, files, messages and
their files, notifications, payments and receipts, results, appeals and their files, ratings, mandates, sessions,
passkeys); an official of organisation "ours" holding every role there tries every address of organisation
"theirs" (cases and their files, messages, actions, appeals, payments, statements, reconciliation, questions).
Each answer is exactly what the code promises (404: not found, whether it exists or not), carries none of B's
data, and nothing at all is written. B and the official of "theirs" reach the same addresses, so the addresses
are real.

The table is checked against the URL configuration: a new route with an object's id in its path fails
`test_every_route_with_an_object_id_is_probed` until it has a probe here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import Client

from vikno.identity.session import ACTING_FOR_KEY
from vikno.identity.tests.test_default_deny import classified_routes
from vikno.payments.statements.generate import Transfer, camt053
from vikno.web.tests.security.world import B_STATEMENT, TwoSides, as_citizen, as_official, snapshot

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Probe:
    route: str  # the route as the URL configuration spells it (see test_default_deny.EXAMPLES)
    method: str
    address: str  # formatted with w (the TwoSides)
    data: dict = field(default_factory=dict)  # values formatted with w too
    expected: int = 404  # what the one who tries gets
    # Whether the owner's request (the same one) may change something: then it is asked after all the others.
    owner_writes: bool = False
    mixed: bool = False  # the address mixes the other side's ids with B's: nobody's, so no owner to check with


TODAY = dt.date(2026, 3, 2)
CASE = "office/cases/<uuid:application_id>/"
APPEAL = "office/appeals/<uuid:appeal_id>/"

CITIZEN_PROBES = [
    Probe("cabinet/applications/<uuid:application_id>/", "GET", "/cabinet/applications/{w.draft.pk}/"),
    Probe("cabinet/applications/<uuid:application_id>/", "GET", "/cabinet/applications/{w.case.pk}/"),
    Probe(
        "cabinet/applications/<uuid:application_id>/",
        "POST",
        "/cabinet/applications/{w.case.pk}/",
        {"answer": "Ось відповідь"},
        owner_writes=True,
    ),
    Probe(
        "applications/<uuid:application_id>/steps/<slug:step_id>/",
        "GET",
        "/applications/{w.draft.pk}/steps/purpose/",
    ),
    Probe(
        "applications/<uuid:application_id>/steps/<slug:step_id>/",
        "POST",
        "/applications/{w.draft.pk}/steps/purpose/",
        {"purpose": "other"},
        owner_writes=True,
    ),
    Probe(
        "applications/<uuid:application_id>/steps/<slug:step_id>/",
        "GET",
        "/applications/{w.case.pk}/steps/about-you/",
    ),
    Probe("applications/<uuid:application_id>/check/", "GET", "/applications/{w.draft.pk}/check/"),
    Probe(
        "applications/<uuid:application_id>/check/",
        "POST",
        "/applications/{w.draft.pk}/check/",
        {"declaration": "yes"},
        owner_writes=True,
    ),
    Probe("applications/<uuid:application_id>/sent/", "GET", "/applications/{w.case.pk}/sent/"),
    Probe(
        "applications/<uuid:application_id>/discard/",
        "POST",
        "/applications/{w.draft.pk}/discard/",
        owner_writes=True,
    ),
    Probe("cabinet/applications/<uuid:application_id>/withdraw/", "GET", "/cabinet/applications/{w.case.pk}/withdraw/"),
    Probe(
        "cabinet/applications/<uuid:application_id>/withdraw/",
        "POST",
        "/cabinet/applications/{w.case.pk}/withdraw/",
        {"reason": "Передумала"},
        owner_writes=True,
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/result.pdf",
        "GET",
        "/cabinet/applications/{w.decided.pk}/result.pdf",
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/applications/{w.case.pk}/files/{w.attachment.pk}/",
    ),
    # B's file asked for under A's own application.
    Probe(
        "cabinet/applications/<uuid:application_id>/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/applications/{w.a_case.pk}/files/{w.attachment.pk}/",
        mixed=True,
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/messages/",
        "POST",
        "/cabinet/applications/{w.case.pk}/messages/",
        {"text": "Лист від чужої людини", "key": "7d9c5a52-8f7e-4f9c-9b0f-1d2e3f4a5b6c"},
        owner_writes=True,
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/applications/{w.case.pk}/messages/files/{w.message_attachment.pk}/",
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/applications/{w.a_case.pk}/messages/files/{w.message_attachment.pk}/",
        mixed=True,
    ),
    Probe("cabinet/messages/<uuid:notification_id>/", "GET", "/cabinet/messages/{w.notification.pk}/"),
    Probe("cabinet/appeals/<uuid:appeal_id>/", "GET", "/cabinet/appeals/{w.appeal.pk}/"),
    Probe("cabinet/appeals/<uuid:appeal_id>/sent/", "GET", "/cabinet/appeals/{w.appeal.pk}/sent/"),
    Probe(
        "cabinet/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/appeals/{w.appeal.pk}/files/{w.appeal_attachment.pk}/",
    ),
    Probe(
        "cabinet/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/",
        "GET",
        "/cabinet/appeals/{w.a_appeal.pk}/files/{w.appeal_attachment.pk}/",
        mixed=True,
    ),
    Probe("cabinet/applications/<uuid:application_id>/rating/", "GET", "/cabinet/applications/{w.decided.pk}/rating/"),
    Probe(
        "cabinet/applications/<uuid:application_id>/rating/",
        "POST",
        "/cabinet/applications/{w.decided.pk}/rating/",
        {"score": "1", "comment": "Жахливо"},
        owner_writes=True,
    ),
    Probe("cabinet/applications/<uuid:application_id>/pay/", "GET", "/cabinet/applications/{w.case.pk}/pay/"),
    Probe(
        "cabinet/applications/<uuid:application_id>/pay/card/",
        "POST",
        "/cabinet/applications/{w.case.pk}/pay/card/",
        owner_writes=True,
    ),
    Probe(
        "cabinet/applications/<uuid:application_id>/pay/returned/",
        "GET",
        "/cabinet/applications/{w.case.pk}/pay/returned/",
    ),
    Probe("cabinet/payments/<uuid:payment_id>/receipt.pdf", "GET", "/cabinet/payments/{w.payment.pk}/receipt.pdf"),
    Probe(
        "cabinet/my-data/requests/<uuid:request_id>/",
        "GET",
        "/cabinet/my-data/requests/{w.data_request.pk}/",
    ),
    Probe(
        "cabinet/data-access/<uuid:access_id>/ask/",
        "GET",
        "/cabinet/data-access/{w.access.public_id}/ask/",
    ),
    Probe(
        "cabinet/data-access/<uuid:access_id>/ask/",
        "POST",
        "/cabinet/data-access/{w.access.public_id}/ask/",
        {"question": "Чому ви відкривали мою заяву?", "key": "idor-ask"},
        owner_writes=True,
    ),
    # Ids that travel in the form rather than in the address.
    Probe("cabinet/acting-for/", "POST", "/cabinet/acting-for/", {"party": "{w.mandate.pk}"}, owner_writes=True),
    Probe(
        "cabinet/security/end-session/",
        "POST",
        "/cabinet/security/end-session/",
        {"session": "{w.b_session.public_id}"},
        owner_writes=True,
    ),
    Probe(
        "cabinet/security/passkeys/remove/",
        "POST",
        "/cabinet/security/passkeys/remove/",
        {"passkey": "{w.b_passkey.pk}"},
        expected=404,
        owner_writes=True,
    ),
]

OFFICIAL_PROBES = [
    Probe(CASE, "GET", "/office/cases/{w.case.pk}/"),
    Probe(CASE, "GET", "/office/cases/{w.case.pk}/?purpose=supervision"),
    Probe(CASE, "GET", "/office/cases/{w.decided.pk}/?purpose=supervision"),
    Probe(
        "office/cases/<uuid:application_id>/files/<uuid:attachment_id>/",
        "GET",
        "/office/cases/{w.case.pk}/files/{w.attachment.pk}/?purpose=supervision",
    ),
    Probe(
        "office/cases/<uuid:application_id>/notes/",
        "POST",
        "/office/cases/{w.case.pk}/notes/",
        {"text": "Чужа нотатка", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/assign/",
        "POST",
        "/office/cases/{w.case.pk}/assign/",
        {"assignee": "me", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/actions/<str:transition_id>/",
        "POST",
        "/office/cases/{w.case.pk}/actions/refuse/",
        {"reasons": "Бо так", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/decision/confirm/",
        "POST",
        "/office/cases/{w.case.pk}/decision/confirm/",
        {"purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/decision/return/",
        "POST",
        "/office/cases/{w.case.pk}/decision/return/",
        {"comment": "Ні", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/messages/",
        "POST",
        "/office/cases/{w.case.pk}/messages/",
        {"text": "Лист від чужого органу", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        "GET",
        "/office/cases/{w.case.pk}/messages/files/{w.message_attachment.pk}/?purpose=supervision",
    ),
    # B's message file asked for under a case of "ours".
    Probe(
        "office/cases/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        "GET",
        "/office/cases/{w.a_case.pk}/messages/files/{w.message_attachment.pk}/?purpose=supervision",
        mixed=True,
    ),
    Probe(
        "office/cases/<uuid:application_id>/files/<uuid:attachment_id>/",
        "GET",
        "/office/cases/{w.a_case.pk}/files/{w.attachment.pk}/?purpose=supervision",
        mixed=True,
    ),
    Probe(APPEAL, "GET", "/office/appeals/{w.appeal.pk}/"),
    Probe(APPEAL, "GET", "/office/appeals/{w.appeal.pk}/?purpose=supervision"),
    Probe(
        "office/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/",
        "GET",
        "/office/appeals/{w.appeal.pk}/files/{w.appeal_attachment.pk}/?purpose=supervision",
    ),
    Probe(
        "office/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/",
        "GET",
        "/office/appeals/{w.a_appeal.pk}/files/{w.appeal_attachment.pk}/?purpose=supervision",
        mixed=True,
    ),
    Probe(
        "office/appeals/<uuid:appeal_id>/assign/",
        "POST",
        "/office/appeals/{w.appeal.pk}/assign/",
        {"assignee": "me", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/appeals/<uuid:appeal_id>/short-term/",
        "POST",
        "/office/appeals/{w.appeal.pk}/short-term/",
        {"purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/appeals/<uuid:appeal_id>/extend/",
        "POST",
        "/office/appeals/{w.appeal.pk}/extend/",
        {"reason": "Потрібна перевірка", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe(
        "office/appeals/<uuid:appeal_id>/answer/",
        "POST",
        "/office/appeals/{w.appeal.pk}/answer/",
        {"text": "Відповідь чужого органу", "purpose": "supervision"},
        owner_writes=True,
    ),
    Probe("office/payments/<uuid:payment_id>/", "GET", "/office/payments/{w.payment.pk}/"),
    Probe(
        "office/payments/<uuid:payment_id>/",
        "POST",
        "/office/payments/{w.payment.pk}/",
        {"amount": "85.00", "reason": "Повернення", "key": "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"},
        owner_writes=True,
    ),
    Probe("office/questions/<uuid:question_id>/", "GET", "/office/questions/{w.question.pk}/"),
    Probe(
        "office/questions/<uuid:question_id>/",
        "POST",
        "/office/questions/{w.question.pk}/",
        {"action": "reject", "reason": "Не по темі"},
        owner_writes=True,
    ),
    # Requests about personal data are the data protection officer's, for the whole platform: any other role
    # is refused the page.
    Probe("office/privacy/<uuid:request_id>/", "GET", "/office/privacy/{w.data_request.pk}/", expected=403),
    # Ids that travel in the form or the query rather than in the path.
    Probe(
        "office/cases/assign/",
        "POST",
        "/office/cases/assign/",
        {"cases": "{w.case.pk}", "assignee": "me"},
        expected=302,  # "0 cases assigned": the ids are looked up among the official's own cases only
        owner_writes=True,
    ),
    Probe(
        "office/payments/reconciliation/",
        "GET",
        "/office/payments/reconciliation/?organisation={w.theirs.pk}&day=2026-01-15",
        expected=400,
    ),
    Probe(
        "office/payments/reconciliation/",
        "GET",
        "/office/payments/reconciliation/?organisation={w.theirs.pk}&day=2026-01-15&format=csv",
        expected=400,
    ),
    Probe(
        "office/security/passkeys/remove/",
        "POST",
        "/office/security/passkeys/remove/",
        {"passkey": "{w.theirs_passkey.pk}"},
        owner_writes=True,
    ),
]


def _format(probe: Probe, w: TwoSides) -> tuple[str, dict]:
    return probe.address.format(w=w), {key: value.format(w=w) for key, value in probe.data.items()}


def _ask(browser: Client, probe: Probe, w: TwoSides):
    address, data = _format(probe, w)
    return browser.post(address, data) if probe.method == "POST" else browser.get(address)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _tries(browser: Client, probes: list[Probe], w: TwoSides) -> list:
    """Each probe by the one who must not get in: (probe, what went wrong) for every wrong answer."""
    wrong = []
    markers = w.markers()
    for probe in probes:
        before = snapshot()
        response = _ask(browser, probe, w)
        body = _body(response)
        leaked = [marker for marker in markers if marker in body]
        changed = sorted(label for label, rows in snapshot().items() if rows != before.get(label))
        if response.status_code != probe.expected or leaked or changed:
            wrong.append((probe.method, _format(probe, w)[0], response.status_code, leaked, changed))
    return wrong


def _owners(browser: Client, probes: list[Probe], w: TwoSides) -> list:
    """The owner reaches each address (whatever the answer, it is not "not found"): reads first, writes after."""
    wrong = []
    for probe in sorted((p for p in probes if not p.mixed), key=lambda p: p.owner_writes):
        response = _ask(browser, probe, w)
        if response.status_code == 404 or response.status_code >= 500:
            wrong.append((probe.method, _format(probe, w)[0], response.status_code))
    return wrong


def test_citizen_a_reaches_none_of_citizen_bs_things(two_sides):
    w = two_sides
    a = as_citizen(w.a)
    assert _tries(a, CITIZEN_PROBES, w) == []
    assert ACTING_FOR_KEY not in a.session
    assert _owners(as_citizen(w.b), CITIZEN_PROBES, w) == []


def test_an_official_of_ours_reaches_none_of_the_cases_and_payments_of_theirs(two_sides):
    w = two_sides
    ours = as_official(w.ours_official)
    assert _tries(ours, OFFICIAL_PROBES, w) == []
    # A statement for the account of "theirs" is refused, and nothing of it is kept.
    statement = camt053(
        account_iban=w.theirs.fee_account.iban,
        transfers=[Transfer(amount=8500, remittance=w.case.reference, bank_reference="TR-1", booked_on=TODAY)],
        statement_id="STMT-THEIRS",
        created_at=dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC),
    )
    before = snapshot()
    upload = ours.post("/office/payments/statements/", {"file": _named(statement, "statement.xml")})
    assert upload.status_code == 400
    assert not [marker for marker in w.markers() if marker in upload.content.decode()]
    assert snapshot() == before
    assert _owners(as_official(w.theirs_official), OFFICIAL_PROBES, w) == []


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/xml")


LISTS_OF_CITIZENS = [
    "/cabinet/",
    "/cabinet/applications/",
    "/cabinet/payments/",
    "/cabinet/messages/",
    "/cabinet/appeals/",
    "/cabinet/security/",
    "/cabinet/acting-for/",
]
LISTS_OF_OFFICIALS = [
    "/office/cases/",
    "/office/cases/?state=in_review",
    "/office/cases/?state=approved",
    "/office/appeals/",
    "/office/appeals/?state=all",
    "/office/payments/",
    "/office/payments/reconciliation/",
    "/office/questions/",
    "/office/feedback/",
    "/office/security/passkeys/",
]


def test_lists_show_none_of_the_other_sides_things(two_sides):
    w = two_sides
    markers = w.markers()
    for browser, pages in ((as_citizen(w.a), LISTS_OF_CITIZENS), (as_official(w.ours_official), LISTS_OF_OFFICIALS)):
        for page in pages:
            response = browser.get(page)
            assert response.status_code == 200, page
            assert [m for m in markers if m in response.content.decode()] == [], page
    # The lists are not empty by accident: B's own show B's things.
    mine = as_citizen(w.b).get("/cabinet/applications/").content.decode()
    assert w.case.reference in mine and w.decided.reference in mine
    theirs = as_official(w.theirs_official)
    assert w.case.reference in theirs.get("/office/cases/?state=awaiting_information").content.decode()
    assert B_STATEMENT in theirs.get("/office/payments/").content.decode()


def test_every_route_with_an_object_id_is_probed():
    probed = {probe.route for probe in CITIZEN_PROBES + OFFICIAL_PROBES}
    with_ids = {route for route, _level in classified_routes() if "<uuid:" in route}
    assert with_ids - probed == set(), "add a probe for each new route that carries an object's id"


def test_a_well_formed_id_of_nothing_and_a_malformed_one_are_not_found_alike(two_sides):
    w = two_sides
    a = as_citizen(w.a)
    nothing = uuid.UUID(int=0)
    for address in (f"/cabinet/applications/{nothing}/", f"/cabinet/appeals/{nothing}/"):
        assert a.get(address).status_code == 404
    assert a.get("/cabinet/applications/not-a-uuid/").status_code == 404
    ours = as_official(w.ours_official)
    assert ours.get(f"/office/cases/{nothing}/").status_code == 404
    assert ours.post("/cabinet/acting-for/", {"party": "not-a-uuid"}).status_code == 403  # officials have no cabinet
