"""Refunds started by an official, at the service level and on the back-office payment page. A bank transfer is
returned by the treasury (recorded here, never sent to the card acquirer); only supervisors and accountants of
the organisation that was paid can return a fee."""

import re
import uuid

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from vikno.applications.tests.factories import published
from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.core.money import Money
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.models import Notification
from vikno.payments import refunds, services, transfers
from vikno.payments.constants import PaymentState, RefundState
from vikno.payments.exceptions import PaymentRefused
from vikno.payments.models import BankTransfer, FeeAccount, Payment, Refund
from vikno.payments.statements.generate import ukrainian_iban
from vikno.payments.tests.conftest import ACCOUNT_IBAN, FEE, FEE_AMOUNT, acquirer_says
from vikno.payments.tests.test_transfers import MORNING, PURPOSE, credit, statement, waiting

pytestmark = pytest.mark.django_db

REASON = "Відмова в наданні послуги: збір повертається"
AT_MOST = "You can return at most what was paid and not yet returned."
ONLY_PAYMENT_ROLES = "Only the organisation's supervisors and accountants can return a fee."
NO_REASON = "Give the reason for the refund"
NOT_AN_AMOUNT = "Enter the amount in hryvnias and kopiyky, like 85.00"


@pytest.fixture(autouse=True)
def _morning(at):
    at(MORNING)


def paid_by_transfer(application, *, iban: str = ACCOUNT_IBAN, bank_reference: str = "TR-1") -> Payment:
    data = statement(credit(FEE_AMOUNT, PURPOSE.format(application.reference), bank_reference), iban=iban)
    transfers.statement_import(data=data, actor=None)
    payment = BankTransfer.objects.get(bank_reference=bank_reference).payment
    assert payment is not None and (payment.state, payment.amount) == (PaymentState.PAID, FEE_AMOUNT)
    return payment


@pytest.fixture
def transferred(fee_account, awaiting) -> Payment:
    return paid_by_transfer(awaiting)


def uk(msgid: str) -> str:
    with translation.override("uk"):
        return gettext(msgid)


def nothing_refunded() -> None:
    assert not Refund.objects.exists()
    assert not Notification.objects.filter(event="payment_refunded").exists()
    assert not AuditRecord.objects.filter(action="payments.refund_requested").exists()


def test_a_transfer_is_returned_by_the_treasury_and_the_payer_is_told(
    transferred, applicant, accountant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.refund_request(
            payment=transferred, amount=FEE_AMOUNT, reason=f"  {REASON}\n", official=accountant, source_ip="192.0.2.7"
        )

    refund.refresh_from_db()
    assert (refund.payment, refund.amount, refund.reason, refund.requested_by) == (
        transferred,
        FEE_AMOUNT,
        REASON,
        accountant,
    )
    assert (refund.state, refund.done_at, refund.error) == (RefundState.TREASURY, None, "")
    told = Notification.objects.get(event="payment_refunded")
    assert (told.recipient, told.key) == (applicant, f"payment:refund:{refund.pk}")
    audit = AuditRecord.objects.get(action="payments.refund_requested")
    assert (audit.actor, audit.object_id, audit.reason, audit.source_ip) == (
        accountant,
        str(transferred.pk),
        REASON,
        "192.0.2.7",
    )
    assert audit.details == {"amount": FEE_AMOUNT, "refund": str(refund.pk)}
    # The treasury returns it outside the portal: the card acquirer is never asked, the payment stays paid.
    assert not DBTaskResult.objects.filter(task_path__endswith="send_refund").exists()
    transferred.refresh_from_db()
    assert (transferred.state, transferred.refunded_amount) == (PaymentState.PAID, 0)
    assert refunds.refundable(transferred) == 0


def test_a_fee_can_be_returned_in_parts_up_to_what_was_paid(transferred, accountant, supervisor):
    refunds.refund_request(payment=transferred, amount=1000, reason=REASON, official=supervisor)
    assert refunds.refundable(transferred) == 1574
    with translation.override("uk"), pytest.raises(PaymentRefused) as refused:
        refunds.refund_request(payment=transferred, amount=1575, reason=REASON, official=accountant)
    assert str(refused.value) == uk(AT_MOST)
    refunds.refund_request(payment=transferred, amount=1574, reason=REASON, official=accountant)
    assert sorted(Refund.objects.values_list("amount", "state")) == [(1000, "treasury"), (1574, "treasury")]
    assert refunds.refundable(transferred) == 0
    assert Notification.objects.filter(event="payment_refunded").count() == 2


def pending_card_payment(awaiting) -> Payment:
    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee,
        language="uk",
        result_url="http://testserver/back/",
        server_url="http://127.0.0.1:8000/payments/liqpay/callback/",
    )
    return payment


