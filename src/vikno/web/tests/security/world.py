"""Two sides of the portal for the security tests: citizen B with something of every kind (a draft, a paid and
a decided application with files, messages, a result and a receipt, a notification, an appeal, a mandate, a
public question, a tracked session and a passkey) at organisation "theirs"; citizen A and an official of
organisation "ours" holding every role there, who must reach none of it.

Everything is made through the apps' own services, as people would make it, so that the objects are real.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vikno.applications import casework, results
from vikno.applications import services as applications
from vikno.applications.models import Application
from vikno.applications.selectors import definition_of
from vikno.applications.tests.factories import good_answers, pdf_bytes, png_bytes, published
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.core import clock
from vikno.identity.constants import Assurance, Role
from vikno.identity.models import Passkey, SignedInSession, User
from vikno.identity.tests.factories import citizen, mandate, official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging import conversations
from vikno.messaging.appeals import services as appeals
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.feedback import services as feedback
from vikno.messaging.models import Notification
from vikno.payments import receipts, transfers
from vikno.payments import services as payments
from vikno.payments.models import FeeAccount, Payment
from vikno.payments.providers.liqpay import encode, sign
from vikno.payments.statements.generate import Transfer, camt053, ukrainian_iban
from vikno.privacy.rights.requests import data_request_submit
from vikno.privacy.services import data_access_record

# What B is, says and sends: none of it may ever be shown to A or to an official of "ours".
B_FIRST, B_LAST = "Соломія", "Таємнича"
B_EMAIL = "solomiia.secret@example.org"
B_PHONE = "+380931112233"
B_MESSAGE = "Секретне повідомлення Соломії"
B_REPLY = "Відповідь органу для Соломії"
B_APPEAL = "Скарга Соломії на сусідів"
B_QUESTION = "Питання Соломії про довідку для її сина"
B_PARTY = "ТОВ «Таємниця Соломії»"
B_PASSKEY = "Ноутбук Соломії"
B_CORRECTION = "Прошу виправити дату народження Соломії"
B_STATEMENT = "STMT-THEIRS-20260302"
FEE = {
    "currency": "UAH",
    "purpose": {"uk": "Адміністративний збір", "en": "Administrative fee"},
    "rules": [{"amount": 8500}],
}


@dataclass
class TwoSides:
    ours: object
    theirs: object
    a: User  # citizen A, the one who tries
    b: User  # citizen B, whose things A tries to reach
    ours_official: User  # every role at "ours"
    theirs_official: User  # the case, payment and moderation roles at "theirs"
    a_case: Application  # A's own sent application, for addresses that mix A's ids with B's
    a_appeal: object
    draft: Application
    case: Application  # paid, in review, waiting for B's answer; files, messages both ways
    decided: Application  # approved, with its signed result
    attachment: object
    message_attachment: object
    notification: Notification
    payment: Payment
    appeal: object
    appeal_attachment: object
    mandate: object
    question: object
    data_request: object
    access: object  # an official's look at B's data, in B's "who looked at my data"
    b_session: SignedInSession
    b_passkey: Passkey
    theirs_passkey: Passkey

    def markers(self) -> list[str]:
        """Strings that only B's things hold: none may appear on a page A or an official of "ours" gets."""
        found = [
            B_FIRST,
            B_LAST,
            B_EMAIL,
            B_PHONE,
            self.b.rnokpp,
            B_MESSAGE,
            B_REPLY,
            B_APPEAL,
            B_QUESTION,
            B_PARTY,
            B_PASSKEY,
            B_CORRECTION,
            B_STATEMENT,
            self.case.reference,
            self.decided.reference,
            self.appeal.reference,
            self.payment.order_id,
        ]
        assert all(found)
        return found


