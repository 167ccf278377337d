"""The daily reconciliation of an organisation's fees: one row per card payment, transfer and refund of the Kyiv
day, with what was expected, what arrived and the difference; the same as CSV, and the back-office page."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.forms import ModelChoiceField
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from vikno.applications.tests.factories import published
from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.core.money import Money
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.payments import reconciliation as reconciling
from vikno.payments import refunds, services, transfers
from vikno.payments.models import BankTransfer, FeeAccount, Payment
from vikno.payments.statements.generate import camt053, ukrainian_iban
from vikno.payments.tests.conftest import ACCOUNT_IBAN, FEE, FEE_AMOUNT, acquirer_says
from vikno.payments.tests.test_transfers import KYIV, PURPOSE, credit, nobodys_reference, statement, waiting

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
CALLBACK = "/payments/liqpay/callback/"
PAGE = "/office/payments/reconciliation/"
FORMULA = '=HYPERLINK("http://example.com") оплата без номера заяви'
OTHER_IBAN = ukrainian_iban(account="31412222000002")
HEADER = [
    "date",
    "kind",
    "category",
    "needs_attention",
    "application_reference",
    "expected",
    "received",
    "difference",
    "expected_kopiyky",
    "received_kopiyky",
    "difference_kopiyky",
    "currency",
    "bank_reference",
    "payment_id",
    "note",
]


def kyiv(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=KYIV)


def pay_by_card(client, application, payment_id: int) -> Payment:
    payment, _checkout = services.card_checkout_start(
        fee=application.fee,
        language="uk",
        result_url="http://testserver/back/",
        server_url="http://127.0.0.1:8000/payments/liqpay/callback/",
    )
    assert client.post(CALLBACK, acquirer_says(payment, "success", payment_id=payment_id)).status_code == 200
    payment.refresh_from_db()
    assert payment.state == "paid"
    return payment


def paid_elsewhere(applicant, other_authority) -> str:
    """Another authority's fee paid by transfer the same day; its reference must not show up in ours."""
    FeeAccount.objects.create(
        organisation=other_authority, iban=OTHER_IBAN, recipient_name="ГУК у Львівській обл.", recipient_code="38008294"
    )
    application = waiting(
        applicant, published(PublicServiceFactory(competent_authority=other_authority), fee=FEE).service
    )
    data = statement(credit(FEE_AMOUNT, PURPOSE.format(application.reference), "TR-1"), iban=OTHER_IBAN)
    transfers.statement_import(data=data, actor=None)
    assert application.reference is not None
    return application.reference


@pytest.fixture
def day(at, client, fee_account, applicant, fee_service, other_authority, accountant):
    """What happened to the authority's fees on 2 March 2026, and around it (the day before, another authority)."""
    at(kyiv(1, 9))
    late, awaiting, matched, partial, overpaid = (waiting(applicant, fee_service) for _ in range(5))
    at(kyiv(1, 23, 50))  # the day before, in Kyiv
    pay_by_card(client, late, 2_000_000_001)
    at(kyiv(2, 0, 30))  # still 1 March in UTC: the Kyiv day counts
    card = pay_by_card(client, awaiting, 2_000_000_002)

    at(kyiv(2, 18, 45))  # the end-of-day statement is imported
    nobody = nobodys_reference()
    data = camt053(
        account_iban=ACCOUNT_IBAN,
        statement_id="STMT-20260302",
        created_at=kyiv(2, 18, 30),
        transfers=[
            credit(FEE_AMOUNT, PURPOSE.format(matched.reference), "TR-1"),
            credit(1000, PURPOSE.format(partial.reference), "TR-2"),
            credit(5000, FORMULA, "TR-3"),
            credit(FEE_AMOUNT, PURPOSE.format(nobody), "TR-4"),
            credit(3000, PURPOSE.format(overpaid.reference), "TR-5"),
            credit(FEE_AMOUNT, PURPOSE.format(awaiting.reference), "TR-6"),  # paid by card this morning
            credit(500, "Повернення помилково зарахованих коштів", "TR-7", is_credit=False),
            credit(4200, "Оплата від 1 березня", "TR-0", booked_on=DAY - dt.timedelta(days=1)),
        ],
    )
    transfers.statement_import(data=data, actor=accountant)
    elsewhere = paid_elsewhere(applicant, other_authority)
    ours = BankTransfer.objects.filter(account_iban=ACCOUNT_IBAN).select_related("payment")
    return SimpleNamespace(
        late=late,
        awaiting=awaiting,
        matched=matched,
        partial=partial,
        overpaid=overpaid,
        nobody=nobody,
        elsewhere=elsewhere,
        card=card,
        payments={t.bank_reference: t.payment for t in ours},
    )


def table(report) -> list[tuple]:
    return [
        (
            row.kind,
            row.category,
            row.reference,
            row.expected,
            row.received,
            row.difference,
            row.needs_attention,
            row.currency,
            row.bank_reference,
            row.payment_id,
            row.note,
        )
        for row in report.rows
    ]


