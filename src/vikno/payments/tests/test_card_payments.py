"""A fee through the card acquirer's protocol: the application waits for it, a verified callback settles it, and
repeated, late, forged or altered callbacks change nothing."""

import base64
import json

import pytest
from django.conf import settings
from django.urls import reverse

from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED
from vikno.applications.selectors import cases_for_official
from vikno.audit.models import AuditRecord
from vikno.documents.selectors import document_open
from vikno.documents.verification import verify_pdf
from vikno.messaging.models import Notification
from vikno.payments import services
from vikno.payments.constants import EventOutcome, PaymentState
from vikno.payments.models import Fee, Payment, PaymentEvent
from vikno.payments.providers.liqpay import decode, encode, sign
from vikno.payments.tests.conftest import FEE_AMOUNT, acquirer_says, signed

pytestmark = pytest.mark.django_db

CALLBACK = "/payments/liqpay/callback/"


def start(awaiting, language="uk"):
    return services.card_checkout_start(
        fee=awaiting.fee,
        language=language,
        result_url="http://testserver/back/",
        server_url="http://127.0.0.1:8000/payments/liqpay/callback/",
    )


def test_a_fee_holds_the_application_back_from_the_authority(awaiting, supervisor):
    fee = Fee.objects.get()
    assert (awaiting.state, awaiting.due_date) == (AWAITING_PAYMENT, None)
    assert (fee.application, fee.amount, fee.currency, fee.paid_amount, fee.paid_at) == (awaiting, 2574, "UAH", 0, None)
    assert fee.purpose == "Адміністративний збір"
    assert fee.payer == awaiting.applicant and fee.organisation == awaiting.organisation
    assert list(cases_for_official(official=supervisor)) == []  # nothing to decide before it is paid
    assert not Notification.objects.filter(event="application_submitted").exists()


def test_the_checkout_is_a_signed_liqpay_form_and_going_back_resumes_it(awaiting, settings):
    payment, checkout = start(awaiting)
    assert checkout.url == settings.LIQPAY_CHECKOUT_URL
    params = json.loads(base64.b64decode(checkout.fields["data"]))
    assert params == {
        "version": 3,
        "public_key": settings.LIQPAY_PUBLIC_KEY,
        "action": "pay",
        "amount": "25.74",
        "currency": "UAH",
        "description": f"Адміністративний збір ({awaiting.reference})",
        "order_id": payment.order_id,
        "language": "uk",
        "result_url": "http://testserver/back/",
        "server_url": "http://127.0.0.1:8000/payments/liqpay/callback/",
        "expired_date": payment.expires_at.astimezone(__import__("datetime").UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    assert checkout.fields == signed({k: v for k, v in params.items() if k not in ("version", "public_key")})
    assert (payment.state, payment.amount) == (PaymentState.PENDING, FEE_AMOUNT)
    again, _checkout = start(awaiting, language="en")
    assert again.pk == payment.pk and Payment.objects.count() == 1


def test_a_verified_callback_pays_the_fee_once_and_sends_the_application_on(
    awaiting, client, tasks_run_at_once, signing_pki, django_capture_on_commit_callbacks
):
    payment, _checkout = start(awaiting)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CALLBACK, acquirer_says(payment, "success"))
    assert (response.status_code, response.content) == (200, b"OK")
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    fee = Fee.objects.get()
    assert (payment.state, payment.card_mask, payment.provider_payment_id) == ("paid", "424242*42", "2000000001")
    assert (fee.paid_amount, fee.paid_at) == (FEE_AMOUNT, payment.paid_at)
    assert awaiting.state == SUBMITTED and awaiting.due_date is not None
    assert sorted(Notification.objects.values_list("event", flat=True)) == [
        "application_submitted",
        "payment_received",
    ]
    event = PaymentEvent.objects.get(source="callback")
    assert (event.outcome, event.from_state, event.to_state, event.provider_status) == (
        "applied",
        "pending",
        "paid",
        "success",
    )
    assert "sender_first_name" not in event.payload and "sender_phone" not in event.payload
    assert event.payload["amount"] == "25.74"
    assert payment.receipt is not None
    assert verify_pdf(data=document_open(document=payment.receipt)).status == "valid"
    assert AuditRecord.objects.filter(action="payments.paid", object_id=str(payment.pk)).count() == 1

    # The acquirer sends it again, and then a late "processing" and a "failure": nothing changes.
    for status in ("success", "processing", "failure"):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(CALLBACK, acquirer_says(payment, status)).status_code == 200
    payment.refresh_from_db()
    fee.refresh_from_db()
    assert (payment.state, fee.paid_amount) == ("paid", FEE_AMOUNT)
    assert list(PaymentEvent.objects.filter(source="callback").values_list("provider_status", "outcome")) == [
        ("success", "applied"),
        ("success", "unchanged"),
        ("processing", "stale"),
        ("failure", "stale"),
    ]
    assert Notification.objects.count() == 2
    assert AuditRecord.objects.filter(action="payments.paid").count() == 1


def test_a_failed_payment_can_be_tried_again_as_a_new_payment(awaiting, client):
    first, _checkout = start(awaiting)
    assert client.post(CALLBACK, acquirer_says(first, "failure", err_code="limit")).status_code == 200
    first.refresh_from_db()
    assert first.state == PaymentState.FAILED and first.next_check_at is None
    second, _checkout = start(awaiting)
    assert second.pk != first.pk and second.state == PaymentState.PENDING
    awaiting.refresh_from_db()
    assert awaiting.state == AWAITING_PAYMENT


def test_a_paid_fee_cannot_be_paid_again(awaiting, client):
    payment, _checkout = start(awaiting)
    client.post(CALLBACK, acquirer_says(payment, "success"))
    with pytest.raises(services.PaymentRefused):
        start(awaiting)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda fields: {**fields, "signature": "AAAA" + fields["signature"][4:]}, id="signature changed"),
        pytest.param(
            lambda fields: {**fields, "data": encode({**decode(fields["data"]), "amount": "0.01"})},
            id="data changed, signature kept",
        ),
        pytest.param(
            lambda fields: signed(json.loads(base64.b64decode(fields["data"])), private_key="guess"), id="another key"
        ),
    ],
)
def test_a_forged_or_altered_callback_is_refused_and_recorded(awaiting, client, tamper):
    payment, _checkout = start(awaiting)
    response = client.post(CALLBACK, tamper(acquirer_says(payment, "success")))
    assert response.status_code == 403
    assert response.content.decode() == "Цю адресу може викликати лише еквайр, з дійсним підписом."
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING and Fee.objects.get().paid_at is None
    refused = PaymentEvent.objects.get(source="callback")
    assert (refused.payment, refused.outcome) == (None, EventOutcome.FORGED)
    assert not Notification.objects.exists()