@pytest.mark.parametrize(
    ("case", "amount", "reason", "who", "message"),
    [
        ("not paid", FEE_AMOUNT, REASON, "accountant", AT_MOST),
        ("more than paid", FEE_AMOUNT + 1, REASON, "accountant", AT_MOST),
        ("nothing", 0, REASON, "accountant", AT_MOST),
        ("empty reason", FEE_AMOUNT, " \n ", "accountant", NO_REASON),
        ("another organisation", FEE_AMOUNT, REASON, "stranger", ONLY_PAYMENT_ROLES),
        ("case officer", FEE_AMOUNT, REASON, "officer", ONLY_PAYMENT_ROLES),
    ],
)
def test_a_refund_that_cannot_be_made_is_refused_and_nothing_is_written(
    request, fee_account, awaiting, case, amount, reason, who, message
):
    payment = pending_card_payment(awaiting) if case == "not paid" else paid_by_transfer(awaiting)
    official = request.getfixturevalue(who)
    with translation.override("uk"), pytest.raises(PaymentRefused) as refused:
        refunds.refund_request(payment=payment, amount=amount, reason=reason, official=official)
    assert str(refused.value) == uk(message)
    nothing_refunded()
    payment.refresh_from_db()
    assert payment.refunded_amount == 0


def payment_page(client, user, payment):
    sign_in_official(client, user)
    return client.get(f"/office/payments/{payment.pk}/")


def history(content: str) -> list[list[str]]:
    """The cells of the provider events table, as text."""
    body = re.search(r'<table class="govuk-table" id="events">.*?<tbody[^>]*>(.*?)</tbody>', content, re.S)
    assert body is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def test_the_payment_page_shows_what_the_provider_said(client, fee_account, awaiting, accountant):
    card = pending_card_payment(awaiting)
    assert client.post("/payments/liqpay/callback/", acquirer_says(card, "success")).status_code == 200
    response = payment_page(client, accountant, card)
    assert response.status_code == 200
    when = "2 березня 2026, 10:00:00"
    with translation.override("uk"):
        checkout, callback, applied = gettext("Checkout started"), gettext("Provider's callback"), gettext("Applied")
        created, pending, paid = gettext("Created"), gettext("Waiting for the bank"), gettext("Paid")
    assert history(response.content.decode()) == [
        [when, checkout, "—", f"{applied}: {created} → {pending}"],
        [when, callback, "success", f"{applied}: {pending} → {paid}"],
    ]
    assert list(response.context["events"]) == list(card.events.all())


def test_the_payment_page_of_a_transfer_shows_the_statement(client, transferred, accountant):
    response = payment_page(client, accountant, transferred)
    assert response.status_code == 200
    with translation.override("uk"):
        source, applied = gettext("Bank statement"), gettext("Applied")
        created, paid = gettext("Created"), gettext("Paid")
    assert history(response.content.decode()) == [
        ["2 березня 2026, 10:00:00", source, "BOOK", f"{applied}: {created} → {paid}"]
    ]
    assert 'id="refund"' in response.content.decode()