def pid(payment) -> str:
    return str(payment.pk)


def expected_table(day) -> list[tuple]:
    p = day.payments
    return [
        ("card", "matched", day.awaiting.reference, 2574, 2574, 0, False, "UAH", "2000000002", pid(day.card), ""),
        ("transfer", "matched", day.matched.reference, 2574, 2574, 0, False, "UAH", "TR-1", pid(p["TR-1"]),
         PURPOSE.format(day.matched.reference)),
        ("transfer", "partial", day.partial.reference, 2574, 1000, -1574, True, "UAH", "TR-2", pid(p["TR-2"]),
         PURPOSE.format(day.partial.reference)),
        ("transfer", "unmatched", "", None, 5000, 5000, True, "UAH", "TR-3", "", FORMULA),
        ("transfer", "no_application", day.nobody, None, 2574, 2574, True, "UAH", "TR-4", "",
         PURPOSE.format(day.nobody)),
        ("transfer", "overpaid", day.overpaid.reference, 2574, 3000, 426, True, "UAH", "TR-5", pid(p["TR-5"]),
         PURPOSE.format(day.overpaid.reference)),
        # The card paid this fee in the morning: nothing more was expected, all of it is to be returned.
        ("transfer", "duplicate", day.awaiting.reference, 0, 2574, 2574, True, "UAH", "TR-6", pid(p["TR-6"]),
         PURPOSE.format(day.awaiting.reference)),
        ("transfer", "outgoing", "", None, -500, -500, False, "UAH", "TR-7", "",
         "Повернення помилково зарахованих коштів"),
    ]  # fmt: skip


def test_the_days_rows_say_what_was_expected_and_what_arrived(day, authority):
    report = reconciling.reconciliation(organisation_id=authority.pk, day=DAY)
    assert (report.organisation_id, report.day) == (authority.pk, DAY)
    assert table(report) == expected_table(day)
    assert (report.expected_total, report.received_total) == (4 * 2574, 4 * 2574 + 1000 + 5000 + 3000 - 500)
    assert [row.bank_reference for row in report.problems] == ["TR-2", "TR-3", "TR-4", "TR-5", "TR-6"]
    assert (report.expected_money, report.received_money) == (Money(10296), Money(18796))


def test_the_day_before_and_the_day_after_hold_their_own_rows(day, authority, other_authority):
    before = reconciling.reconciliation(organisation_id=authority.pk, day=DAY - dt.timedelta(days=1))
    assert [(r.kind, r.category, r.reference, r.received) for r in before.rows] == [
        ("card", "matched", day.late.reference, 2574),
        ("transfer", "unmatched", "", 4200),
    ]
    assert reconciling.reconciliation(organisation_id=authority.pk, day=DAY + dt.timedelta(days=1)).rows == []
    elsewhere = reconciling.reconciliation(organisation_id=other_authority.pk, day=DAY)
    assert [(r.kind, r.category, r.reference, r.received) for r in elsewhere.rows] == [
        ("transfer", "matched", day.elsewhere, 2574)
    ]


def test_a_refund_is_reported_on_the_day_it_was_requested(day, at, authority, accountant):
    at(kyiv(2, 19))
    overpaid = day.payments["TR-5"]
    refunds.refund_request(payment=overpaid, amount=426, reason="Переплата понад розмір збору", official=accountant)
    at(kyiv(3, 9))
    refunds.refund_request(payment=day.payments["TR-6"], amount=2574, reason="Сплачено двічі", official=accountant)

    with translation.override("en"):
        report = reconciling.reconciliation(organisation_id=authority.pk, day=DAY)
        after = reconciling.reconciliation(organisation_id=authority.pk, day=DAY + dt.timedelta(days=1))
    assert table(report) == [
        *expected_table(day),
        ("refund", "refund", day.overpaid.reference, None, -426, -426, False, "UAH", "TR-5", pid(overpaid),
         "To be returned by the treasury: Переплата понад розмір збору"),
    ]  # fmt: skip
    # A refund is money going out, not money that arrived: the totals stay those of payments and transfers.
    assert (report.expected_total, report.received_total) == (10296, 18796)
    assert table(after) == [
        ("refund", "refund", day.awaiting.reference, None, -2574, -2574, False, "UAH", "TR-6",
         pid(day.payments["TR-6"]), "To be returned by the treasury: Сплачено двічі"),
    ]  # fmt: skip


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_header_and_exact_amounts(day, authority):
    text = reconciling.as_csv(reconciling.reconciliation(organisation_id=authority.pk, day=DAY))
    p = day.payments
    date = "2026-03-02"
    assert text.endswith("\r\n")
    assert csv_rows(text) == [
        HEADER,
        [date, "card", "matched", "no", day.awaiting.reference, "25.74", "25.74", "0.00", "2574", "2574", "0", "UAH",
         "2000000002", pid(day.card), ""],
        [date, "transfer", "matched", "no", day.matched.reference, "25.74", "25.74", "0.00", "2574", "2574", "0",
         "UAH", "TR-1", pid(p["TR-1"]), PURPOSE.format(day.matched.reference)],
        [date, "transfer", "partial", "yes", day.partial.reference, "25.74", "10.00", "-15.74", "2574", "1000",
         "-1574", "UAH", "TR-2", pid(p["TR-2"]), PURPOSE.format(day.partial.reference)],
        # What the payer wrote cannot become a formula in a spreadsheet.
        [date, "transfer", "unmatched", "yes", "", "", "50.00", "50.00", "", "5000", "5000", "UAH", "TR-3", "",
         "'" + FORMULA],
        [date, "transfer", "no_application", "yes", day.nobody, "", "25.74", "25.74", "", "2574", "2574", "UAH",
         "TR-4", "", PURPOSE.format(day.nobody)],
        [date, "transfer", "overpaid", "yes", day.overpaid.reference, "25.74", "30.00", "4.26", "2574", "3000", "426",
         "UAH", "TR-5", pid(p["TR-5"]), PURPOSE.format(day.overpaid.reference)],
        [date, "transfer", "duplicate", "yes", day.awaiting.reference, "0.00", "25.74", "25.74", "0", "2574", "2574",
         "UAH", "TR-6", pid(p["TR-6"]), PURPOSE.format(day.awaiting.reference)],
        [date, "transfer", "outgoing", "no", "", "", "-5.00", "-5.00", "", "-500", "-500", "UAH", "TR-7", "",
         "Повернення помилково зарахованих коштів"],
    ]  # fmt: skip