def test_a_signed_callback_with_another_amount_or_currency_changes_nothing(awaiting, client):
    payment, _checkout = start(awaiting)
    for change in ({"amount": "0.01"}, {"currency": "USD"}):
        response = client.post(CALLBACK, acquirer_says(payment, "success", **change))
        assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert list(PaymentEvent.objects.filter(source="callback").values_list("outcome", flat=True)) == [
        EventOutcome.MISMATCH,
        EventOutcome.MISMATCH,
    ]


@pytest.mark.parametrize("fields", [{}, {"data": "x"}, {"signature": "x"}, {"data": "not base64!", "signature": "x"}])
def test_a_call_without_a_valid_signature_is_refused(client, fields):
    response = client.post(CALLBACK, fields)
    assert (response.status_code, response.content.decode()) == (
        403,
        "Цю адресу може викликати лише еквайр, з дійсним підписом.",
    )


def test_a_signed_callback_that_cannot_be_read_gets_a_clear_400(client):
    data = base64.b64encode(b"[1, 2]").decode()
    response = client.post(CALLBACK, {"data": data, "signature": sign(settings.LIQPAY_PRIVATE_KEY, data)})
    assert (response.status_code, response.content.decode()) == (
        400,
        "Зворотний виклик неможливо прочитати: data is not base64 of a JSON object",
    )


def test_a_callback_for_an_order_nobody_made_is_refused(client, awaiting):
    response = client.post(
        CALLBACK,
        signed({"action": "pay", "status": "success", "order_id": "vikno-nope", "amount": "25.74", "currency": "UAH"}),
    )
    assert response.status_code == 400
    assert PaymentEvent.objects.get().outcome == EventOutcome.UNKNOWN_ORDER


def test_a_callback_amount_with_a_fraction_of_a_kopiyka_is_refused(awaiting, client):
    payment, _checkout = start(awaiting)
    response = client.post(CALLBACK, acquirer_says(payment, "success", amount="25.745"))
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_the_callback_takes_only_post(client):
    assert client.get(CALLBACK).status_code == 403
    assert reverse("payment-callbacks:liqpay") == CALLBACK


def test_a_success_after_a_failure_is_money_taken_and_pays_the_fee(awaiting, client):
    payment, _checkout = start(awaiting)
    client.post(CALLBACK, acquirer_says(payment, "failure", err_code="limit"))
    client.post(CALLBACK, acquirer_says(payment, "success"))  # the payer tried again on the same page
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID and Fee.objects.get().paid_amount == FEE_AMOUNT
    assert list(payment.events.filter(source="callback").values_list("from_state", "to_state")) == [
        ("pending", "failed"),
        ("failed", "paid"),
    ]


def test_a_success_that_does_not_say_how_much_is_refused(awaiting, client):
    payment, _checkout = start(awaiting)
    response = client.post(CALLBACK, signed({"action": "pay", "status": "success", "order_id": payment.order_id}))
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert PaymentEvent.objects.get(source="callback").outcome == EventOutcome.MISMATCH


def test_a_forged_callback_is_kept_without_what_it_says_of_the_payer(awaiting, client):
    payment, _checkout = start(awaiting)
    forged = acquirer_says(payment, "success") | {"signature": "ЖЖЖЖ"}  # not even ASCII
    assert client.post(CALLBACK, forged).status_code == 403
    kept = PaymentEvent.objects.get(outcome=EventOutcome.FORGED).payload
    assert set(kept) == {"data_sha256", "data_length", "source_ip"}
    assert "Олена" not in json.dumps(kept, ensure_ascii=False)