def test_an_accountant_records_a_refund_on_the_payment_page(client, transferred, applicant, accountant):
    sign_in_official(client, accountant)
    response = client.post(f"/office/payments/{transferred.pk}/", {"amount": "25,74", "reason": REASON})
    assert (response.status_code, response["Location"]) == (302, f"/office/payments/{transferred.pk}/")

    refund = Refund.objects.get()
    assert (refund.amount, refund.state, refund.reason, refund.requested_by) == (
        FEE_AMOUNT,
        RefundState.TREASURY,
        REASON,
        accountant,
    )
    assert Notification.objects.get(event="payment_refunded").recipient == applicant
    page = client.get(f"/office/payments/{transferred.pk}/")
    content = page.content.decode()
    with translation.override("uk"):
        listed = f"{escape(Money(FEE_AMOUNT).format())} · {escape(gettext('To be returned by the treasury'))}"
    listed += f" · {escape(REASON)}"
    assert page.status_code == 200
    found = re.search(r'<ul class="govuk-list" id="refunds"><li>(.*?)<span', content, re.S)
    assert found is not None and found.group(1).strip() == listed
    assert escape(uk("The refund is on its way. The payer has been told.")) in content
    assert 'id="refund"' not in content  # nothing is left to return


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", NOT_AN_AMOUNT),
        ("0", "Enter an amount greater than zero"),
        ("25.745", NOT_AN_AMOUNT),
        ("1e999999", NOT_AN_AMOUNT),
        ("9" * 18, NOT_AN_AMOUNT),
        ("25,75", AT_MOST),
    ],
)
def test_an_amount_that_cannot_be_returned_is_a_field_error(client, transferred, accountant, amount, message):
    sign_in_official(client, accountant)
    response = client.post(f"/office/payments/{transferred.pk}/", {"amount": amount, "reason": REASON})
    assert response.status_code == 400
    assert response.context["form"].errors == {"amount": [uk(message)]}
    content = response.content.decode()
    assert 'class="govuk-error-summary"' in content
    assert f'<a href="#id_amount">{escape(uk(message))}</a>' in content
    assert 'id="amount-error"' in content
    nothing_refunded()


def test_another_organisations_payment_is_not_found(
    client, transferred, applicant, other_authority, accountant, stranger
):
    other_iban = ukrainian_iban(account="31412222000002")
    FeeAccount.objects.create(
        organisation=other_authority, iban=other_iban, recipient_name="ГУК у Львівській обл.", recipient_code="38008294"
    )
    other_service = published(PublicServiceFactory(competent_authority=other_authority), fee=FEE).service
    elsewhere = paid_by_transfer(waiting(applicant, other_service), iban=other_iban, bank_reference="TR-9")

    for official, payment in ((accountant, elsewhere), (stranger, transferred)):
        sign_in_official(client, official)
        url = f"/office/payments/{payment.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"amount": "25,74", "reason": REASON}).status_code == 404
    nothing_refunded()


def test_the_same_refund_form_posted_twice_is_one_refund(client, transferred, accountant):
    sign_in_official(client, accountant)
    key = str(uuid.uuid4())
    form = {"key": key, "amount": "10,00", "reason": REASON}
    first = client.post(f"/office/payments/{transferred.pk}/", form)
    again = client.post(f"/office/payments/{transferred.pk}/", form)
    assert (first.status_code, again.status_code) == (302, 302)
    refund = Refund.objects.get()
    assert (refund.amount, str(refund.request_key)) == (1000, key)
    assert Notification.objects.filter(event="payment_refunded").count() == 1


def test_one_refund_of_a_payment_is_with_the_acquirer_at_a_time(fee_account, awaiting, accountant, client):
    card = pending_card_payment(awaiting)
    assert client.post("/payments/liqpay/callback/", acquirer_says(card, "success")).status_code == 200
    card.refresh_from_db()
    first = refunds.refund_request(payment=card, amount=1000, reason=REASON, official=accountant)
    second = refunds.refund_request(payment=card, amount=1000, reason=REASON, official=accountant)
    assert refunds._claim(str(first.pk)) is not None  # a worker took the first one to the acquirer
    assert refunds._claim(str(first.pk)) is None  # no second worker on the same refund
    assert refunds._claim(str(second.pk)) is None  # nor on another refund of the same payment meanwhile
    second.refresh_from_db()
    assert second.state == "requested"
    assert set(refunds.refunds_waiting()) == {second.pk}