def reconciliation_page(client, user, query: str):
    sign_in_official(client, user)
    return client.get(f"{PAGE}?{query}")


def test_the_page_shows_the_days_rows(client, day, authority, accountant):
    response = reconciliation_page(client, accountant, f"organisation={authority.pk}&day=2026-03-02")
    assert response.status_code == 200
    assert table(response.context["report"]) == expected_table(day)
    content = response.content.decode()
    assert content.count('<tr class="govuk-table__row"><td class="govuk-table__cell">') == 8
    assert 'id="problems">5</dd>' in content
    for reference in (day.awaiting.reference, day.matched.reference, day.nobody, "TR-7"):
        assert reference in content
    assert day.elsewhere not in content and day.late.reference not in content and "TR-0" not in content
    with translation.override("uk"):
        totals = (escape(Money(10296).format()), escape(Money(18796).format()))
    assert all(total in content for total in totals)


def test_the_page_gives_the_csv_as_an_attachment(client, day, authority, accountant):
    response = reconciliation_page(client, accountant, f"organisation={authority.pk}&day=2026-03-02&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="reconciliation-37508470-2026-03-02.csv"'
    with translation.override("uk"):
        expected = reconciling.as_csv(reconciling.reconciliation(organisation_id=authority.pk, day=DAY))
    assert response.content.decode("utf-8") == expected
    assert len(csv_rows(expected)) == 9
    exported = AuditRecord.objects.get(action="payments.reconciliation_exported")
    assert (exported.actor, exported.object_id, exported.details) == (
        accountant,
        str(authority.pk),
        {"day": "2026-03-02", "rows": 8},
    )


def test_a_day_that_is_not_a_date_is_an_error(client, day, authority, accountant):
    response = reconciliation_page(client, accountant, f"organisation={authority.pk}&day=2026-02-30")
    assert response.status_code == 400
    with translation.override("uk"):
        message = gettext("Enter a real date")
    assert response.context["form"].errors == {"day": [message]}
    assert response.context["report"] is None
    content = response.content.decode()
    assert 'class="govuk-error-summary"' in content and f'<a href="#id_day">{escape(message)}</a>' in content


def test_an_organisation_the_official_does_not_handle_is_an_error(client, day, other_authority, accountant):
    response = reconciliation_page(client, accountant, f"organisation={other_authority.pk}&day=2026-03-02")
    assert response.status_code == 400
    with translation.override("uk"):
        message = str(ModelChoiceField.default_error_messages["invalid_choice"])
    assert response.context["form"].errors == {"organisation": [message]}
    assert response.context["report"] is None
    assert day.elsewhere not in response.content.decode()


def test_a_citizen_is_refused(client, day, authority, applicant):
    sign_in_citizen(client, applicant)
    response = client.get(f"{PAGE}?organisation={authority.pk}&day=2026-03-02")
    assert response.status_code == 403
    response = client.get(f"{PAGE}?organisation={authority.pk}&day=2026-03-02&format=csv")
    assert response.status_code == 403 and day.awaiting.reference not in response.content.decode()


def test_an_official_without_a_payments_role_finds_no_page(client, day, authority, officer):
    response = reconciliation_page(client, officer, f"organisation={authority.pk}&day=2026-03-02&format=csv")
    assert response.status_code == 404
    assert day.awaiting.reference not in response.content.decode()