def png(name: str = "паспорт.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _filled(person: User, service) -> Application:
    application = applications.application_start(applicant=person, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    attachment = applications.attachment_add(application=application, question=question, upload=png(), actor=person)
    return applications.application_save_step(
        application=application, values=good_answers(person.rnokpp, [str(attachment.pk)])
    )


def _sent(person: User, service) -> Application:
    return applications.application_submit(application=_filled(person, service), actor=person)


def _paid(application: Application) -> Payment:
    payment, _checkout = payments.card_checkout_start(
        fee=application.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    data = encode(
        {
            "version": 3,
            "public_key": settings.LIQPAY_PUBLIC_KEY,
            "action": "pay",
            "status": "success",
            "order_id": payment.order_id,
            "amount": f"{payment.amount // 100}.{payment.amount % 100:02d}",
            "currency": payment.currency,
            "payment_id": 2_000_000_777,
        }
    )
    answer = Client().post(
        "/payments/liqpay/callback/", {"data": data, "signature": sign(settings.LIQPAY_PRIVATE_KEY, data)}
    )
    assert answer.status_code == 200, answer.content
    payment.refresh_from_db()
    assert payment.state == "paid", payment.state
    receipts.receipt_issue(payment_id=str(payment.pk))
    payment.refresh_from_db()
    assert payment.receipt is not None
    return payment


def _passkey(user: User, name: str) -> Passkey:
    return Passkey.objects.create(user=user, name=name, credential_id=uuid.uuid4().bytes, public_key=b"\x01")


def build() -> TwoSides:
    """The two sides (the caller provides the signing PKI and a private file store)."""
    ours = OrganisationFactory(slug="ours", code="37508470")
    theirs = OrganisationFactory(slug="theirs", code="00032684")
    FeeAccount.objects.create(
        organisation=theirs,
        iban=ukrainian_iban(account="31411234026001"),
        recipient_name="ГУК у м.Києві/22012500",
        recipient_code="37993783",
        budget_code="22012500",
    )
    plain = published(PublicServiceFactory(competent_authority=theirs, minimum_assurance=Assurance.LOW)).service
    paid_service = published(
        PublicServiceFactory(competent_authority=theirs, minimum_assurance=Assurance.LOW), fee=FEE
    ).service
    ours_service = published(PublicServiceFactory(competent_authority=ours, minimum_assurance=Assurance.LOW)).service

    a = citizen("Андрій", "Допитливий", email="andrii@example.org", phone="+380501234567")
    b = citizen(B_FIRST, B_LAST, email=B_EMAIL, phone=B_PHONE, born=dt.date(1979, 5, 17))
    b.set_password("Соломіїн довгий пароль")  # a portal account too: it has passkeys to manage
    b.save()
    # Every role at "ours" but the data protection officer's, which is the whole platform's.
    ours_official = official("all-roles@ours.example", ours, *(set(Role) - {Role.DATA_PROTECTION_OFFICER}))
    theirs_official = official(
        "officer@theirs.example",
        theirs,
        Role.CASE_OFFICER,
        Role.SUPERVISOR,
        Role.ACCOUNTANT,
        Role.EDITOR,
        Role.DATA_PROTECTION_OFFICER,
    )

    a_case = _sent(a, ours_service)
    a_appeal = appeals.appeal_submit(
        citizen=a, organisation=ours, kind=AppealKind.INQUIRY, subject="Питання Андрія", text="Текст.", files=[png()]
    )

    # B's paid case: messages with files both ways, then in review and waiting for B's answer.
    case = _sent(b, paid_service)
    payment = _paid(case)
    case.refresh_from_db()
    sent = conversations.message_send_by_citizen(
        application=case, citizen=b, text=B_MESSAGE, files=[png("довідка Соломії.png")]
    )
    conversations.message_send_by_official(application=case, official=theirs_official, text=B_REPLY)
    case = casework.case_transition(
        application=case, official=theirs_official, transition_id="start_review", version=None
    )
    case = casework.case_transition(
        application=case,
        official=theirs_official,
        transition_id="request_information",
        version=None,
        text="Додайте скан свідоцтва",
    )

    decided = _sent(b, plain)
    decided = casework.case_transition(
        application=decided, official=theirs_official, transition_id="start_review", version=None
    )
    decided = casework.case_transition(
        application=decided, official=theirs_official, transition_id="approve", version=None
    )
    results.result_issue(application_id=str(decided.pk))
    decided.refresh_from_db()
    assert decided.result_document is not None

    draft = applications.application_start(applicant=b, service=plain)
    appeal = appeals.appeal_submit(
        citizen=b,
        organisation=theirs,
        kind=AppealKind.COMPLAINT,
        subject=B_APPEAL,
        text="Сусіди шумлять щоночі, прошу вжити заходів.",
        files=[SimpleUploadedFile("скарга.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    question = feedback.question_ask(service=plain, citizen=b, text=B_QUESTION)
    data_request = data_request_submit(person=b, kind="correction", text=B_CORRECTION)
    # A bank statement of "theirs" in which B pays by transfer too (her name is the payer's).
    [statement] = transfers.statement_import(
        data=camt053(
            account_iban=theirs.fee_account.iban,
            transfers=[
                Transfer(
                    amount=8500,
                    remittance=f"Адмінзбір {case.reference}",
                    bank_reference="TR-THEIRS-1",
                    booked_on=dt.date(2026, 3, 2),
                    payer_name=f"{B_LAST} {B_FIRST}",
                )
            ],
            statement_id=B_STATEMENT,
            created_at=dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC),
        ),
        actor=theirs_official,
    )
    assert statement.organisation_id == theirs.pk
    b_session = SignedInSession.objects.create(
        user=b, method="eid:demo", assurance=3, user_agent="Firefox", last_seen_at=clock.now()
    )
    return TwoSides(
        ours=ours,
        theirs=theirs,
        a=a,
        b=b,
        ours_official=ours_official,
        theirs_official=theirs_official,
        a_case=a_case,
        a_appeal=a_appeal,
        draft=draft,
        case=case,
        decided=decided,
        attachment=case.attachments.first(),
        message_attachment=sent.attachments.get(),
        notification=Notification.objects.filter(recipient=b).order_by("created_at").first(),
        payment=payment,
        appeal=appeal,
        appeal_attachment=appeal.attachments.get(),
        mandate=mandate(b, theirs_official, party_name=B_PARTY),
        question=question,
        data_request=data_request,
        access=data_access_record(
            official=theirs_official,
            subject=b,
            target=case,
            purpose="supervision",
            organisation=theirs,
            role="supervisor",
        ),
        b_session=b_session,
        b_passkey=_passkey(b, B_PASSKEY),
        theirs_passkey=_passkey(theirs_official, "Ключ посадовця"),
    )


def as_citizen(person: User) -> Client:
    browser = Client()
    sign_in_citizen(browser, person, assurance=Assurance.HIGH)
    return browser


def as_official(person: User) -> Client:
    browser = Client()
    sign_in_official(browser, person)
    return browser


# Tables that change on every request of a signed-in person, whoever they are: the session itself and the
# "last active" of the tracked session.
VOLATILE = {"sessions.session", "identity.signedinsession"}


def snapshot() -> dict[str, list]:
    """Every row of every table (but the volatile ones): equal snapshots mean nothing was written."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in VOLATILE or model._meta.proxy or not model._meta.managed:
            continue
        found[label] = sorted(repr(row) for row in model._base_manager.values_list())
    return found
