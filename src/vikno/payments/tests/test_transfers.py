"""Fees paid by bank transfer: camt.053 / camt.054 statements imported, each credit matched to a fee by the
application's reference in the payment purpose, and nothing counted twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from vikno.applications import services as application_services
from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED
from vikno.applications.models import Application
from vikno.applications.selectors import definition_of
from vikno.applications.tests.factories import published
from vikno.applications.tests.test_services import filled
from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.core import reference
from vikno.core.working_days import add_working_days
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.models import Notification
from vikno.payments import transfers
from vikno.payments.constants import Method, PaymentState, TransferMatch
from vikno.payments.models import BankStatement, BankTransfer, Fee, Payment, PaymentEvent
from vikno.payments.statements.generate import Transfer, camt053, camt054, ukrainian_iban
from vikno.payments.tests.conftest import ACCOUNT_IBAN, FEE, FEE_AMOUNT

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
DAY = dt.date(2026, 3, 2)
MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV)
EVENING = dt.datetime(2026, 3, 2, 18, 30, tzinfo=KYIV)
PURPOSE = "*;101;3012345678;Адміністративний збір; заява {};;;"  # the treasury's layout of a payment purpose
UPLOAD = "/office/payments/statements/"


@pytest.fixture(autouse=True)
def _morning(at):
    at(MORNING)


def waiting(applicant, service) -> Application:
    """Another application of the applicant, sent and waiting for its fee."""
    return application_services.application_submit(application=filled(applicant, service), actor=applicant)


def credit(amount: int, remittance: str, bank_reference: str, booked_on: dt.date = DAY, **fields) -> Transfer:
    return Transfer(amount=amount, remittance=remittance, bank_reference=bank_reference, booked_on=booked_on, **fields)


def statement(*entries: Transfer, statement_id: str = "STMT-20260302", iban: str = ACCOUNT_IBAN) -> bytes:
    return camt053(account_iban=iban, transfers=entries, statement_id=statement_id, created_at=EVENING)


def notification(*entries: Transfer, notification_id: str = "NTF-20260302-1") -> bytes:
    return camt054(account_iban=ACCOUNT_IBAN, transfers=entries, notification_id=notification_id, created_at=EVENING)


def nobodys_reference() -> str:
    """A reference with a valid check digit that no application has."""
    body = "2687654321"
    found = reference.format_reference(body + str(reference.luhn_digit(body)))
    assert not Application.objects.filter(reference=found).exists()
    return found


def matches() -> dict[str, str]:
    return dict(BankTransfer.objects.values_list("bank_reference", "match"))


def events_of(application) -> list[str]:
    return sorted(Notification.objects.filter(subject_id=str(application.pk)).values_list("event", flat=True))


def due_date(application) -> dt.date:
    return add_working_days(DAY, definition_of(application.definition).workflow.deadline_days)


def counts() -> dict[str, int]:
    return {
        "statements": BankStatement.objects.count(),
        "transfers": BankTransfer.objects.count(),
        "payments": Payment.objects.count(),
        "events": PaymentEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditRecord.objects.count(),
    }


@pytest.fixture
def other_fee_service(other_authority):
    return published(PublicServiceFactory(competent_authority=other_authority), fee=FEE).service


def test_a_statement_is_matched_transfer_by_transfer(
    fee_account, awaiting, applicant, fee_service, other_fee_service, accountant
):
    spaced, partial, overpaid = (waiting(applicant, fee_service) for _ in range(3))
    elsewhere = waiting(applicant, other_fee_service)
    nobody = nobodys_reference()
    assert spaced.reference is not None
    data = statement(
        credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-0001"),
        credit(FEE_AMOUNT, PURPOSE.format(spaced.reference.replace("-", " ")), "TR-0002"),
        credit(FEE_AMOUNT, "*;101;3012345678;Адміністративний збір за паспорт;;;", "TR-0003"),
        credit(FEE_AMOUNT, PURPOSE.format(nobody), "TR-0004"),
        credit(FEE_AMOUNT, PURPOSE.format(elsewhere.reference), "TR-0005"),
        credit(1000, PURPOSE.format(partial.reference), "TR-0006"),
        credit(3000, PURPOSE.format(overpaid.reference), "TR-0007"),
        credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-0008"),  # paid again, by mistake
        credit(500, "Повернення помилково зарахованих коштів", "TR-0009", is_credit=False),
        credit(FEE_AMOUNT, PURPOSE.format(spaced.reference), "TR-0010", status="PDNG"),
    )

    [stored] = transfers.statement_import(data=data, actor=accountant, source_ip="192.0.2.7")

    assert (stored.kind, stored.statement_id, stored.account_iban) == ("camt.053", "STMT-20260302", ACCOUNT_IBAN)
    assert (stored.organisation, stored.imported_by, stored.entries, stored.new_entries) == (
        fee_account.organisation,
        accountant,
        10,
        9,
    )
    assert matches() == {
        "TR-0001": TransferMatch.MATCHED,
        "TR-0002": TransferMatch.MATCHED,
        "TR-0003": TransferMatch.UNMATCHED,
        "TR-0004": TransferMatch.NO_APPLICATION,
        "TR-0005": TransferMatch.NO_APPLICATION,
        "TR-0006": TransferMatch.PARTIAL,
        "TR-0007": TransferMatch.OVERPAID,
        "TR-0008": TransferMatch.DUPLICATE,
        "TR-0009": TransferMatch.OUTGOING,
    }
    by_reference = {t.bank_reference: t for t in BankTransfer.objects.select_related("fee", "payment")}
    assert by_reference["TR-0002"].reference == spaced.reference  # read in its printed form
    assert by_reference["TR-0004"].reference == nobody and by_reference["TR-0004"].fee is None
    assert by_reference["TR-0005"].reference == elsewhere.reference and by_reference["TR-0005"].fee is None
    assert by_reference["TR-0009"].amount == 500 and not by_reference["TR-0009"].is_credit
    for unpaid in ("TR-0003", "TR-0004", "TR-0005", "TR-0009"):
        assert by_reference[unpaid].payment is None

    # Every credit matched to a fee is a payment of that fee by transfer, confirmed by the statement.
    paid = {
        "TR-0001": (awaiting, FEE_AMOUNT),
        "TR-0002": (spaced, FEE_AMOUNT),
        "TR-0006": (partial, 1000),
        "TR-0007": (overpaid, 3000),
        "TR-0008": (awaiting, FEE_AMOUNT),
    }
    assert Payment.objects.count() == len(paid)
    for bank_reference, (application, amount) in paid.items():
        payment = by_reference[bank_reference].payment
        assert payment is not None
        assert (payment.fee, payment.method, payment.provider, payment.state) == (
            application.fee,
            Method.TRANSFER,
            "treasury",
            PaymentState.PAID,
        )
        assert (payment.amount, payment.currency, payment.paid_at) == (amount, "UAH", MORNING)
        assert payment.order_id == f"transfer:{ACCOUNT_IBAN}:{bank_reference}"
        assert payment.provider_payment_id == bank_reference
        assert list(payment.events.values_list("source", "provider_status", "outcome", "from_state", "to_state")) == [
            ("statement", "BOOK", "applied", "created", "paid")
        ]

    fees = {fee.application_id: fee for fee in Fee.objects.all()}
    assert (fees[awaiting.pk].paid_amount, fees[awaiting.pk].paid_at) == (2 * FEE_AMOUNT, MORNING)
    assert (fees[spaced.pk].paid_amount, fees[spaced.pk].paid_at) == (FEE_AMOUNT, MORNING)
    assert (fees[partial.pk].paid_amount, fees[partial.pk].paid_at) == (1000, None)
    assert (fees[overpaid.pk].paid_amount, fees[overpaid.pk].paid_at) == (3000, MORNING)
    assert (fees[elsewhere.pk].paid_amount, fees[elsewhere.pk].paid_at) == (0, None)

    for application in (awaiting, spaced, overpaid):
        application.refresh_from_db()
        assert (application.state, application.due_date) == (SUBMITTED, due_date(application))
    for application in (partial, elsewhere):
        application.refresh_from_db()
        assert (application.state, application.due_date) == (AWAITING_PAYMENT, None)
    assert events_of(awaiting) == ["application_submitted", "payment_received", "payment_received"]
    assert events_of(spaced) == events_of(overpaid) == ["application_submitted", "payment_received"]
    assert events_of(partial) == ["payment_received"]
    assert events_of(elsewhere) == []
    assert AuditRecord.objects.filter(action="applications.paid").count() == 3

    imported = AuditRecord.objects.get(action="payments.statement_imported")
    assert (imported.actor, imported.object_id, imported.source_ip) == (accountant, str(stored.pk), "192.0.2.7")
    assert imported.details == {"kind": "camt.053", "entries": 10, "new": 9}


def test_the_rest_of_a_partial_payment_arrives_in_a_notification(fee_account, awaiting, accountant):
    transfers.statement_import(data=statement(credit(1000, PURPOSE.format(awaiting.reference), "TR-1")), actor=None)
    fee = Fee.objects.get()
    awaiting.refresh_from_db()
    assert (fee.paid_amount, fee.remaining, fee.paid_at, awaiting.state) == (1000, 1574, None, AWAITING_PAYMENT)

    [stored] = transfers.statement_import(
        data=notification(credit(1574, PURPOSE.format(awaiting.reference), "TR-2")), actor=accountant
    )

    assert (stored.kind, stored.statement_id, stored.entries, stored.new_entries) == (
        "camt.054",
        "NTF-20260302-1",
        1,
        1,
    )
    assert matches() == {"TR-1": TransferMatch.PARTIAL, "TR-2": TransferMatch.MATCHED}
    fee.refresh_from_db()
    awaiting.refresh_from_db()
    assert (fee.paid_amount, fee.remaining, fee.paid_at) == (FEE_AMOUNT, 0, MORNING)
    assert (awaiting.state, awaiting.due_date) == (SUBMITTED, due_date(awaiting))
    assert sorted(Payment.objects.values_list("amount", "state")) == [(1000, "paid"), (1574, "paid")]
    assert events_of(awaiting) == ["application_submitted", "payment_received", "payment_received"]


def test_importing_the_same_statement_again_changes_nothing(fee_account, awaiting, accountant):
    data = statement(
        credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1"),
        credit(700, "Без призначення", "TR-2"),
    )
    transfers.statement_import(data=data, actor=accountant)
    before = counts()
    audit_before = set(AuditRecord.objects.exclude(action="payments.statement_imported").values_list("pk", flat=True))

    [again] = transfers.statement_import(data=data, actor=accountant)

    assert (again.entries, again.new_entries) == (2, 0)
    after = counts()
    # Only the import itself is kept: a statement row and its audit record; no money is counted again.
    assert after == {**before, "statements": before["statements"] + 1, "audit": before["audit"] + 1}
    assert (
        set(AuditRecord.objects.exclude(action="payments.statement_imported").values_list("pk", flat=True))
        == audit_before
    )
    assert AuditRecord.objects.get(action="payments.statement_imported", object_id=str(again.pk)).details == {
        "kind": "camt.053",
        "entries": 2,
        "new": 0,
    }
    assert Fee.objects.get().paid_amount == FEE_AMOUNT
    assert matches() == {"TR-1": TransferMatch.MATCHED, "TR-2": TransferMatch.UNMATCHED}


def test_notifications_then_the_days_statement_count_each_transfer_once(
    fee_account, awaiting, applicant, fee_service, accountant
):
    second = waiting(applicant, fee_service)
    first_transfer = credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1")
    second_transfer = credit(FEE_AMOUNT, PURPOSE.format(second.reference), "TR-2")
    transfers.statement_import(data=notification(first_transfer), actor=accountant)
    notified = counts()

    [stored] = transfers.statement_import(data=statement(first_transfer, second_transfer), actor=accountant)

    assert (stored.entries, stored.new_entries) == (2, 1)
    assert matches() == {"TR-1": TransferMatch.MATCHED, "TR-2": TransferMatch.MATCHED}
    assert BankTransfer.objects.get(bank_reference="TR-1").statement.kind == "camt.054"
    assert sorted(Fee.objects.values_list("paid_amount", flat=True)) == [FEE_AMOUNT, FEE_AMOUNT]
    assert Payment.objects.count() == notified["payments"] + 1 == 2
    assert events_of(awaiting) == ["application_submitted", "payment_received"]
    assert events_of(second) == ["application_submitted", "payment_received"]


def assert_nothing_written() -> None:
    assert counts()["statements"] == counts()["transfers"] == counts()["payments"] == 0
    assert not AuditRecord.objects.filter(action__startswith="payments.").exclude(action="payments.fee_opened").exists()


def test_a_statement_of_an_account_that_is_no_fee_account_is_refused(fee_account, awaiting, accountant):
    elsewhere = ukrainian_iban(account="31419999000001")
    data = statement(credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1"), iban=elsewhere)
    with translation.override("uk"), pytest.raises(transfers.ImportRefused) as refused:
        transfers.statement_import(data=data, actor=accountant)
    with translation.override("uk"):
        expected = gettext("No organisation's fee account has the IBAN %(iban)s.") % {"iban": elsewhere}
    assert str(refused.value) == expected
    assert_nothing_written()


def test_an_official_without_a_payments_role_there_cannot_import(fee_account, awaiting, authority, stranger):
    data = statement(credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1"))
    with translation.override("uk"), pytest.raises(transfers.ImportRefused) as refused:
        transfers.statement_import(data=data, actor=stranger)
    with translation.override("uk"):
        expected = gettext("You cannot import statements of %(name)s.") % {"name": authority.name}
    assert str(refused.value) == expected
    assert_nothing_written()


def test_a_broken_file_is_refused_with_the_parsers_reason(fee_account, accountant):
    with translation.override("uk"), pytest.raises(transfers.ImportRefused) as refused:
        transfers.statement_import(data=b"<Document><BkToCstmrStmt>", actor=accountant)
    with translation.override("uk"):
        expected = gettext("This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.")
    assert str(refused.value) == expected
    assert_nothing_written()


def upload(client, user, data: bytes, *, follow: bool = False):
    sign_in_official(client, user)
    file = SimpleUploadedFile("statement.xml", data, content_type="application/xml")
    return client.post(UPLOAD, {"file": file}, follow=follow)


def test_an_accountant_imports_a_statement_in_the_back_office(client, fee_account, awaiting, accountant):
    data = statement(
        credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1"),
        credit(700, "Без призначення", "TR-2"),
    )
    response = upload(client, accountant, data)
    assert (response.status_code, response["Location"]) == (302, "/office/payments/")

    page = client.get("/office/payments/")
    with translation.override("uk"):
        message = gettext("Statement %(id)s imported: %(new)s new transactions of %(all)s.") % {
            "id": "STMT-20260302",
            "new": 2,
            "all": 2,
        }
    assert page.status_code == 200
    assert escape(message) in page.content.decode()
    assert matches() == {"TR-1": TransferMatch.MATCHED, "TR-2": TransferMatch.UNMATCHED}
    assert BankStatement.objects.get().imported_by == accountant


def test_a_broken_file_in_the_back_office_gets_the_error_summary(client, fee_account, accountant):
    response = upload(client, accountant, b"this is not a statement")
    assert response.status_code == 400
    content = response.content.decode()
    with translation.override("uk"):
        expected = gettext("This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.")
    assert 'class="govuk-error-summary"' in content
    assert f'<a href="#id_file">{escape(expected)}</a>' in content
    assert response.context["form"].errors == {"file": [expected]}
    assert_nothing_written()


def test_an_official_of_another_organisation_cannot_import_in_the_back_office(
    client, fee_account, awaiting, authority, stranger
):
    response = upload(client, stranger, statement(credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1")))
    assert response.status_code == 400
    with translation.override("uk"):
        expected = gettext("You cannot import statements of %(name)s.") % {"name": authority.name}
    assert response.context["form"].errors == {"file": [expected]}
    assert escape(expected) in response.content.decode()
    assert_nothing_written()
    awaiting.refresh_from_db()
    assert awaiting.state == AWAITING_PAYMENT


def test_an_official_with_no_payments_role_is_not_shown_the_import(client, fee_account, awaiting, officer):
    response = upload(client, officer, statement(credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-1")))
    assert response.status_code == 404
    assert_nothing_written()
